"""JSON API for events (where and when a recipe was done), series of events and regions on the map.

Reading is open to everyone; recording needs an account, changing an event its author or an editor,
deleting it its author or a moderator. Lists and the GeoJSON take the same filters (recipe, lineage,
region, series, from, to, bbox).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, url_for

from recipes.events import finding, formats
from recipes.events.recording import approve_event, change_event, delete_event, get_event, record_event
from recipes.events.series import create_series, get_series, place_region
from recipes.models import Event, EventSeries

from ..auth import current_domain_user
from ..db import get_session
from ..markdown import render_markdown
from ..security import limit_saves
from .common import acting_user, checked_slug, whole_number
from .schemas.events import Event as EventAnswer
from .schemas.events import (
    EventChange,
    EventDraft,
    EventPage,
    EventQuery,
    FeatureCollection,
    PlacedRegion,
    RegionPlace,
    Series,
    SeriesDraft,
    SeriesWithEvents,
)
from .serializers import iso_time
from .spec import endpoint

bp = Blueprint("api_events", __name__)


def event_dict(event: Event) -> dict[str, Any]:
    return {
        "id": event.id,
        "recipe": {"slug": event.recipe.slug, "revision": event.revision.number},
        "title": event.title,
        "starts_at": formats.when_text(event.starts_at, event.all_day),
        "ends_at": formats.when_text(event.ends_at, event.all_day),
        "place": event.place,
        "latitude": event.latitude,
        "longitude": event.longitude,
        "region": event.region.slug if event.region else None,
        "series": event.series.slug if event.series else None,
        "participants": event.participants,
        "url": event.url,
        "report": event.report,
        "report_html": event.report_html,
        "led_to_revision": event.led_to_revision.number if event.led_to_revision_id is not None else None,
        "author": event.author.name,
        "status": event.status,
        "created_at": iso_time(event.created_at),
        "updated_at": iso_time(event.updated_at),
    }


def series_dict(series: EventSeries) -> dict[str, Any]:
    return {
        "slug": series.slug,
        "name": series.name,
        "starts_on": series.starts_on.isoformat(),
        "ends_on": series.ends_on.isoformat(),
        "description": series.description,
    }


def _filters(query: EventQuery) -> finding.EventFilters:
    return finding.clean_filters(query.model_dump(by_alias=True, exclude_none=True))


def _event_id(event_id: str) -> int:
    return whole_number(event_id, "event")


@bp.post("/recipes/<slug>/events")
@limit_saves
@endpoint("events", {201: EventAnswer}, body=EventDraft, writes=True)
def create_event(slug: str, body: EventDraft):
    """Record that a recipe was done: when, where, by how many, following which revision."""
    event = record_event(
        get_session(),
        checked_slug(slug),
        body.model_dump(exclude_unset=True),
        author=acting_user(),
        render=render_markdown,
        review_policy=current_app.config["REVIEW_POLICY"],
    )
    return jsonify(event_dict(event)), 201


@bp.get("/events")
@endpoint("events", {200: EventPage}, query=EventQuery)
def list_events(query: EventQuery):
    """List events by start, narrowed by recipe (or its lineage), region, series, dates and box."""
    page = finding.find_events(
        get_session(), _filters(query), current_domain_user(), limit=query.limit, cursor=query.cursor
    )
    return jsonify({"items": [event_dict(event) for event in page.items], "next": page.next})


@bp.get("/events.geojson")
@endpoint("events", {200: FeatureCollection}, query=EventQuery)
def events_geojson(query: EventQuery):
    """The events with a point, as an RFC 7946 FeatureCollection (same filters as the list)."""
    rows = finding.mapped_rows(get_session(), _filters(query), current_domain_user())
    prefix = url_for("events.show", event_id=0, _external=True)[:-1]
    # Served as application/json, the type the generated description gives every answer (RFC 7946's
    # application/geo+json is a JSON document too, and GIS tools read either).
    return current_app.response_class(formats.feature_collection(rows, prefix), mimetype="application/json")


@bp.get("/events/<event_id>")
@endpoint("events", {200: EventAnswer})
def show_event(event_id: str):
    """Show an event with its account."""
    return jsonify(event_dict(get_event(get_session(), _event_id(event_id), current_domain_user())))


@bp.put("/events/<event_id>")
@limit_saves
@endpoint("events", {200: EventAnswer}, body=EventChange, writes=True)
def update_event(event_id: str, body: EventChange):
    """Change an event's fields, or write its account (``report``, Markdown)."""
    event = change_event(
        get_session(),
        _event_id(event_id),
        body.model_dump(exclude_unset=True),
        user=acting_user(),
        render=render_markdown,
    )
    return jsonify(event_dict(event))


@bp.delete("/events/<event_id>")
@endpoint("events", {204: None}, writes=True)
def remove_event(event_id: str):
    """Delete an event (its author and moderators)."""
    delete_event(get_session(), _event_id(event_id), user=acting_user())
    return "", 204


@bp.post("/events/<event_id>/approve")
@endpoint("events", {200: EventAnswer}, writes=True)
def approve(event_id: str):
    """Approve an event that awaits review (moderators; never their own)."""
    return jsonify(event_dict(approve_event(get_session(), _event_id(event_id), user=acting_user())))


@bp.post("/series")
@limit_saves
@endpoint("events", {201: Series}, body=SeriesDraft, writes=True)
def create_event_series(body: SeriesDraft):
    """Create a series: events run by many towns over given days; its slug comes from its name."""
    series = create_series(get_session(), body.model_dump(exclude_unset=True), author=acting_user())
    return jsonify(series_dict(series)), 201


@bp.get("/series/<slug>")
@endpoint("events", {200: SeriesWithEvents})
def show_series(slug: str):
    """Show a series with its events, by start."""
    series = get_series(get_session(), checked_slug(slug))
    events = finding.all_events(
        get_session(), finding.EventFilters(series=series.slug), current_domain_user()
    )
    return jsonify({**series_dict(series), "events": [event_dict(event) for event in events]})


@bp.put("/regions/<slug>")
@endpoint("events", {200: PlacedRegion}, body=RegionPlace, writes=True)
def place_on_map(slug: str, body: RegionPlace):
    """Rename a region or place it on the map."""
    region = place_region(
        get_session(), checked_slug(slug), body.model_dump(exclude_unset=True), user=acting_user()
    )
    return jsonify(
        {"slug": region.slug, "name": region.name, "latitude": region.latitude, "longitude": region.longitude}
    )
