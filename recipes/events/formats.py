"""Events in the formats other tools read: GeoJSON (RFC 7946) for maps, iCalendar (RFC 5545) for calendars.

Both take the address of an event's page as a prefix (``…/events/``) to which the id is added: the
map reads ten thousand events at once, so nothing is looked up per event.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

import icalendar

from recipes.events.models import Event


def when_text(moment: datetime | None, all_day: bool) -> str | None:
    """An event's start or end as the API gives it: a date for a whole day, else ISO 8601 in UTC."""
    if moment is None:
        return None
    return moment.date().isoformat() if all_day else moment.isoformat()


def feature_collection(rows: Iterable, page_prefix: str) -> dict:
    """A GeoJSON FeatureCollection of rows from ``finding.mapped_rows``: one Point per event."""
    features = [
        {
            "type": "Feature",
            "id": event_id,
            "geometry": {"type": "Point", "coordinates": [longitude, latitude]},
            "properties": {
                "id": event_id,
                "title": title,
                "recipe": recipe,
                "region": region,
                "starts_at": starts_at.date().isoformat() if all_day else starts_at.isoformat(),
                "url": f"{page_prefix}{event_id}",
            },
        }
        for event_id, title, latitude, longitude, starts_at, all_day, recipe, region in rows
    ]
    return {"type": "FeatureCollection", "features": features}


def calendar(events: Iterable[Event], *, page_prefix: str, domain: str, name: str) -> bytes:
    """An iCalendar of the events; each ``UID`` stays the same whatever changes in the event."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Levain//Events//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    for event in events:
        cal.add_component(_vevent(event, page_prefix, domain))
    return cal.to_ical()


def _vevent(event: Event, page_prefix: str, domain: str) -> icalendar.Event:
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
