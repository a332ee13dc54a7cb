"""The audit log: every moderation action, who took it, on what, when and why.

The log is append-only: this module only ever adds rows, and triggers made by the migration make the
database refuse any UPDATE or DELETE of them. Readers of the log are moderators (policy action
``read_audit``).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from recipes.community.policy import require
from recipes.models import AuditEntry, Change, Recipe, Revision, User
from recipes.queries import clamp_limit

AUDIT_PAGE_SIZE = 50


def record_audit(
    session: Session,
    *,
    action: str,
    actor: User | None,
    recipe: Recipe | None = None,
    revision: Revision | None = None,
    target_user: User | None = None,
    change: Change | None = None,
    summary: str = "",
    reason: str = "",
) -> AuditEntry:
    """Add one entry to the audit log (flushed, committed by the caller's transaction)."""
    entry = AuditEntry(
        action=action,
        actor_id=actor.id if actor else None,
        recipe_id=recipe.id if recipe else None,
        revision_id=revision.id if revision else None,
        target_user_id=target_user.id if target_user else None,
        change_id=change.id if change else None,
        summary=summary,
        reason=reason,
    )
    session.add(entry)
    session.flush()
    return entry


def list_audit(
    session: Session, viewer: User | None, *, limit: int | None = None, before: int | None = None
) -> tuple[list[AuditEntry], int | None]:
    """Audit entries newest first, ``limit`` at a time before the entry id ``before``; and the next cursor."""
    require(viewer, "read_audit")
    size = clamp_limit(limit, default=AUDIT_PAGE_SIZE)
    query = (
        select(AuditEntry)
        .options(
            selectinload(AuditEntry.actor),
            selectinload(AuditEntry.recipe),
            selectinload(AuditEntry.target_user),
        )
        .order_by(AuditEntry.id.desc())
        .limit(size + 1)
    )
    if before is not None:
        query = query.where(AuditEntry.id < before)
    entries = list(session.scalars(query))
    more = len(entries) > size
    entries = entries[:size]
    return entries, (entries[-1].id if more else None)
