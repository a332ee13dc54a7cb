"""Reading recipes and their history: lookups that load or raise NotFound, keyset-paged lists.

Paging is by keyset, never by offset, so that the 50th page of a 100,000-revision history costs the
same as the first: history pages by revision number, recipe lists by slug.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import Row, String, bindparam, cast, func, literal, or_, select, union
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, aliased, joinedload
from sqlalchemy.sql.functions import FunctionElement

from .blobs import BlobContent, load_blob
from .errors import NotFound
from .models import (
    Event,
    ImageUpload,
    Proposal,
    Protection,
    Recipe,
    RecipeRedirect,
    RecipeTag,
    Region,
    Revision,
)

MAX_PAGE_SIZE = 200

# How many ancestors an attribution chain names at most (a fork of a fork of …, for a page's credit).
ATTRIBUTION_DEPTH = 50


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
# head and published revisions with their authors, its region, tags and protection. Built once: a
# statement built per call costs more than the database takes to run it.
RECIPE_BY_SLUG = (
    select(Recipe)
    .options(
        joinedload(Recipe.head_revision).joinedload(Revision.author),
        joinedload(Recipe.published_revision).joinedload(Revision.author),
        joinedload(Recipe.region),
        joinedload(Recipe.tags),
        joinedload(Recipe.protection),
    )
    .where(Recipe.slug == bindparam("slug"))
)


def get_recipe(session: Session, slug: str, *, include_deleted: bool = False) -> Recipe:
    """The recipe at ``slug``; a deleted one only with ``include_deleted`` (for moderators)."""
    recipe = session.scalars(RECIPE_BY_SLUG, {"slug": slug}).unique().one_or_none()
    _check_found(slug, recipe, include_deleted)
    return recipe


RECIPE_ID_BY_SLUG = select(Recipe.id, Recipe.head_revision_id, Recipe.deleted_at).where(
    Recipe.slug == bindparam("slug")
)


def get_recipe_id(session: Session, slug: str, *, include_deleted: bool = False) -> int:
    """The id of the recipe at ``slug``, found as ``get_recipe`` finds it, without loading the recipe."""
    row = session.execute(RECIPE_ID_BY_SLUG, {"slug": slug}).one_or_none()
    _check_found(slug, row, include_deleted)
    return row.id


def _check_found(slug: str, recipe, include_deleted: bool) -> None:
    """Raise NotFound unless ``recipe`` (a Recipe, or a row of its columns) is one readers may open."""
    if recipe is None or recipe.head_revision_id is None:
        raise NotFound("There is no recipe {slug!r}.", values={"slug": slug})
    if recipe.deleted_at is not None and not include_deleted:
        raise NotFound("The recipe {slug!r} was deleted.", values={"slug": slug}, deleted=True)


REVISION_BY_NUMBER = (
    select(Revision)
    .options(joinedload(Revision.author))
    .where(Revision.recipe_id == bindparam("recipe_id"), Revision.number == bindparam("number"))
)


def get_revision(session: Session, recipe: Recipe, number: int) -> Revision:
    revision = session.scalar(REVISION_BY_NUMBER, {"recipe_id": recipe.id, "number": number})
    if revision is None:
        raise NotFound(
            "The recipe {slug!r} has no revision {number}.", values={"slug": recipe.slug, "number": number}
        )
    return revision


def revision_content(session: Session, revision: Revision) -> BlobContent:
    """The text and stored HTML of a revision."""
    return load_blob(session, revision.blob_id)


class json_texts(FunctionElement):  # noqa: N801 - a SQL function, named as SQLAlchemy's are
    """The strings of a JSON array, one row each: ``IN`` over any number of values with one statement
    text, which an expanding parameter would render anew at every execution (a reader's page version
    spent a tenth of its time there)."""

    inherit_cache = True
    type = String()


@compiles(json_texts, "sqlite")
def _json_texts_in_sqlite(element, compiler, **kw) -> str:
    return f"(SELECT value FROM json_each({compiler.process(element.clauses, **kw)}))"


@compiles(json_texts, "postgresql")
def _json_texts_in_postgresql(element, compiler, **kw) -> str:
    return f"(SELECT json_array_elements_text(CAST({compiler.process(element.clauses, **kw)} AS json)))"


_LIVE = Recipe.deleted_at.is_(None)
_ASKED_SLUGS = json_texts(bindparam("slugs", type_=String()))
# Slugs of live recipes, and former slugs that lead to a live recipe (built once, as above).
LIVE_SLUGS = union(
    select(Recipe.slug).where(Recipe.slug.op("IN")(_ASKED_SLUGS), _LIVE),
    select(RecipeRedirect.slug).join(Recipe).where(RecipeRedirect.slug.op("IN")(_ASKED_SLUGS), _LIVE),
)


def existing_slugs(session: Session, slugs: set[str]) -> set[str]:
    """Which of these slugs lead to recipes, directly or as a renamed recipe's former slug (wiki links)."""
    if not slugs:
        return set()
    return set(session.scalars(LIVE_SLUGS, {"slugs": json.dumps(list(slugs))}))


