"""What moderators send with an action, checked: the reason (told to the person concerned) and the expiry.

Each function returns the cleaned value or raises ``Invalid`` with a sentence for a person.
"""

from __future__ import annotations

from datetime import UTC, datetime

from recipes import validation
from recipes.errors import Invalid
from recipes.models import utcnow

MAX_REASON_LENGTH = 500


def clean_reason(reason: object) -> str:
    """A reason: required, one line, at most 500 characters."""
    if not isinstance(reason, str) or not validation.one_line(reason):
        raise Invalid("Give a reason: the person concerned is told it.")
    reason = validation.one_line(reason)
    if len(reason) > MAX_REASON_LENGTH:
        raise Invalid(f"A reason has at most {MAX_REASON_LENGTH} characters.")
    return reason


def clean_expiry(expires: object) -> datetime | None:
    """An expiry in the future, from ISO 8601 text ('2026-12-01', '2026-12-01T18:00+01:00'); None: never.

    A time without a timezone is taken as UTC.
    """
    if expires is None or expires == "":
        return None
    if isinstance(expires, str) and len(expires) <= 40:
        try:
            expires = datetime.fromisoformat(expires.strip())
        except ValueError:
            pass  # answered below, as any other value that is not a time
    if not isinstance(expires, datetime):
        raise Invalid("An expiry is a date and time like 2026-12-01T18:00+01:00.")
    moment = expires
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        moment = moment.astimezone(UTC)  # stored in UTC: 9999-12-31T23:59-12:00 is past the year 9999
    except OverflowError as error:
        raise Invalid("An expiry must be before the year 9999.") from error
    if moment <= utcnow():
        raise Invalid("The expiry is in the past: choose a later date, or none.")
    return moment
