"""Events in the formats other tools read: GeoJSON (RFC 7946) for maps, iCalendar (RFC 5545) for calendars.

Both take the address of an event's page as a prefix (``…/events/``) to which the id is added: the
map reads ten thousand events at once, so nothing is looked up per event.

The iCalendar library is imported by the functions writing one: a process serving pages rarely
does, and would otherwise hold it (some 2 MB) all along.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from json.encoder import encode_basestring
from typing import TYPE_CHECKING

from recipes.models import Event

if TYPE_CHECKING:
    import icalendar


def when_text(moment: datetime | None, all_day: bool) -> str | None:
    """An event's start or end as the API gives it: a date for a whole day, else ISO 8601 in UTC."""
    if moment is None:
        return None
    return moment.date().isoformat() if all_day else moment.isoformat()


def stored_time_text(value: datetime | str, all_day: bool) -> str:
    """``when_text`` of a time read without conversion: SQLite hands back its stored text
    (``2026-05-14 16:00:00.000000``, UTC), PostgreSQL a datetime. Parsing ten thousand texts into
    datetimes only to print them again would cost more than the rest of the map's answer."""
    if not isinstance(value, str):
        return when_text(value, all_day)
    if all_day:
        return value[:10]
    fraction = value[19:].rstrip("0").rstrip(".")
    return f"{value[:10]}T{value[11:19]}{'.' + value[20:26] if fraction else ''}+00:00"


def feature_collection(rows: Iterable, page_prefix: str) -> str:
    """A GeoJSON FeatureCollection, as JSON text, of rows from ``finding.mapped_rows``: one Point per event.

    Written feature by feature with the json module's string encoder: the map asks for ten thousand
    events at once, and building dicts to encode them costs twice as much. Coordinates are finite
    numbers (checked at save), whose ``repr`` is valid JSON.
    """
    prefix = encode_basestring(page_prefix)[:-1]  # the opening quote and the escaped prefix
    features = ",".join(
        f'{{"type":"Feature","id":{event_id},"geometry":{{"type":"Point","coordinates":[{longitude!r},'
        f'{latitude!r}]}},"properties":{{"id":{event_id},"title":{encode_basestring(title)},'
        f'"recipe":{encode_basestring(recipe)},"region":{_text_or_null(region)},'
        f'"starts_at":"{stored_time_text(starts_at, all_day)}","url":{prefix}{event_id}"}}}}'
        for event_id, title, latitude, longitude, starts_at, all_day, recipe, region in rows
    )
    return f'{{"type":"FeatureCollection","features":[{features}]}}'


def _text_or_null(text: str | None) -> str:
    return "null" if text is None else encode_basestring(text)


def calendar(events: Iterable[Event], *, page_prefix: str, domain: str, name: str) -> bytes:
    """An iCalendar of the events; each ``UID`` stays the same whatever changes in the event."""
    import icalendar

    cal = icalendar.Calendar()
    cal.add("prodid", "-//Levain//Events//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    for event in events:
        cal.add_component(_vevent(event, page_prefix, domain))
    return cal.to_ical()


def _vevent(event: Event, page_prefix: str, domain: str) -> icalendar.Event:
    import icalendar

    vevent = icalendar.Event()
    vevent.add("uid", f"event-{event.id}@{domain}")
    vevent.add("dtstamp", event.updated_at)
    vevent.add("summary", event.title)
    vevent.add("location", event.place)
    vevent.add("url", f"{page_prefix}{event.id}")
    vevent.add("description", f"{event.recipe.title}\n{page_prefix}{event.id}")
    if event.all_day:
        # DTEND of a whole-day event is the day after its last day (RFC 5545 3.6.1).
        last = (event.ends_at or event.starts_at).date()
        vevent.add("dtstart", event.starts_at.date())
        vevent.add("dtend", last + timedelta(days=1))
    else:
        vevent.add("dtstart", event.starts_at)
        if event.ends_at is not None:
            vevent.add("dtend", event.ends_at)
    if event.latitude is not None:
        vevent.add("geo", (event.latitude, event.longitude))
    vevent.add("last-modified", event.updated_at)
    return vevent
