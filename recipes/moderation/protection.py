"""Protection: a recipe only editors, or only moderators, may change, for a while or until lifted.

A protection has a *level* (the lowest role that may still change the recipe), a reason shown to those
it stops, and an optional expiry after which it no longer applies (``recipes.community.policy`` checks it on
every change). Moderators set and lift protections; each one is recorded in recent changes and the
audit log.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from recipes.community.policy import is_in_force, require
from recipes.database import write_transaction
from recipes.errors import Invalid
from recipes.journal.changes import record_change
from recipes.models import Protection, Recipe, User
from recipes.moderation.sanctions import clean_expiry, clean_reason
from recipes.queries import get_recipe
from recipes.summaries import automatic

PROTECTION_LEVELS = ("editor", "moderator")
NO_PROTECTION = "none"


def _protection_summary(level: str, protection: Protection | None) -> str:
    if protection is None:
        return automatic("unprotect")
    if protection.expires_at is None:
        return automatic("protect", role=level)
    return automatic("protect_until", role=level, until=protection.expires_at)


def protect_recipe(
    session: Session, slug: str, *, moderator: User, level: object, reason: object, expires: object = None
) -> Protection | None:
    """Limit changes of recipe ``slug`` to ``level`` and up (``"none"`` lifts it); return the protection."""
    require(moderator, "protect")
    if level not in (*PROTECTION_LEVELS, NO_PROTECTION):
        raise Invalid(
            "A protection level is one of {choices} or {no_protection}.",
            values={"choices": ", ".join(PROTECTION_LEVELS), "no_protection": NO_PROTECTION},
        )
    reason = clean_reason(reason)
    expires_at = clean_expiry(expires) if level != NO_PROTECTION else None
    with write_transaction(session):
        recipe = get_recipe(session, slug)
        require(moderator, "protect", recipe)
        protection = _set_protection(session, recipe, moderator, level, reason, expires_at)
        summary = _protection_summary(level, protection)
        record_change(session, type="protect", user=moderator, recipe=recipe, summary=summary, reason=reason)
    return protection


def _set_protection(
    session: Session, recipe: Recipe, moderator: User, level: str, reason: str, expires_at: datetime | None
) -> Protection | None:
    existing = session.get(Protection, recipe.id)
    if level == NO_PROTECTION:
        if existing is None or not is_in_force(existing.expires_at):
            raise Invalid("The recipe {slug!r} is not protected.", values={"slug": recipe.slug})
        session.delete(existing)
        protection = None
    else:
        protection = existing or Protection(recipe_id=recipe.id)
        protection.level, protection.reason, protection.expires_at = level, reason, expires_at
        protection.protected_by_id = moderator.id
        session.add(protection)
    session.flush()
    session.expire(recipe, ["protection"])
    return protection


def protection_in_force(recipe: Recipe) -> Protection | None:
    """The recipe's protection if it still applies."""
    protection = recipe.protection
    return protection if protection is not None and is_in_force(protection.expires_at) else None
