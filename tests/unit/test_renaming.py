"""Renaming (old addresses and wiki links follow) and soft deletion (hidden, kept, restorable)."""

import pytest
from sqlalchemy import select

from recipes import queries
from recipes.community import accounts, regions
from recipes.errors import Forbidden, Invalid, NotFound
from recipes.history import editing
from recipes.lineage import forks
from recipes.lineage import tree as lineage
from recipes.models import AuditEntry, SearchOutbox
from recipes.moderation import renaming

TEXT = "Louer une salle.\n"


@pytest.fixture
def people(session, render):
    lea = accounts.create_user(session, "lea", "password123", role="contributor")
    camille = accounts.create_user(session, "camille", "password123", role="editor")
    mo = accounts.create_user(session, "mo", "password123", role="moderator")
    editing.create_recipe(session, author=lea, title="Copy party", body=TEXT, render=render)
    return {"lea": lea, "camille": camille, "mo": mo}


def test_renaming_moves_the_address_and_keeps_the_old_one_as_a_redirect(session, render, people):
    recipe = renaming.rename_recipe(
        session, "copy-party", user=people["camille"], title="Fête de la copie", render=render
    )
    assert (recipe.slug, recipe.title, recipe.head_number) == ("fete-de-la-copie", "Fête de la copie", 2)
    first, renamed = queries.history(session, recipe).items[::-1]
    assert (renamed.kind, renamed.blob_id) == ("rename", first.blob_id)
    assert renaming.redirect_target(session, "copy-party") == "fete-de-la-copie"
    assert queries.existing_slugs(session, {"copy-party", "fete-de-la-copie", "nope"}) == {
        "copy-party",
        "fete-de-la-copie",
    }
    with pytest.raises(NotFound):
        queries.get_recipe(session, "copy-party")
    # A later edit keeps the new title.
    editing.save_edit(
        session, "fete-de-la-copie", author=people["lea"], body="Autre.\n", base_revision=2, render=render
    )
    assert queries.get_recipe(session, "fete-de-la-copie").title == "Fête de la copie"
    assert session.scalar(select(AuditEntry.action)) == "rename"


def test_renaming_onto_a_taken_address_or_to_nothing_new_is_refused(session, render, people):
    camille = people["camille"]
    editing.create_recipe(session, author=camille, title="Repair café", body=TEXT, render=render)
    for title, slug in [
        ("Repair café", None),
        ("Autre titre", "repair-cafe"),
        ("Copy party", None),
        ("Autre", "Pas Un Slug"),
    ]:
        with pytest.raises(Invalid):
            renaming.rename_recipe(
                session, "copy-party", user=camille, title=title, new_slug=slug, render=render
            )
    with pytest.raises(Forbidden):
        renaming.rename_recipe(session, "copy-party", user=people["lea"], title="Autre", render=render)


def test_an_address_can_be_renamed_back_and_a_redirect_handed_over(session, render, people):
    camille = people["camille"]
    renaming.rename_recipe(
        session, "copy-party", user=camille, title="Copy party", new_slug="cp", render=render
    )
    renaming.rename_recipe(
        session, "cp", user=camille, title="Copy party", new_slug="copy-party", render=render
    )
    assert renaming.redirect_target(session, "cp") == "copy-party"
    assert renaming.redirect_target(session, "copy-party") is None
    assert queries.get_recipe(session, "copy-party").head_number == 1  # the title never changed


def test_a_variant_follows_its_renamed_parent(session, render, people):
    regions.create_region(session, "Brest")
    forks.fork_recipe(session, "copy-party", author=people["lea"], region="brest", render=render)
    renaming.rename_recipe(session, "copy-party", user=people["camille"], title="Copie", render=render)
    ancestors = lineage.lineage(session, "copy-party-brest").ancestors
    assert [a.node.slug for a in ancestors] == ["copie"]


def test_deleting_hides_the_recipe_keeps_its_history_and_restoring_brings_it_back(session, render, people):
    mo = people["mo"]
    regions.create_region(session, "Brest")
    forks.fork_recipe(session, "copy-party", author=people["lea"], region="brest", render=render)
    session.execute(SearchOutbox.__table__.delete())
    session.commit()
    renaming.delete_recipe(session, "copy-party", user=mo, reason="Doublon")
    with pytest.raises(NotFound, match="deleted"):
        queries.get_recipe(session, "copy-party")
    assert [r.slug for r in queries.list_recipes(session).items] == ["copy-party-brest"]
    assert [r.slug for r in queries.recent_recipes(session)] == ["copy-party-brest"]
    deleted = queries.get_recipe(session, "copy-party", include_deleted=True)
    assert deleted.head_number == 1 and session.scalar(select(SearchOutbox.recipe_id)) == deleted.id
    variant = queries.get_recipe(session, "copy-party-brest")
    assert variant.parent.deleted_at is not None
    with pytest.raises(Invalid):
        renaming.delete_recipe(session, "copy-party", user=mo, reason="Encore")
    renaming.restore_recipe(session, "copy-party", user=mo)
    assert queries.get_recipe(session, "copy-party").deleted_at is None
    with pytest.raises(Invalid):
        renaming.restore_recipe(session, "copy-party", user=mo)
    actions = list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions == ["delete", "restore"]


def test_only_moderators_delete_and_a_reason_is_needed(session, people):
    with pytest.raises(Forbidden):
        renaming.delete_recipe(session, "copy-party", user=people["camille"], reason="Doublon")
    with pytest.raises(Invalid):
        renaming.delete_recipe(session, "copy-party", user=people["mo"], reason="  ")
    with pytest.raises(NotFound):
        renaming.delete_recipe(session, "nope", user=people["mo"], reason="Doublon")


def test_a_wiki_link_to_an_old_title_leads_to_the_recipe_even_when_its_slug_differed(session, render, people):
    camille = people["camille"]
    renaming.rename_recipe(
        session, "copy-party", user=camille, title="Copy party à Brest", new_slug="copy-party", render=render
    )
    assert renaming.redirect_target(session, "copy-party-a-brest") is None  # that title was never a slug
    renaming.rename_recipe(session, "copy-party", user=camille, title="Fête", render=render)
    assert renaming.redirect_target(session, "copy-party-a-brest") == "fete"
    assert renaming.redirect_target(session, "copy-party") == "fete"
    # A title whose slug another recipe has keeps leading to that recipe.
    editing.create_recipe(session, author=camille, title="Repair café", body=TEXT, render=render)
    renaming.rename_recipe(
        session, "fete", user=camille, title="Repair café", new_slug="fete-2", render=render
    )
    renaming.rename_recipe(session, "fete-2", user=camille, title="Autre chose", render=render)
    assert renaming.redirect_target(session, "repair-cafe") is None
    assert queries.get_recipe(session, "repair-cafe").title == "Repair café"
