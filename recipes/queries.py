"""Reading recipes and their history: lookups that load or raise NotFound, keyset-paged lists.

Paging is by keyset, never by offset, so that the 50th page of a 100,000-revision history costs the
same as the first: history pages by revision number, recipe lists by slug.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from .blobs import BlobContent, load_blob
from .errors import NotFound
from .models import Recipe, RecipeTag, Region, Revision

MAX_PAGE_SIZE = 200


@dataclass(frozen=True)
class Page:
    """A page of a keyset-paged list; ``next`` is the cursor of the following page, or None."""

    items: list
    next: str | int | None


def clamp_limit(limit: int | None, default: int = 50) -> int:
    if limit is None:
        return default
    return max(1, min(int(limit), MAX_PAGE_SIZE))


def get_recipe(session: Session, slug: str) -> Recipe:
    recipe = session.scalar(select(Recipe).where(Recipe.slug == slug))
    if recipe is None or recipe.head_revision_id is None:
        raise NotFound(f"There is no recipe {slug!r}.")
    return recipe


def get_revision(session: Session, recipe: Recipe, number: int) -> Revision:
    revision = session.scalar(
        select(Revision).where(Revision.recipe_id == recipe.id, Revision.number == number)
    )
    if revision is None:
        raise NotFound(f"The recipe {recipe.slug!r} has no revision {number}.")
    return revision


def revision_content(session: Session, revision: Revision) -> BlobContent:
    """The text and stored HTML of a revision."""
    return load_blob(session, revision.blob_id)


def existing_slugs(session: Session, slugs: set[str]) -> set[str]:
    """Which of these slugs name recipes (for marking missing wiki links)."""
    if not slugs:
        return set()
    return set(session.scalars(select(Recipe.slug).where(Recipe.slug.in_(slugs))))


def history(session: Session, recipe: Recipe, *, limit: int | None = None, before: int | None = None) -> Page:
    """Revisions of a recipe, newest first, ``limit`` of them below revision number ``before``."""
    limit = clamp_limit(limit)
    query = (
        select(Revision)
        .options(joinedload(Revision.author))
        .where(Revision.recipe_id == recipe.id)
        .order_by(Revision.number.desc())
        .limit(limit + 1)
    )
    if before is not None:
        query = query.where(Revision.number < before)
    rows = list(session.scalars(query))
    next_cursor = rows[limit - 1].number if len(rows) > limit else None
    return Page(rows[:limit], next_cursor)


def list_recipes(
    session: Session,
    *,
    region: str | None = None,
    tag: str | None = None,
    limit: int | None = None,
    after: str | None = None,
) -> Page:
    """Recipes in slug order, optionally of one region and one tag; ``after`` is the last slug seen."""
    limit = clamp_limit(limit)
    query = (
        select(Recipe)
        .options(joinedload(Recipe.region))
        .where(Recipe.head_revision_id.is_not(None))
        .order_by(Recipe.slug)
        .limit(limit + 1)
    )
    if region:
        query = query.join(Region, Recipe.region_id == Region.id).where(Region.slug == region)
    if tag:
        query = query.where(Recipe.tags.any(RecipeTag.tag == tag.lower()))
    if after:
        query = query.where(Recipe.slug > after)
    rows = list(session.scalars(query).unique())
    next_cursor = rows[limit - 1].slug if len(rows) > limit else None
    return Page(rows[:limit], next_cursor)


def recent_recipes(session: Session, limit: int = 10) -> list[Recipe]:
    """The recipes changed most recently, for the home page."""
    query = (
        select(Recipe)
        .options(joinedload(Recipe.region))
        .where(Recipe.head_revision_id.is_not(None))
        .order_by(Recipe.updated_at.desc(), Recipe.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))
