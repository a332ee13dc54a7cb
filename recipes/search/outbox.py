"""The search outbox: recipes whose documents must be refreshed, written by each save's transaction.

A writer reads a batch of rows, builds the documents of those recipes from what is committed *now*,
writes them to the index, and only then deletes exactly the rows it read. A row written meanwhile
stays for the next round, and a writer that dies half-way leaves its rows to be applied again:
applying a row twice writes the same document twice, so nothing is ever lost.
"""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ..models import SearchOutbox

# Rows applied per round, and rounds per call: a backlog larger than that waits for the next call.
BATCH_SIZE = 500
MAX_ROUNDS = 20


def has_pending(session: Session) -> bool:
    return session.scalar(select(SearchOutbox.id).limit(1)) is not None


def pending_count(session: Session) -> int:
    return session.scalar(select(func.count(SearchOutbox.id)))


def pending_rows(session: Session, limit: int = BATCH_SIZE) -> list[tuple[int, int]]:
    """The oldest waiting rows, as (row id, recipe id)."""
    query = select(SearchOutbox.id, SearchOutbox.recipe_id).order_by(SearchOutbox.id).limit(limit)
    return [tuple(row) for row in session.execute(query)]


def all_row_ids(session: Session) -> list[int]:
    """Every waiting row: what a rebuild starting now covers (their changes are committed)."""
    return list(session.scalars(select(SearchOutbox.id)))


def forget(session: Session, row_ids: list[int]) -> None:
    """Delete these rows (in the caller's transaction), once what they asked for is in the index."""
    for start in range(0, len(row_ids), BATCH_SIZE):
        chunk = row_ids[start : start + BATCH_SIZE]
        session.execute(delete(SearchOutbox).where(SearchOutbox.id.in_(chunk)))
