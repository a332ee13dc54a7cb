"""Recording, changing and deleting events, and reading one.

``record_event`` and ``change_event`` take the fields as people send them (a JSON object, a form) and
clean them here, so that the API and the pages refuse the same things with the same sentences. Each
change goes to recent changes and the audit log in the same transaction. An event by an account whose
edits wait for review waits too (``status`` pending): only its author and editors see it until then.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from recipes.community.policy import allowed, must_wait_for_review, require
from recipes.database import write_transaction
from recipes.errors import N_, Forbidden, Invalid, NotFound
from recipes.events import cleaning
from recipes.history.editing import region_by_slug
from recipes.journal.audit import record_audit
from recipes.journal.changes import record_change
from recipes.models import Event, EventSeries, Recipe, SearchOutbox, User, utcnow
from recipes.queries import get_recipe, get_revision
from recipes.validation import clean_revision_number, clean_title

Renderer = Callable[[str], str]
# The fields a change may set; anything else sent is ignored, as elsewhere in the API.
CHANGEABLE = (
    "title",
    "starts_at",
    "ends_at",
    "place",
    "latitude",
    "longitude",
    "region",
    "series",
    "participants",
    "url",
    "revision",
    "led_to_revision",
    "report",
)

EVENT_WITH_RELATIONS = select(Event).options(
    joinedload(Event.recipe),
    joinedload(Event.revision),
    joinedload(Event.led_to_revision),
    joinedload(Event.author),
    joinedload(Event.region),
    joinedload(Event.series),
)


def can_see_event(viewer: User | None, event: Event) -> bool:
    if event.status == "approved":
        return True
    return viewer is not None and (viewer.id == event.author_id or allowed(viewer, "see_pending"))


def get_event(session: Session, event_id: int, viewer: User | None = None) -> Event:
    """The event with this id, as ``viewer`` may see it."""
    event = session.scalar(EVENT_WITH_RELATIONS.where(Event.id == event_id))
    if event is None or event.recipe.deleted_at is not None or not can_see_event(viewer, event):
        raise NotFound("There is no event {id}.", values={"id": event_id})
    return event


def series_by_slug(session: Session, slug: object) -> EventSeries | None:
    """The series a request names, None when it names none; an unknown one is invalid input."""
    if slug in (None, ""):
        return None
    found = (
        session.scalar(select(EventSeries).where(EventSeries.slug == slug)) if isinstance(slug, str) else None
    )
    if found is None:
        raise Invalid("There is no series {slug!r}.", values={"slug": slug})
    return found


def record_event(
    session: Session,
    slug: str,
    data: Mapping[str, Any],
    *,
    author: User,
    render: Renderer,
    review_policy: str = "none",
) -> Event:
    """Record that the recipe at ``slug`` was done: when, where, following which revision."""
    with write_transaction(session):
        recipe = get_recipe(session, slug)
        require(author, "record_event", recipe)
        event = Event(recipe=recipe, author=author, report="", report_html="")
        _apply(session, event, {"revision": None, **data}, render, creating=True)
        pending = must_wait_for_review(author, "edit", recipe, review_policy)
        event.status = "pending" if pending else "approved"
        session.add(event)
        session.flush()
        _journal(session, event, "event", author)
        session.add(SearchOutbox(recipe_id=recipe.id))  # its account is part of the recipe's document
    return event


def change_event(
    session: Session,
    event_id: int,
    data: Mapping[str, Any],
    *,
    user: User,
    render: Renderer,
) -> Event:
    """Change the fields sent (and the account, ``report``); its author, editors and above."""
    with write_transaction(session):
        event = get_event(session, event_id, user)
        if user.id != event.author_id:
            require(user, "change_any_event", event.recipe)
        else:
            require(user, "record_event", event.recipe)
        _apply(session, event, {k: v for k, v in data.items() if k in CHANGEABLE}, render, creating=False)
        event.updated_at = utcnow()
        _journal(session, event, "event_edit", user)
        session.add(SearchOutbox(recipe_id=event.recipe_id))
    return event


def delete_event(session: Session, event_id: int, *, user: User) -> None:
    """Delete an event; its author and moderators."""
    with write_transaction(session):
        event = get_event(session, event_id, user)
        if user.id != event.author_id:
            require(user, "delete_any_event", event.recipe)
        else:
            require(user, "record_event", event.recipe)
        _journal(session, event, "event_delete", user)
        session.add(SearchOutbox(recipe_id=event.recipe_id))
        session.delete(event)


def record_lesson(session: Session, event_id: int, number: int, *, user: User) -> Event:
    """Record that an edit made from the event's account saved revision ``number`` of its recipe:
    the event then links to what it taught. Whoever may edit the recipe, as they saved that edit."""
    with write_transaction(session):
        event = get_event(session, event_id, user)
        require(user, "edit", event.recipe)
        event.led_to_revision = _numbered(session, event.recipe, number)
        event.updated_at = utcnow()
        _journal(session, event, "event_edit", user)
    return event


def approve_event(session: Session, event_id: int, *, user: User) -> Event:
    """Show a pending event to everyone (moderators; never their own, as with revisions)."""
    with write_transaction(session):
        require(user, "review")  # first: a refused (a blocked) moderator may not see pending events
        event = get_event(session, event_id, user)
        if event.author_id == user.id:
            raise Forbidden("A moderator does not approve their own event.")
        if event.status != "pending":
            raise Invalid("This event does not await review.")
        event.status = "approved"
        record_change(session, type="event_approve", user=user, recipe=event.recipe, summary=_summary(event))
        session.add(SearchOutbox(recipe_id=event.recipe_id))
    return event


def _journal(session: Session, event: Event, type: str, user: User) -> None:
    """Note what happened to an event: in recent changes (and the audit log) once readers may see the
    event; in the audit log alone while it awaits review, so that its title and place do not show."""
    if event.status == "pending":
        record_audit(session, action=type, actor=user, recipe=event.recipe, summary=_summary(event))
    else:
        record_change(session, type=type, user=user, recipe=event.recipe, summary=_summary(event))


def _summary(event: Event) -> str:
    return f"{event.title} ({event.place}, {event.starts_at:%Y-%m-%d})"


def _apply(
    session: Session, event: Event, data: Mapping[str, Any], render: Renderer, *, creating: bool
) -> None:
    """Clean the fields sent and set them on the event; nothing is set unless all are good."""
    if creating or "starts_at" in data:
        starts_at, all_day = cleaning.moment(data.get("starts_at"), N_("start"))
        event.starts_at, event.all_day = starts_at, all_day
    if creating or "ends_at" in data:
        event.ends_at = _end(data.get("ends_at"), event.all_day)
    if event.ends_at is not None and event.ends_at < event.starts_at:
        raise Invalid("The end of an event comes after its start.")
    if creating or "place" in data:
        event.place = cleaning.place(data.get("place"))
    if creating or "latitude" in data or "longitude" in data:
        event.latitude, event.longitude = cleaning.point(
            data.get("latitude", event.latitude), data.get("longitude", event.longitude)
        )
    if "region" in data or creating:
        region = data.get("region")
        if region is not None and not isinstance(region, str):
            raise Invalid("The field 'region' must be a slug, like 'pays-de-brest'.")
        event.region = region_by_slug(session, region)
    if "series" in data or creating:
        event.series = series_by_slug(session, data.get("series"))
    if "participants" in data or creating:
        event.participants = cleaning.participants(data.get("participants"))
    if "url" in data or creating:
        event.url = cleaning.link(data.get("url"))
    if "revision" in data:
        event.revision = _followed(session, event.recipe, data["revision"])
    if "led_to_revision" in data:
        number = data["led_to_revision"]
        event.led_to_revision = None if number in (None, "") else _numbered(session, event.recipe, number)
    if "title" in data or creating:
        title = data.get("title")
        event.title = (
            clean_title(title) if title not in (None, "") else f"{event.recipe.title}, {event.place}"
        )
    if "report" in data:
        event.report = cleaning.long_text(data["report"], N_("account"), cleaning.MAX_REPORT_LENGTH)
        event.report_html = render(event.report) if event.report.strip() else ""


def _end(value: object, all_day: bool):
    """The end of an event, of the same kind as its start (days with days); None when not given."""
    if value in (None, ""):
        return None
    ends_at, whole_day = cleaning.moment(value, N_("end"))
    if whole_day != all_day:
        raise Invalid("The start and the end of an event are both dates, or both dates and times.")
    return ends_at


def _followed(session: Session, recipe: Recipe, number: object):
    """The revision followed: the one named, or the revision readers see (the head) by default."""
    if number in (None, ""):
        return recipe.published_revision or recipe.head_revision
    return _numbered(session, recipe, number)


def _numbered(session: Session, recipe: Recipe, number: object):
    """The recipe's revision of that number; another is invalid input."""
    number = clean_revision_number(number)
    try:
        return get_revision(session, recipe, number)
    except NotFound as error:
        raise Invalid(
            "The recipe {slug!r} has no revision {number}.", values={"slug": recipe.slug, "number": number}
        ) from error
