"""Series of events (a festival run by many towns over the same days), and regions on the map."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from recipes.community.policy import require
from recipes.community.regions import clean_region_name, get_region
from recipes.database import write_transaction
from recipes.errors import N_, Invalid, NotFound
from recipes.events import cleaning
from recipes.models import EventSeries, Region, User
from recipes.slugs import slugify
from recipes.validation import clean_title


def create_series(session: Session, data: Mapping[str, Any], *, author: User) -> EventSeries:
    """Create a series; its slug comes from its name and must be new."""
    name = clean_title(data.get("name"))
    starts_on = cleaning.day(data.get("starts_on"), N_("first day"))
    ends_on = cleaning.day(data.get("ends_on"), N_("last day"))
    if ends_on < starts_on:
        raise Invalid("The last day of a series comes after its first day.")
    description = cleaning.long_text(
        data.get("description"), N_("description"), cleaning.MAX_DESCRIPTION_LENGTH
    )
    with write_transaction(session):
        require(author, "record_event")
        slug = slugify(name)
        if session.scalar(select(EventSeries.id).where(EventSeries.slug == slug)) is not None:
            raise Invalid("The series {slug!r} exists already.", values={"slug": slug})
        series = EventSeries(
            slug=slug, name=name, starts_on=starts_on, ends_on=ends_on, description=description, author=author
        )
        session.add(series)
    return series


def get_series(session: Session, slug: str) -> EventSeries:
    series = session.scalar(select(EventSeries).where(EventSeries.slug == slug))
    if series is None:
        raise NotFound("There is no series {slug!r}.", values={"slug": slug})
    return series


def list_series(session: Session) -> list[EventSeries]:
    """Every series, the latest first."""
    return list(session.scalars(select(EventSeries).order_by(EventSeries.starts_on.desc(), EventSeries.id)))


def place_region(session: Session, slug: str, data: Mapping[str, Any], *, user: User) -> Region:
    """Rename a region or place it on the map (both coordinates, or none to take it off)."""
    with write_transaction(session):
        require(user, "create_region")
        region = get_region(session, slug)
        if "name" in data:
            region.name = clean_region_name(data["name"])
        if "latitude" in data or "longitude" in data:
            region.latitude, region.longitude = cleaning.point(
                data.get("latitude", region.latitude), data.get("longitude", region.longitude)
            )
    return region
