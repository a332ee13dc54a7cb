"""Rollback in the domain: a user's latest consecutive edits of a recipe, or of every recipe."""

import pytest

from recipes import queries
from recipes.blobs import load_blob
from recipes.community import accounts
from recipes.errors import Forbidden, Invalid
from recipes.history import editing
from recipes.moderation.rollback import rollback_everywhere, rollback_user


@pytest.fixture
def people(session):
    roles = {
        "vandal": ("vincent", "contributor"),
        "editor": ("eli", "editor"),
        "moderator": ("morgane", "moderator"),
    }
    return {key: accounts.create_user(session, n, "password123", role=r) for key, (n, r) in roles.items()}


def make(session, author, render, title, body):
    return editing.create_recipe(session, author=author, title=title, body=body, render=render).recipe


def edit(session, slug, author, render, body, policy="none"):
    head = queries.get_recipe(session, slug).head_number
    return editing.save_edit(
        session, slug, author=author, body=body, base_revision=head, render=render, review_policy=policy
    )


def text_of(session, slug, which="head_revision"):
    return load_blob(session, getattr(queries.get_recipe(session, slug), which).blob_id).text


def test_rollback_reverts_the_users_latest_consecutive_edits(session, people, render):
    recipe = make(session, people["editor"], render, "Pain", "Farine.\n")
    edit(session, recipe.slug, people["vandal"], render, "Farine.\nXX\n")
    edit(session, recipe.slug, people["editor"], render, "Farine, eau.\nXX\n")
    edit(session, recipe.slug, people["vandal"], render, "YY\n")
    edit(session, recipe.slug, people["vandal"], render, "ZZ\n")
    outcome = rollback_user(
        session, recipe.slug, moderator=people["moderator"], user_name="vincent", render=render
    )
    assert outcome.revision.number == 6 and outcome.revision.status == "approved"
    assert text_of(session, recipe.slug) == "Farine, eau.\nXX\n"  # only the latest run
    assert text_of(session, recipe.slug, "published_revision") == "Farine, eau.\nXX\n"


def test_rolling_back_pending_edits_rejects_them(session, people, render):
    recipe = make(session, people["editor"], render, "Pain", "Farine.\n")
    edit(session, recipe.slug, people["vandal"], render, "SPAM\n", policy="new-accounts")
    outcome = rollback_user(
        session, recipe.slug, moderator=people["moderator"], user_name="vincent", render=render
    )
    recipe = queries.get_recipe(session, recipe.slug)
    assert queries.get_revision(session, recipe, 2).status == "rejected"
    assert outcome.revision.status == "approved" and recipe.published_revision_id == outcome.revision.id


def test_nothing_to_roll_back_is_a_clear_refusal(session, people, render):
    recipe = make(session, people["editor"], render, "Pain", "Farine.\n")
    with pytest.raises(Invalid, match="not by vincent"):
        rollback_user(session, recipe.slug, moderator=people["moderator"], user_name="vincent", render=render)
    with pytest.raises(Invalid, match="every revision"):
        rollback_user(session, recipe.slug, moderator=people["moderator"], user_name="eli", render=render)
    with pytest.raises(Forbidden):
        rollback_user(session, recipe.slug, moderator=people["editor"], user_name="vincent", render=render)
    with pytest.raises(Invalid, match="no edit at the top"):
        rollback_everywhere(session, "vincent", moderator=people["moderator"], render=render)


def test_rollback_everywhere_undoes_the_user_on_every_recipe(session, people, render):
    slugs = [
        make(session, people["editor"], render, title, "Texte.\n").slug for title in ("Pain", "Café", "Thé")
    ]
    for slug in slugs[:2]:
        edit(session, slug, people["vandal"], render, "SPAM\n")
    result = rollback_everywhere(session, "vincent", moderator=people["moderator"], render=render)
    assert sorted(o.recipe.slug for o in result.rolled_back) == sorted(slugs[:2])
    assert all(text_of(session, slug) == "Texte.\n" for slug in slugs)
    assert queries.get_recipe(session, slugs[2]).head_number == 1
