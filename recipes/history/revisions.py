"""Appending revisions: the one way a recipe's head and published revision move.

Glossary:
- *head*: the newest revision of a recipe, the one editors edit (``head_revision_id``, ``head_number``).
- *published* revision: the one readers see; a revision that awaits review (status "pending") moves
  the head but not the published revision.
- *compare-and-set*: the head moves with ``UPDATE recipes … WHERE head_number = :base``; zero rows
  updated means someone else moved it first, and nothing is overwritten.
- *row lock*: every write that moves a recipe's head or published revision first loads the recipe with
  ``recipe_for_writing`` (or ``lock_recipe``), so that concurrent writers of one recipe take turns,
  each reading the head the previous one left.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, aliased

from recipes.blobs import store_blob
from recipes.community.policy import must_wait_for_review
from recipes.errors import EditConflict
from recipes.journal.changes import record_revision_change
from recipes.models import Recipe, Revision, SearchOutbox, User, utcnow
from recipes.queries import get_recipe

Renderer = Callable[[str], str]


def rendered_ahead(render: Renderer, text: str) -> Renderer:
    """Render ``text`` now and return a renderer that answers it from memory (others: ``render``).

    Called before a write transaction opens, so that rendering, the slow part of a save, never holds
    the database's write lock: a long or hostile text delays its own save, not everyone else's. A
    text that cannot be rendered (too large) is refused before anything is locked.
    """
    html = render(text)
    return lambda other: html if other == text else render(other)


@dataclass(frozen=True)
class SaveOutcome:
    """What a save did: the recipe, the revision readers now see or that awaits review."""

    recipe: Recipe
    revision: Revision
    changed: bool = True
    merged: bool = False


def recipe_for_writing(session: Session, slug: str, *, include_deleted: bool = False) -> Recipe:
    """The recipe at ``slug``, locked for the rest of the write transaction (see ``lock_recipe``)."""
    recipe = get_recipe(session, slug, include_deleted=include_deleted)
    lock_recipe(session, recipe)
    return recipe


def merged_upstream_number(session: Session, recipe: Recipe) -> int | None:
    """The number of the last parent revision a fork took in (its fork point at first); None if no fork.

    Every revision that took in parent text records that parent revision (``upstream_revision_id``):
    the fork's first revision records the fork point, and each sync or resolved sync the revision it
    took in up to.
    """
    upstream = aliased(Revision)
    return session.scalar(
        select(func.max(upstream.number))
        .join(Revision, Revision.upstream_revision_id == upstream.id)
        .where(Revision.recipe_id == recipe.id)
    )


def lock_recipe(session: Session, recipe: Recipe) -> None:
    """Hold the recipe's row until the write transaction ends, and read it again as it is now.

    Without the lock, PostgreSQL lets two transactions read the same head: the second to reach its
    compare-and-set would find the head moved and refuse an edit that merges cleanly on the new head.
    ``SELECT … FOR UPDATE`` makes it wait for the first to commit, then read the new head. SQLite needs
    no lock (it ignores FOR UPDATE): its write transactions start with BEGIN IMMEDIATE, one at a time.
    """
    # The lock alone, then the reading: PostgreSQL refuses FOR UPDATE on the outer joins that load the
    # recipe's revisions, region and tags with it.
    session.execute(select(Recipe.id).where(Recipe.id == recipe.id).with_for_update())
    session.refresh(recipe)


def review_status(
    author: User, action: str, recipe: Recipe | None, review_policy: str, *, unreviewed_text: bool
) -> str:
    """The status of a revision ``author`` saves by ``action``: "pending" or "approved".

    Besides the review policy, a revision whose text holds text still awaiting review (``unreviewed_text``:
    it was saved on top of a pending head, or brings back a pending revision) awaits review too:
    publishing it would publish that text unreviewed.
    """
    if unreviewed_text or must_wait_for_review(author, action, recipe, review_policy):
        return "pending"
    return "approved"


def has_unreviewed_head(recipe: Recipe) -> bool:
    """Whether the recipe's head holds text readers do not see yet (a revision awaiting review)."""
    return recipe.head_revision_id != recipe.published_revision_id


def append_revision(
    session: Session,
    recipe: Recipe,
    head: Revision | None,
    *,
    author: User,
    title: str,
    body: str,
    summary: str,
    kind: str,
    render: Renderer,
    blob_hint: str | None = None,
    upstream_revision_id: int | None = None,
    status: str = "approved",
    created_at: datetime | None = None,
) -> Revision:
    """Insert the next revision on top of ``head`` and move the recipe's head to it (compare-and-set).

    ``upstream_revision_id`` is the merge record of a fork: the parent revision this one took in.
    A revision of ``status`` "pending" moves the head only: readers keep the published revision (and
    its title) until a moderator approves it (``recipes.moderation.review``). ``created_at`` is when
    the revision was written, when that is not now (a revision imported from another wiki).
    """
    blob = store_blob(session, body, render, hint=blob_hint or (head.blob_id if head else None))
    base_number = head.number if head else 0
    published = status == "approved"
    _move_head(session, recipe, base_number, title if published else recipe.title, created_at or utcnow())
    previous_size = head.size if head else 0
    revision = Revision(
        recipe_id=recipe.id,
        number=base_number + 1,
        parent_id=head.id if head else None,
        blob_id=blob,
        title=title,
        author_id=author.id,
        summary=summary,
        kind=kind,
        status=status,
        size=len(body),
        size_delta=len(body) - previous_size,
        upstream_revision_id=upstream_revision_id,
        **({"created_at": created_at} if created_at is not None else {}),
    )
    session.add(revision)
    session.flush()
    record_revision_change(session, revision, recipe, author, at=created_at)
    pointers = {"head_revision_id": revision.id}
    if published:
        pointers["published_revision_id"] = revision.id
        session.add(SearchOutbox(recipe_id=recipe.id))
    session.execute(
        update(Recipe)
        .where(Recipe.id == recipe.id)
        .values(**pointers)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    session.refresh(recipe)
    return revision


def _move_head(session: Session, recipe: Recipe, base_number: int, title: str, at: datetime) -> None:
    """Number the recipe's head ``base_number + 1`` if it still is ``base_number`` (compare-and-set).

    Under the row lock the head cannot move between a writer's read and this update: a miss means a
    write that did not take the lock, and is refused rather than overwriting anything.
    """
    moved = session.execute(
        update(Recipe)
        .where(Recipe.id == recipe.id, Recipe.head_number == base_number)
        .values(head_number=base_number + 1, updated_at=at, title=title)
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        raise EditConflict("Someone saved this recipe in the meantime.", head_revision=base_number)
