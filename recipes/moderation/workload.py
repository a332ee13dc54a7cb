"""What awaits moderators: how many edits wait for review, changes for patrol, proposals for a decision.

The moderators' desk and the badge of their menu entry read these counts; each is one COUNT query.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from recipes.community.policy import allowed
from recipes.journal.changes import unpatrolled_count
from recipes.models import Proposal, Recipe, Revision, User


@dataclass(frozen=True)
class Workload:
    """The counts of the moderators' desk; None where the viewer may not act on that kind of work."""

    pending_edits: int | None
    unpatrolled_changes: int | None
    open_proposals: int | None

    @property
    def total(self) -> int:
        """How many things await, for a badge."""
        return sum(
            count or 0 for count in (self.pending_edits, self.unpatrolled_changes, self.open_proposals)
        )


def workload(session: Session, viewer: User | None) -> Workload:
    """The work awaiting this viewer, counted only for what their role lets them do."""
    return Workload(
        pending_edits=_pending_edits(session) if allowed(viewer, "review") else None,
        unpatrolled_changes=unpatrolled_count(session, viewer) if allowed(viewer, "patrol") else None,
        open_proposals=_open_proposals(session) if allowed(viewer, "decide_proposal") else None,
    )


def _pending_edits(session: Session) -> int:
    query = (
        select(func.count(Revision.id))
        .join(Recipe, Recipe.id == Revision.recipe_id)
        .where(Revision.status == "pending", Recipe.deleted_at.is_(None))
    )
    return session.scalar(query) or 0


def _open_proposals(session: Session) -> int:
    return session.scalar(select(func.count(Proposal.id)).where(Proposal.status == "open")) or 0
