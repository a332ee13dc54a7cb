"""Appending a run of revisions to one recipe at once: how an import writes long histories quickly.

``append_run`` keeps the rules ``recipes.history.revisions.append_revision`` keeps for one save, in a
few statements for the whole run instead of a dozen per revision:

- each text is stored once, as a blob with its HTML rendered (``recipes.blobs.store_blobs``);
- each revision is numbered on the one before and names it as its parent; a revision whose text and
  title are those of the one before makes none (a save that changes nothing);
- each revision is a line of recent changes, at the time it was written;
- the head moves once, by compare-and-set on the head the run started on, under the recipe's row
  lock that the caller holds (``lock_recipe``); the published revision and the title move with it,
  unless the head awaits review, and the search outbox gets the recipe.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from ...blobs import store_blobs
from ...errors import EditConflict
from ...history.revisions import Renderer, has_unreviewed_head
from ...journal.changes import TYPE_OF_REVISION_KIND
from ...models import Change, Recipe, Revision, SearchOutbox, User
from ...validation import MAX_SUMMARY_LENGTH


@dataclass(frozen=True)
class NewRevision:
    body: str
    title: str
    author: User
    summary: str
    at: datetime


@dataclass(frozen=True)
class Appended:
    """Where a revision of the run went: the revision carrying its text (the one before, if it
    changed nothing), and the blob of that text."""

    revision_id: int
    blob_id: str
    new: bool


@dataclass(frozen=True)
class _Tip:
    id: int
    blob_id: str
    title: str
    number: int
    size: int


def append_run(
    session: Session, recipe: Recipe, head: Revision | None, run: Sequence[NewRevision], render: Renderer
) -> tuple[Revision | None, list[Appended]]:
    """Append ``run`` on ``head`` (None: the recipe's first revisions); return the new head and where
    each revision went."""
    blobs = store_blobs(session, [item.body for item in run], render, hint=head.blob_id if head else None)
    status = "pending" if head is not None and has_unreviewed_head(recipe) else "approved"
    tip = _Tip(head.id, head.blob_id, head.title, head.number, head.size) if head is not None else None
    appended, changes = [], []
    for item, blob in zip(run, blobs, strict=True):
        if tip is not None and blob == tip.blob_id and item.title == tip.title:
            appended.append(Appended(tip.id, blob, False))
            continue
        tip = _insert(session, recipe, tip, item, blob, status)
        changes.append(_change(recipe, tip, item))
        appended.append(Appended(tip.id, blob, True))
    if not changes:
        return head, appended
    session.execute(insert(Change), changes)
    _move_head(session, recipe, head.number if head is not None else 0, tip, run[-1], status)
    return session.get(Revision, tip.id), appended


def _insert(
    session: Session, recipe: Recipe, tip: _Tip | None, item: NewRevision, blob: str, status: str
) -> _Tip:
    number = tip.number + 1 if tip is not None else 1
    values = {
        "recipe_id": recipe.id,
        "number": number,
        "parent_id": tip.id if tip is not None else None,
        "blob_id": blob,
        "title": item.title,
        "author_id": item.author.id,
        "summary": item.summary[:MAX_SUMMARY_LENGTH],
        "kind": "edit" if tip is not None else "create",
        "status": status,
        "size": len(item.body),
        "size_delta": len(item.body) - (tip.size if tip is not None else 0),
        "created_at": item.at,
    }
    revision_id = session.execute(insert(Revision).values(**values).returning(Revision.id)).scalar_one()
    return _Tip(revision_id, blob, item.title, number, len(item.body))


def _change(recipe: Recipe, tip: _Tip, item: NewRevision) -> dict:
    return {
        "type": TYPE_OF_REVISION_KIND["edit" if tip.number > 1 else "create"],
        "recipe_id": recipe.id,
        "revision_id": tip.id,
        "user_id": item.author.id,
        "summary": item.summary[:MAX_SUMMARY_LENGTH],
        "created_at": item.at,
    }


def _move_head(session: Session, recipe: Recipe, base_number: int, tip: _Tip, last: NewRevision, status: str):
    """Move the head to ``tip`` if it still is at ``base_number`` (compare-and-set), and what readers see."""
    pointers = {"head_number": tip.number, "head_revision_id": tip.id, "updated_at": last.at}
    if status == "approved":
        pointers.update(published_revision_id=tip.id, title=tip.title)
        session.add(SearchOutbox(recipe_id=recipe.id))
    moved = session.execute(
        update(Recipe)
        .where(Recipe.id == recipe.id, Recipe.head_number == base_number)
        .values(**pointers)
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        raise EditConflict("Someone saved this recipe in the meantime.", head_revision=base_number)
    session.flush()
    session.refresh(recipe)