_HEAD, _PUBLISHED, _PARENT = aliased(Revision), aliased(Revision), aliased(Recipe)
_TAGS_OF_RECIPE = (
    select(func.aggregate_strings(RecipeTag.tag, " "))
    .where(RecipeTag.recipe_id == Recipe.id)
    .scalar_subquery()
)
_UPLOADS_OF_RECIPE = select(func.count()).where(ImageUpload.recipe_id == Recipe.id).scalar_subquery()
_OPEN_PROPOSALS = (
    select(func.count())
    .where(
        Proposal.status == "open", or_(Proposal.source_id == Recipe.id, Proposal.target_id == Recipe.id)
    )
    .scalar_subquery()
)


def _as_text(column):
    return func.coalesce(cast(column, String), "")


# As events.finding.count_events counts them: the approved events of the recipe, and their places.
_APPROVED_EVENTS = (Event.recipe_id == Recipe.id, Event.status == "approved")
_EVENTS_DONE = select(func.count(Event.id)).where(*_APPROVED_EVENTS).scalar_subquery()
_EVENT_PLACES = select(func.count(func.distinct(Event.place))).where(*_APPROVED_EVENTS).scalar_subquery()
# How many of its latest events a recipe's page lists (``events.finding.latest_events``).
LATEST_EVENTS_SHOWN = 5
# Those events, each as its id and last change: a change to one, or another taking its place, shows.
_LATEST_EVENT_MARKS = (
    select((_as_text(Event.id) + ":" + _as_text(Event.updated_at)).label("mark"))
    .where(*_APPROVED_EVENTS)
    .order_by(Event.starts_at.desc(), Event.id.desc())
    .limit(LATEST_EVENTS_SHOWN)
    .correlate(Recipe)
    .subquery()
)
_LATEST_EVENTS = select(func.aggregate_strings(_LATEST_EVENT_MARKS.c.mark, " ")).scalar_subquery()
_LINKS_THAT_LEAD = select(func.aggregate_strings(LIVE_SLUGS.subquery().c.slug, " ")).scalar_subquery()


def ancestors_cte(recipe_is, *, name: str, depth_limit: int):
    """A recursive CTE of the ancestors' ids of the recipe ``recipe_is`` selects, with their distance
    (parent: 1), at most ``depth_limit`` steps up."""
    start = select(Recipe.parent_id.label("id"), literal(1).label("depth")).where(
        recipe_is, Recipe.parent_id.is_not(None)
    )
    ancestors = start.cte(name, recursive=True)
    step = (
        select(Recipe.parent_id, ancestors.c.depth + 1)
        .join(ancestors, Recipe.id == ancestors.c.id)
        .where(Recipe.parent_id.is_not(None), ancestors.c.depth < depth_limit)
    )
    return ancestors.union_all(step)


