"""Protection of recipes in the domain: levels, expiry, who may set it, what it stops."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from recipes import queries
from recipes.community import accounts
from recipes.community.policy import allowed
from recipes.errors import Forbidden, Invalid
from recipes.history import editing
from recipes.models import AuditEntry, Protection, utcnow
from recipes.moderation.protection import protect_recipe, protection_in_force


@pytest.fixture
def people(session):
    roles = {"contributor": "camille", "editor": "eli", "moderator": "morgane"}
    return {
        role: accounts.create_user(session, name, "password123", role=role) for role, name in roles.items()
    }


@pytest.fixture
def recipe(session, people, render):
    return editing.create_recipe(
        session, author=people["editor"], title="Cartopartie", body="Une carte.\n", render=render
    ).recipe


def reload(session, recipe):
    session.expire_all()
    return queries.get_recipe(session, recipe.slug)


def test_a_protected_recipe_is_changed_only_from_its_level_up(session, people, recipe, render):
    protect_recipe(session, recipe.slug, moderator=people["moderator"], level="editor", reason="vandalisme")
    recipe = reload(session, recipe)
    assert not allowed(people["contributor"], "edit", recipe)
    assert allowed(people["editor"], "edit", recipe)
    assert allowed(people["contributor"], "fork", recipe)  # a variant is another recipe
    with pytest.raises(Forbidden, match="protected until further notice.*vandalisme"):
        editing.save_edit(
            session, recipe.slug, author=people["contributor"], body="x\n", base_revision=1, render=render
        )
    protect_recipe(session, recipe.slug, moderator=people["moderator"], level="moderator", reason="guerre")
    assert not allowed(people["editor"], "edit", reload(session, recipe))
    audit = list(session.scalars(select(AuditEntry.action)))
    assert audit == ["protect", "protect"]


def test_a_protection_ends_at_its_expiry(session, people, recipe):
    soon = utcnow() + timedelta(hours=1)
    protect_recipe(
        session,
        recipe.slug,
        moderator=people["moderator"],
        level="editor",
        reason="r",
        expires=soon.isoformat(),
    )
    recipe = reload(session, recipe)
    assert protection_in_force(recipe).expires_at == soon
    assert not allowed(people["contributor"], "edit", recipe)
    # Time passes: the stored expiry is now behind us.
    session.get(Protection, recipe.id).expires_at = utcnow() - timedelta(seconds=1)
    session.commit()
    recipe = reload(session, recipe)
    assert protection_in_force(recipe) is None
    assert allowed(people["contributor"], "edit", recipe)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"level": "editor", "reason": "r", "expires": "2001-01-01T00:00:00+00:00"}, "in the past"),
        ({"level": "editor", "reason": "r", "expires": "demain"}, "date and time"),
        ({"level": "editor", "reason": "r", "expires": 12}, "date and time"),
        ({"level": "admin", "reason": "r"}, "level"),
        ({"level": "editor", "reason": ""}, "reason"),
        ({"level": "none", "reason": "r"}, "not protected"),
    ],
)
def test_bad_protections_are_refused(session, people, recipe, fields, message):
    with pytest.raises(Invalid, match=message):
        protect_recipe(session, recipe.slug, moderator=people["moderator"], **fields)


def test_only_moderators_protect_and_lifting_works(session, people, recipe):
    with pytest.raises(Forbidden):
        protect_recipe(session, recipe.slug, moderator=people["editor"], level="editor", reason="r")
    protect_recipe(session, recipe.slug, moderator=people["moderator"], level="editor", reason="r")
    assert (
        protect_recipe(session, recipe.slug, moderator=people["moderator"], level="none", reason="fini")
        is None
    )
    assert allowed(people["contributor"], "edit", reload(session, recipe))


def test_protection_covers_renaming(session, people, recipe, render):
    from recipes.moderation.renaming import rename_recipe

    protect_recipe(session, recipe.slug, moderator=people["moderator"], level="moderator", reason="cible")
    with pytest.raises(Forbidden, match="protected"):
        rename_recipe(session, recipe.slug, user=people["editor"], title="Vandalisée", render=render)
    assert reload(session, recipe).slug == "cartopartie"
    moderator = people["moderator"]
    rename_recipe(session, "cartopartie", user=moderator, title="Cartopartie à Brest", render=render)
    assert reload(session, recipe).title == "Cartopartie à Brest"
