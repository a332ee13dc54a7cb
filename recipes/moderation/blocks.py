"""Blocks and roles: moderators stop an account from changing anything; admins change roles.

A *block* has a reason and an optional expiry; while it is in force ``recipes.community.policy`` refuses every
change by that account, telling it why and until when. A moderator blocks only accounts of a lower
role than their own, never their own, and lifts only a block it could have set, on such an account and
not set by a higher role. Each block, unblock and role change is recorded in recent
changes and the audit log.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from recipes.community.accounts import get_user, validate_role
from recipes.community.policy import is_in_force, require, role_rank, until
from recipes.database import write_transaction
from recipes.errors import Forbidden, Invalid
from recipes.journal.changes import record_change
from recipes.models import Block, User
from recipes.moderation.sanctions import clean_expiry, clean_reason


def block_user(
    session: Session, name: str, *, moderator: User, reason: object, expires: object = None
) -> Block:
    """Block account ``name`` until ``expires`` (None: until unblocked), saying why."""
    require(moderator, "block")
    reason, expires_at = clean_reason(reason), clean_expiry(expires)
    with write_transaction(session):
        target = get_user(session, name)
        if target.id == moderator.id:
            raise Invalid("You cannot block yourself.")
        if role_rank(target.role) >= role_rank(moderator.role):
            raise Forbidden(f"{target.name} is a {target.role}: only a higher role may block them.")
        block = session.get(Block, target.id) or Block(user_id=target.id)
        block.reason, block.expires_at, block.blocked_by_id = reason, expires_at, moderator.id
        target.session_generation += 1  # a blocked account's sessions end: it reads as anyone does
        session.add(block)
        session.flush()
        session.expire(target, ["block"])
        record_change(
            session,
            type="block",
            user=moderator,
            target_user=target,
            summary=f"{target.name} bloqué {until(expires_at)}",
            reason=reason,
        )
    return block


def unblock_user(session: Session, name: str, *, moderator: User, reason: object = "") -> User:
    """Lift the block of account ``name``."""
    require(moderator, "block")
    reason = clean_reason(reason) if reason else ""
    with write_transaction(session):
        target = get_user(session, name)
        block = session.get(Block, target.id)
        if block is None or not is_in_force(block.expires_at):
            raise Invalid(f"{target.name} is not blocked.")
        _require_outranks(moderator, target, block)
        session.delete(block)
        session.flush()
        session.expire(target, ["block"])
        record_change(
            session,
            type="unblock",
            user=moderator,
            target_user=target,
            summary=f"{target.name} débloqué",
            reason=reason,
        )
    return target


def _require_outranks(moderator: User, target: User, block: Block) -> None:
    """Lifting a block needs the rank that setting it needs, and at least the rank of who set it."""
    if role_rank(target.role) >= role_rank(moderator.role):
        raise Forbidden(
            "{name} is a {role}: only a higher role may unblock them.",
            values={"name": target.name, "role": target.role},
        )
    if role_rank(block.blocked_by.role) > role_rank(moderator.role):
        raise Forbidden(
            "This block was set by {name}, whose role is {role}: lifting it needs that role or a higher one.",
            values={"name": block.blocked_by.name, "role": block.blocked_by.role},
        )


def block_in_force(user: User) -> Block | None:
    """The user's block if it still applies."""
    block = user.block
    return block if block is not None and is_in_force(block.expires_at) else None


def change_role(session: Session, name: str, role: object, *, admin: User) -> User:
    """Give account ``name`` another role; an admin does not change their own (nobody would be left)."""
    require(admin, "manage_users")
    return _give_role(session, name, role, by=admin)


def change_role_from_command_line(session: Session, name: str, role: object) -> User:
    """Give account ``name`` another role as the wiki's operator (``levain user role``).

    The operator needs no account (the first admin is made this way): the change is recorded without
    a user.
    """
    return _give_role(session, name, role, by=None)


def _give_role(session: Session, name: str, role: object, *, by: User | None) -> User:
    role = validate_role(role)
    with write_transaction(session):
        target = get_user(session, name)
        if by is not None and target.id == by.id:
            raise Invalid("You cannot change your own role; ask another admin.")
        previous = target.role
        if previous != role:
            target.role = role
            session.flush()
            record_change(session, type="role", user=by, target_user=target, summary=f"{previous} → {role}")
    return target
