"""Reading recipes and their history: lookups that load or raise NotFound, keyset-paged lists.

Paging is by keyset, never by offset, so that the 50th page of a 100,000-revision history costs the
same as the first: history pages by revision number, recipe lists by slug.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select, union
from sqlalchemy.orm import Session, joinedload

from .blobs import BlobContent, load_blob
from .errors import NotFound
from .models import Recipe, RecipeRedirect, RecipeTag, Region, Revision

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


# A recipe with what its pages and answers use, in one statement rather than one per lazy load: its
# head and published revisions with their authors, its region and tags. Built once: a statement built
# per call costs more than the database takes to run it.
RECIPE_BY_SLUG = (
    select(Recipe)
    .options(
        joinedload(Recipe.head_revision).joinedload(Revision.author),
        joinedload(Recipe.published_revision).joinedload(Revision.author),
        joinedload(Recipe.region),
        joinedload(Recipe.tags),
    )
    .where(Recipe.slug == bindparam("slug"))
)


def get_recipe(session: Session, slug: str, *, include_deleted: bool = False) -> Recipe:
    """The recipe at ``slug``; a deleted one only with ``include_deleted`` (for moderators)."""
    recipe = session.scalars(RECIPE_BY_SLUG, {"slug": slug}).unique().one_or_none()
    if recipe is None or recipe.head_revision_id is None:
        raise NotFound(f"There is no recipe {slug!r}.")
    if recipe.deleted_at is not None and not include_deleted:
        raise NotFound(f"The recipe {slug!r} was deleted.", deleted=True)
    return recipe


REVISION_BY_NUMBER = (
    select(Revision)
    .options(joinedload(Revision.author))
    .where(Revision.recipe_id == bindparam("recipe_id"), Revision.number == bindparam("number"))
)


def get_revision(session: Session, recipe: Recipe, number: int) -> Revision:
    revision = session.scalar(REVISION_BY_NUMBER, {"recipe_id": recipe.id, "number": number})
    if revision is None:
        raise NotFound(f"The recipe {recipe.slug!r} has no revision {number}.")
    return revision


def revision_content(session: Session, revision: Revision) -> BlobContent:
    """The text and stored HTML of a revision."""
    return load_blob(session, revision.blob_id)


_LIVE = Recipe.deleted_at.is_(None)
_ASKED_SLUGS = bindparam("slugs", expanding=True)
# Slugs of live recipes, and former slugs that lead to a live recipe (built once, as above).
LIVE_SLUGS = union(
    select(Recipe.slug).where(Recipe.slug.in_(_ASKED_SLUGS), _LIVE),
    select(RecipeRedirect.slug).join(Recipe).where(RecipeRedirect.slug.in_(_ASKED_SLUGS), _LIVE),
)


def existing_slugs(session: Session, slugs: set[str]) -> set[str]:
    """Which of these slugs lead to recipes, directly or as a renamed recipe's former slug (wiki links)."""
    if not slugs:
        return set()
    return set(session.scalars(LIVE_SLUGS, {"slugs": list(slugs)}))


HISTORY_PAGE = (
    select(Revision)
    .options(joinedload(Revision.author))
    .where(Revision.recipe_id == bindparam("recipe_id"), Revision.number < bindparam("before"))
    .order_by(Revision.number.desc())
    .limit(bindparam("limit"))
)


def history(session: Session, recipe: Recipe, *, limit: int | None = None, before: int | None = None) -> Page:
    """Revisions of a recipe, newest first, ``limit`` of them below revision number ``before``."""
    limit = clamp_limit(limit)
    # The first page is the one before a revision past the head: one statement for every page.
    before = recipe.head_number + 1 if before is None else before
    parameters = {"recipe_id": recipe.id, "before": before, "limit": limit + 1}
    rows = list(session.scalars(HISTORY_PAGE, parameters))
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
        .where(Recipe.published_revision_id.is_not(None), Recipe.deleted_at.is_(None))
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
        .where(Recipe.published_revision_id.is_not(None), Recipe.deleted_at.is_(None))
        .order_by(Recipe.updated_at.desc(), Recipe.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))