def _chain_of_credits():
    """What the attribution chain shows of every ancestor, one text: each ancestor's licence, title,
    slug, region, deletion, published revision (whose approval adds authors) and the revision it was
    copied from. Read in one statement, so that a grandparent's relicensing shows without a query
    for each step of the lineage."""
    ancestors = ancestors_cte(
        Recipe.slug == bindparam("slug"), name="page_ancestors", depth_limit=ATTRIBUTION_DEPTH
    )
    ancestor = aliased(Recipe)
    credit = (
        _as_text(ancestors.c.depth) + ":" + ancestor.licence + ":" + ancestor.slug + ":" + ancestor.title
        + ":" + _as_text(ancestor.region_id) + ":" + _as_text(ancestor.deleted_at)
        + ":" + _as_text(ancestor.published_revision_id) + ":" + _as_text(ancestor.fork_revision_id)
    )
    return (
        select(func.aggregate_strings(credit, "\n"))
        .select_from(ancestors)
        .join(ancestor, ancestor.id == ancestors.c.id)
        .scalar_subquery()
    )


_CHAIN_OF_CREDITS = _chain_of_credits()
# Everything a reader's page of a recipe shows that can change while its address stays: the recipe's
# own columns, the status of its head and published revisions, its parent (and the parent revision
# readers see, which a variant may be behind), what its attribution chain shows of every ancestor,
# protection, tags, uploads, open proposals, how often and in how many places it was done, its latest
# events, and which
# of the recipes its wiki links name exist. Revisions, blobs, regions and user names never change
# once written. Built once, as above.
PAGE_VERSION = (
    select(
        Recipe.id,
        Recipe.title,
        Recipe.language,
        Recipe.licence,
        Recipe.region_id,
        Recipe.head_revision_id,
        Recipe.published_revision_id,
        Recipe.parent_id,
        Recipe.fork_revision_id,
        Recipe.deleted_at,
        _HEAD.status,
        _PUBLISHED.status,
        _PARENT.slug,
        _PARENT.title,
        _PARENT.region_id,
        _PARENT.deleted_at,
        _PARENT.published_revision_id,
        _PARENT.licence,
        Protection.level,
        Protection.reason,
        Protection.expires_at.label("protection_expires_at"),
        _TAGS_OF_RECIPE.label("tags"),
        _UPLOADS_OF_RECIPE.label("uploads"),
        _OPEN_PROPOSALS.label("open_proposals"),
        _CHAIN_OF_CREDITS.label("chain_of_credits"),
        _EVENTS_DONE.label("events_done"),
        _EVENT_PLACES.label("event_places"),
        _LATEST_EVENTS.label("latest_events"),
        # Last: the page cache reads it as a set.
        _LINKS_THAT_LEAD.label("links_that_lead"),
    )
    .outerjoin(_HEAD, _HEAD.id == Recipe.head_revision_id)
    .outerjoin(_PUBLISHED, _PUBLISHED.id == Recipe.published_revision_id)
    .outerjoin(_PARENT, _PARENT.id == Recipe.parent_id)
    .outerjoin(Protection, Protection.recipe_id == Recipe.id)
    .where(Recipe.slug == bindparam("slug"))
)


def page_version(session: Session, slug: str, links: Collection[str] = ()) -> Row | None:
    """What a reader's page of the recipe at ``slug`` depends on, in one row (None: no recipe there).

    ``links`` are the slugs its wiki links name; ``links_that_lead`` holds those that lead to a
    recipe (``existing_slugs``), space-separated in no given order. Two equal rows mean the same
    page, whatever happened in between, except that ``protection_expires_at`` and ``uploads`` (the
    number of pictures uploaded to the recipe) say when it may change without the row changing: when
    the protection ends, or when an uploader's edits stop waiting for review.
    """
    # On the connection: the ORM's handling of a statement costs more than running this one, and a
    # reader's request has nothing waiting to be flushed.
    parameters = {"slug": slug, "slugs": json.dumps(list(links))}
    return session.connection().execute(PAGE_VERSION, parameters).one_or_none()


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
