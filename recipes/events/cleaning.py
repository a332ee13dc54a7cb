"""Checks on what people send about an event: dates, points, counts, links, places.

Each function returns the cleaned value or raises ``Invalid`` with a sentence for a person. A day
(``2026-05-14``) is a whole-day event, kept as midnight UTC; a moment must say its timezone.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time

from recipes.errors import N_, Invalid, Label
from recipes.validation import one_line

MAX_PLACE_LENGTH = 200
MAX_URL_LENGTH = 500
MAX_PARTICIPANTS = 10_000_000
MAX_REPORT_LENGTH = 200_000
MAX_DESCRIPTION_LENGTH = 20_000
# The longest ISO 8601 text worth parsing ("2026-05-14T18:30:00.000000+02:00" and a little more).
MAX_MOMENT_LENGTH = 40


def moment(value: object, what: str) -> tuple[datetime, bool]:
    """A day or a moment with a timezone, as (UTC datetime, whether it is a whole day)."""
    if isinstance(value, datetime):
        parsed: date | datetime = value
    elif isinstance(value, date):
        parsed = value
    elif isinstance(value, str) and 0 < len(value.strip()) <= MAX_MOMENT_LENGTH:
        parsed = _parse_iso(value.strip(), what)
    else:
        raise Invalid(
            "The {what} must be a date (2026-05-14) or a date and time with a timezone.",
            values={"what": Label("phrase", what)},
        )
    if not isinstance(parsed, datetime):
        return datetime.combine(parsed, time(), tzinfo=UTC), True
    if parsed.tzinfo is None:
        raise Invalid(
            "The {what} needs a timezone, such as 2026-05-14T18:30:00+02:00.",
            values={"what": Label("phrase", what)},
        )
    return parsed.astimezone(UTC), False


def _parse_iso(text: str, what: str) -> date | datetime:
    try:
        return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
    except ValueError as error:
        raise Invalid(
            "The {what} {text!r} is not a date (2026-05-14) or a date and time with a timezone.",
            values={"what": Label("phrase", what), "text": text},
        ) from error


def day(value: object, what: str) -> date:
    """A calendar day, from a date or its ISO text."""
    when, whole_day = moment(value, what)
    if not whole_day:
        raise Invalid(
            "The {what} must be a date, such as 2026-05-14.", values={"what": Label("phrase", what)}
        )
    return when.date()


def coordinate(value: object, what: str, limit: float) -> float | None:
    """A latitude (limit 90) or longitude (limit 180) in degrees, or None when absent."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and len(value) <= 30:
        try:
            value = float(value.strip().replace(",", "."))
        except ValueError:
            pass
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise Invalid("The {what} must be a number of degrees.", values={"what": Label("phrase", what)})
    if not -limit <= value <= limit:
        raise Invalid(
            "The {what} must be between -{limit} and {limit} degrees.",
            values={"what": Label("phrase", what), "limit": int(limit)},
        )
    return float(value)


def point(latitude: object, longitude: object) -> tuple[float | None, float | None]:
    """A point on the map: both coordinates, or neither."""
    lat, lon = coordinate(latitude, N_("latitude"), 90), coordinate(longitude, N_("longitude"), 180)
    if (lat is None) != (lon is None):
        raise Invalid("A point on the map needs both a latitude and a longitude.")
    return lat, lon


def place(value: object) -> str:
    if not isinstance(value, str) or not one_line(value):
        raise Invalid("An event needs a place, such as a town or an address.")
    value = one_line(value)
    if len(value) > MAX_PLACE_LENGTH:
        raise Invalid("A place has at most {limit} characters.", values={"limit": MAX_PLACE_LENGTH})
    return value


def participants(value: object) -> int | None:
    """How many people took part, or None when nobody counted."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) < 12:
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_PARTICIPANTS:
        raise Invalid("The number of participants must be a whole number from 0.")
    return value


def link(value: object) -> str | None:
    """A web address (http or https), or None."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise Invalid("A link must be a web address starting with https:// or http://.")
    value = value.strip()
    if (
        not value.lower().startswith(("https://", "http://"))
        or len(value) <= len("https://")
        or not value.isprintable()
        or " " in value
    ):
        raise Invalid("A link must be a web address starting with https:// or http://.")
    if len(value) > MAX_URL_LENGTH:
        raise Invalid("A link has at most {limit} characters.", values={"limit": MAX_URL_LENGTH})
    return value


def long_text(value: object, what: str, limit: int) -> str:
    """Markdown text (an account, a description), line endings made LF."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Invalid("The {what} must be a text.", values={"what": Label("phrase", what)})
    if len(value) > limit:
        raise Invalid(
            "The {what} has at most {limit} characters.",
            values={"what": Label("phrase", what), "limit": limit},
        )
    return value.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
