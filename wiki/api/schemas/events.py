"""Events, series of events and regions on the map: what their endpoints take and answer.

Dates and moments travel as text (``2026-05-14`` for a whole day, or a date-time with its timezone)
and coordinates as numbers: ``recipes.events.cleaning`` checks them, so that the API and the pages
refuse the same input with the same sentence (a latitude outside ±90, an end before the start).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, StrictInt

from .common import Answer, Number, Paging, RecipeAt, Slug

DAY_OR_MOMENT = "A date (2026-05-14, a whole day) or a date and time with its timezone."


class EventFields(BaseModel):
    """The fields of an event a client may set; ``starts_at`` and ``place`` are needed to record one."""

    title: str | None = None
    starts_at: str | None = Field(None, description=DAY_OR_MOMENT)
    ends_at: str | None = Field(None, description=DAY_OR_MOMENT)
    place: str | None = None
    latitude: float | None = Field(None, description="WGS84 degrees, from -90 to 90.")
    longitude: float | None = Field(None, description="WGS84 degrees, from -180 to 180.")
    region: Slug | None = None
    series: Slug | None = None
    participants: StrictInt | None = Field(None, description="How many people took part.")
    url: str | None = None
    revision: Number | None = Field(None, description="The revision followed; the head by default.")


class EventDraft(EventFields):
    starts_at: str = Field(description=DAY_OR_MOMENT)
    place: str


class EventChange(EventFields):
    report: str | None = Field(None, description="The account of how it went, in Markdown.")
    led_to_revision: Number | None = Field(
        None, description="The revision of the recipe its account led to (an edit made from it); null: none."
    )


class EventQuery(Paging):
    recipe: Slug | None = None
    lineage: Literal["true", "false"] | None = Field(None, description="With recipe: its whole lineage.")
    region: Slug | None = None
    series: Slug | None = None
    from_: str | None = Field(None, alias="from", description=DAY_OR_MOMENT)
    to: str | None = Field(None, description=DAY_OR_MOMENT)
    bbox: str | None = Field(None, description="min_lon,min_lat,max_lon,max_lat")
    cursor: str | None = Field(None, description="The next page's cursor, from the previous page.")


class Event(Answer):
    id: int
    recipe: RecipeAt
    title: str
    starts_at: str
    ends_at: str | None
    place: str
    latitude: float | None
    longitude: float | None
    region: str | None
    series: str | None
    participants: int | None
    url: str | None
    report: str
    report_html: str
    led_to_revision: int | None = Field(description="The revision of the recipe its account led to.")
    author: str
    status: Literal["approved", "pending"]
    created_at: str
    updated_at: str


class EventPage(Answer):
    items: list[Event]
    next: str | None


class FeatureCollection(Answer):
    """RFC 7946: one Point feature per event with coordinates, ``[longitude, latitude]``."""

    type: Literal["FeatureCollection"]
    features: list[dict[str, Any]]


class SeriesDraft(BaseModel):
    name: str
    starts_on: str = Field(description="The first day, 2026-10-01.")
    ends_on: str = Field(description="The last day.")
    description: str | None = None


class Series(Answer):
    slug: str
    name: str
    starts_on: str
    ends_on: str
    description: str


class SeriesWithEvents(Series):
    events: list[Event]


class RegionPlace(BaseModel):
    name: str | None = None
    latitude: float | None = None
    longitude: float | None = None


class PlacedRegion(Answer):
    slug: str
    name: str
    latitude: float | None
    longitude: float | None
