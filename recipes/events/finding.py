"""Finding events: by recipe (or its whole lineage), region, series, dates and a box on the map.

``clean_filters`` reads the filters as people type them (query parameters); ``find_events`` pages
through the events by start, with an opaque cursor; ``all_events`` gives every match for the feeds
(GeoJSON, iCalendar), up to ``MAX_FEED_EVENTS``. Pending events are shown to their author and editors only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Select, String, and_, func, or_, select, true, type_coerce
from sqlalchemy.orm import Session, joinedload, selectinload

from recipes.community.policy import allowed
from recipes.errors import Invalid, NotFound
from recipes.events import cleaning
from recipes.lineage.tree import lineage as lineage_of
from recipes.models import Event, EventSeries, Recipe, Region, User
from recipes.queries import LATEST_EVENTS_SHOWN, Page, clamp_limit, get_recipe_id

MAX_FEED_EVENTS = 50_000
MAX_FILTER_LENGTH = 200


@dataclass(frozen=True)
class EventFilters:
    """What a list of events is narrowed to; None means any."""

    recipe: str | None = None
    lineage: bool = False
    region: str | None = None
    series: str | None = None
    starts_from: datetime | None = None  # events still going on or after this moment
    until: datetime | None = None  # events starting before this moment
    bbox: tuple[float, float, float, float] | None = None  # min_lon, min_lat, max_lon, max_lat


def clean_filters(args: Mapping[str, str]) -> EventFilters:
    """The filters of a query string; a malformed one is Invalid."""
    for name in ("recipe", "region", "series", "from", "to", "bbox", "lineage"):
        value = args.get(name)
        if value is not None and (len(value) > MAX_FILTER_LENGTH or not value.isprintable()):
            raise Invalid("The parameter {name!r} is not valid.", values={"name": name})
    lineage = (args.get("lineage") or "").lower()
    if lineage not in ("", "true", "false", "1", "0"):
        raise Invalid("The parameter 'lineage' is true or false.")
    if lineage in ("true", "1") and not args.get("recipe"):
        raise Invalid("The parameter 'lineage' goes with a 'recipe'.")
    return EventFilters(
        recipe=args.get("recipe") or None,
        lineage=lineage in ("true", "1"),
        region=args.get("region") or None,
        series=args.get("series") or None,
        starts_from=_bound(args.get("from"), "from", end=False),
        until=_bound(args.get("to"), "to", end=True),
        bbox=_bbox(args.get("bbox")),
    )


def _bound(value: str | None, what: str, *, end: bool) -> datetime | None:
    """A moment from a date or date-time; a date ``to`` takes in the whole of that day."""
    if not value:
        return None
    when, whole_day = cleaning.moment(value, what)
    return when + timedelta(days=1) if whole_day and end else when


def _bbox(value: str | None) -> tuple[float, float, float, float] | None:
    if not value:
        return None
    parts = value.split(",")
    if len(parts) != 4:
        raise Invalid("The box is min_lon,min_lat,max_lon,max_lat, such as -5,47,-1,49.")
    min_lon, max_lon = (cleaning.coordinate(parts[i], "longitude", 180) for i in (0, 2))
    min_lat, max_lat = (cleaning.coordinate(parts[i], "latitude", 90) for i in (1, 3))
    if None in (min_lon, min_lat, max_lon, max_lat):
        raise Invalid("The box is min_lon,min_lat,max_lon,max_lat, such as -5,47,-1,49.")
    if min_lat > max_lat:
        raise Invalid("The box's southern latitude comes before its northern one.")
    return min_lon, min_lat, max_lon, max_lat


def visible_to(viewer: User | None):
    """The condition on events that ``viewer`` may see."""
    if viewer is not None and allowed(viewer, "see_pending"):
        return true()
    if viewer is None:
        return Event.status == "approved"
    return or_(Event.status == "approved", Event.author_id == viewer.id)


def filtered(session: Session, query: Select, filters: EventFilters, viewer: User | None) -> Select:
    """The query narrowed to the filters and to what ``viewer`` may see."""
    query = query.join(Recipe, Recipe.id == Event.recipe_id).where(
        Recipe.deleted_at.is_(None), visible_to(viewer)
    )
    if filters.recipe is not None:
        query = query.where(Event.recipe_id.in_(_recipe_ids(session, filters)))
    if filters.region is not None:
        query = query.where(Event.region_id.in_(select(Region.id).where(Region.slug == filters.region)))
    if filters.series is not None:
        query = query.where(
            Event.series_id.in_(select(EventSeries.id).where(EventSeries.slug == filters.series))
        )
    if filters.starts_from is not None:
        query = query.where(func.coalesce(Event.ends_at, Event.starts_at) >= filters.starts_from)
    if filters.until is not None:
        query = query.where(Event.starts_at < filters.until)
    if filters.bbox is not None:
        min_lon, min_lat, max_lon, max_lat = filters.bbox
        # A box whose western edge lies east of its eastern one crosses the antimeridian (RFC 7946 5.2).
        across = or_(Event.longitude >= min_lon, Event.longitude <= max_lon)
        within = Event.longitude.between(min_lon, max_lon) if min_lon <= max_lon else across
        query = query.where(Event.latitude.between(min_lat, max_lat), within)
    return query


def _recipe_ids(session: Session, filters: EventFilters) -> list[int]:
    """The recipe filtered on, or every recipe of its lineage; none for a recipe that does not exist."""
    try:
        if not filters.lineage:
            return [get_recipe_id(session, filters.recipe)]
        return lineage_of(session, filters.recipe).recipe_ids()
    except NotFound:
        return []


def find_events(
    session: Session,
    filters: EventFilters,
    viewer: User | None,
    *,
    limit: int | None = None,
    cursor: str | None = None,
) -> Page:
    """A page of events by start (then id), with the cursor of the next page."""
    limit = clamp_limit(limit)
    query = filtered(session, select(Event), filters, viewer).options(
        joinedload(Event.recipe),
        joinedload(Event.revision),
        joinedload(Event.led_to_revision),
        joinedload(Event.author),
        joinedload(Event.region),
        joinedload(Event.series),
    )
    if cursor is not None:
        starts_at, event_id = _read_cursor(cursor)
        query = query.where(
            or_(Event.starts_at > starts_at, and_(Event.starts_at == starts_at, Event.id > event_id))
        )
    events = list(session.scalars(query.order_by(Event.starts_at, Event.id).limit(limit + 1)).unique())
    following = _cursor(events[limit - 1]) if len(events) > limit else None
    return Page(items=events[:limit], next=following)


def _cursor(event: Event) -> str:
    return f"{int(event.starts_at.timestamp() * 1_000_000)}.{event.id}"


def _read_cursor(cursor: str) -> tuple[datetime, int]:
    micro, _, event_id = cursor.partition(".")
    if not (micro.lstrip("-").isdigit() and event_id.isdigit() and len(cursor) < 40):
        raise Invalid("The cursor is not one this list gave.")
    try:
        return datetime.fromtimestamp(int(micro) / 1_000_000, UTC), int(event_id)
    except (OverflowError, ValueError, OSError) as error:
        raise Invalid("The cursor is not one this list gave.") from error


def all_events(session: Session, filters: EventFilters, viewer: User | None) -> list[Event]:
    """Every event matching, by start, for the feeds and series: with what each one's answer names,
    loaded together rather than one query per event."""
    query = (
        filtered(session, select(Event), filters, viewer)
        .options(
            joinedload(Event.recipe),
            joinedload(Event.region),
            joinedload(Event.series),
            selectinload(Event.revision),
            selectinload(Event.led_to_revision),
            selectinload(Event.author),
        )
        .order_by(Event.starts_at, Event.id)
        .limit(MAX_FEED_EVENTS)
    )
    return list(session.scalars(query).unique())


def mapped_rows(session: Session, filters: EventFilters, viewer: User | None) -> list:
    """The events with a point, as plain rows (id, title, latitude, longitude, starts_at, all_day,
    recipe slug, region slug): the map reads thousands at once, so no ORM objects are built, and the
    start comes as the database gives it (``formats.stored_time_text`` reads it)."""
    query = (
        select(
            Event.id,
            Event.title,
            Event.latitude,
            Event.longitude,
            type_coerce(Event.starts_at, String),
            Event.all_day,
            Recipe.slug,
            Region.slug,
        )
        .outerjoin(Region, Region.id == Event.region_id)
        .where(Event.latitude.is_not(None))
    )
    query = (
        filtered(session, query, filters, viewer).order_by(Event.starts_at, Event.id).limit(MAX_FEED_EVENTS)
    )
    return session.connection().execute(query).all()


def events_done_by_recipe(session: Session, recipe_ids: list[int]) -> dict[int, int]:
    """How many times each of these recipes was done (approved events, as ``count_events`` counts
    them); a recipe never done is left out."""
    query = (
        select(Event.recipe_id, func.count(Event.id))
        .where(Event.recipe_id.in_(recipe_ids), Event.status == "approved")
        .group_by(Event.recipe_id)
    )
    return dict(session.execute(query).all())


def count_events(session: Session, recipe_id: int) -> tuple[int, int]:
    """How many times the recipe was done (approved events), and in how many places."""
    row = session.execute(
        select(func.count(Event.id), func.count(func.distinct(Event.place))).where(
            Event.recipe_id == recipe_id, Event.status == "approved"
        )
    ).one()
    return row[0], row[1]


def latest_events(session: Session, recipe_id: int, limit: int = LATEST_EVENTS_SHOWN) -> list[Event]:
    """The recipe's approved events that started last (planned ones first), for its page: the same
    for every reader, as ``queries.page_version`` marks them."""
    query = (
        select(Event)
        .where(Event.recipe_id == recipe_id, Event.status == "approved")
        .order_by(Event.starts_at.desc(), Event.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def lessons_by_revision(
    session: Session, revision_ids: list[int], viewer: User | None
) -> dict[int, list[Event]]:
    """The events whose accounts led to these revisions (``Event.led_to_revision``), by revision id."""
    query = (
        select(Event)
        .where(Event.led_to_revision_id.in_(revision_ids), visible_to(viewer))
        .order_by(Event.starts_at, Event.id)
    )
    lessons: dict[int, list[Event]] = {}
    for event in session.scalars(query):
        lessons.setdefault(event.led_to_revision_id, []).append(event)
    return lessons


def watched_events(
    session: Session, recipe_ids: list[int], region_ids: list[int], viewer: User | None, *, limit: int = 20
) -> list[Event]:
    """The latest events (planned ones first) of the watched recipes, of the recipes of the watched
    regions, and held in the watched regions, as ``viewer`` may see them."""
    if not recipe_ids and not region_ids:
        return []
    about = or_(
        Event.recipe_id.in_(recipe_ids), Recipe.region_id.in_(region_ids), Event.region_id.in_(region_ids)
    )
    query = (
        filtered(session, select(Event), EventFilters(), viewer)  # joins the recipe
        .where(about)
        .options(joinedload(Event.recipe), joinedload(Event.region))
        .order_by(Event.starts_at.desc(), Event.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query).unique())
