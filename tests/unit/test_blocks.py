"""Blocks and role changes in the domain: what a block stops, its expiry, who may block whom."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from recipes.community import accounts, regions
from recipes.community.policy import allowed
from recipes.errors import Forbidden, Invalid, NotFound
from recipes.history import editing
from recipes.lineage import forks
from recipes.models import AuditEntry, Block, Change, utcnow
from recipes.moderation.blocks import (
    block_in_force,
    block_user,
    change_role,
    change_role_from_command_line,
    unblock_user,
)


@pytest.fixture
def people(session):
    roles = {"contributor": "camille", "editor": "eli", "moderator": "morgane", "admin": "ada"}
    return {
        role: accounts.create_user(session, name, "password123", role=role) for role, name in roles.items()
    }


def test_a_blocked_user_may_change_nothing_and_is_told_why_and_until_when(session, people, render):
    recipe = editing.create_recipe(
        session, author=people["editor"], title="Pain", body="x\n", render=render
    ).recipe
    regions.create_region(session, "Pays de Brest")
    until = utcnow() + timedelta(days=2)
    block_user(
        session, "eli", moderator=people["moderator"], reason="guerre d'édition", expires=until.isoformat()
    )
    editor = accounts.get_user(session, "eli")
    for action in ("create", "edit", "fork", "propose", "revert", "sync", "comment"):
        assert not allowed(editor, action, recipe), action
    assert allowed(editor, "read", recipe)
    with pytest.raises(Forbidden, match=f"blocked until {until:%Y-%m-%d %H:%M} UTC: guerre d'édition"):
        editing.save_edit(session, recipe.slug, author=editor, body="y\n", base_revision=1, render=render)
    with pytest.raises(Forbidden, match="blocked"):
        forks.fork_recipe(session, recipe.slug, author=editor, region="pays-de-brest", render=render)
    with pytest.raises(Forbidden, match="blocked"):
        editing.create_recipe(session, author=editor, title="Autre", body="x", render=render)


def test_a_block_ends_at_its_expiry_or_when_lifted(session, people):
    block_user(
        session, "camille", moderator=people["moderator"], reason="r", expires=utcnow() + timedelta(hours=1)
    )
    session.get(Block, people["contributor"].id).expires_at = utcnow() - timedelta(seconds=1)
    session.commit()
    session.expire_all()
    contributor = accounts.get_user(session, "camille")
    assert block_in_force(contributor) is None and allowed(contributor, "edit")
    block_user(session, "camille", moderator=people["moderator"], reason="encore")
    assert not allowed(accounts.get_user(session, "camille"), "edit")
    unblock_user(session, "camille", moderator=people["moderator"], reason="compris")
    assert allowed(accounts.get_user(session, "camille"), "edit")
    with pytest.raises(Invalid, match="not blocked"):
        unblock_user(session, "camille", moderator=people["moderator"])
    actions = list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions == ["block", "block", "unblock"]


def test_who_may_block_whom(session, people):
    with pytest.raises(Invalid, match="yourself"):
        block_user(session, "morgane", moderator=people["moderator"], reason="r")
    with pytest.raises(Forbidden):
        block_user(session, "ada", moderator=people["moderator"], reason="r")
    with pytest.raises(Forbidden):
        block_user(session, "camille", moderator=people["editor"], reason="r")
    with pytest.raises(Invalid, match="past"):
        block_user(session, "camille", moderator=people["moderator"], reason="r", expires="2000-01-01")
    with pytest.raises(Invalid, match="reason"):
        block_user(session, "camille", moderator=people["moderator"], reason=None)
    block_user(session, "morgane", moderator=people["admin"], reason="r")
    assert not allowed(
        accounts.get_user(session, "morgane"), "block"
    )  # a blocked moderator moderates no more


def test_admins_change_roles_but_not_their_own(session, people):
    assert change_role(session, "camille", "editor", admin=people["admin"]).role == "editor"
    with pytest.raises(Invalid, match="your own role"):
        change_role(session, "ada", "contributor", admin=people["admin"])
    with pytest.raises(Invalid, match="Unknown role"):
        change_role(session, "camille", "king", admin=people["admin"])
    with pytest.raises(Forbidden):
        change_role(session, "camille", "admin", admin=people["moderator"])
    assert list(session.scalars(select(AuditEntry.summary))) == ["contributor → editor"]


def test_the_operator_changes_roles_from_the_command_line_and_it_is_recorded(session, people):
    assert change_role_from_command_line(session, "CAMILLE", "moderator").role == "moderator"
    assert change_role_from_command_line(session, "camille", "moderator").role == "moderator"  # no change
    with pytest.raises(Invalid, match="Unknown role"):
        change_role_from_command_line(session, "camille", "king")
    with pytest.raises(NotFound, match="nobody"):
        change_role_from_command_line(session, "nobody", "editor")
    change = session.scalars(select(Change)).one()
    assert (change.type, change.user_id, change.target_user.name) == ("role", None, "camille")
    audit = session.scalars(select(AuditEntry)).one()
    assert (audit.action, audit.actor_id, audit.summary) == ("role", None, "contributor → moderator")


def test_unblocking_needs_the_rank_blocking_needs_and_that_of_who_blocked(session, people):
    other_moderator = accounts.create_user(session, "mael", "password123", role="moderator")
    block_user(session, "mael", moderator=people["admin"], reason="abus")
    with pytest.raises(Forbidden, match="higher role"):
        unblock_user(session, "mael", moderator=people["moderator"])
    block_user(session, "camille", moderator=people["admin"], reason="spam")
    with pytest.raises(Forbidden, match="whose role is admin"):
        unblock_user(session, "camille", moderator=people["moderator"])
    unblock_user(session, "camille", moderator=people["admin"])
    unblock_user(session, "mael", moderator=people["admin"])
    assert allowed(accounts.get_user(session, other_moderator.name), "edit")
