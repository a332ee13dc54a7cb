"""Events in the browser: "We did it" on a recipe, an event's page and account, the agenda, the map, a series.

Every list is plain HTML first: the map (``static/js/map.js``, Leaflet) is drawn over it when scripts
and tiles are there, from the GeoJSON of the same filters. A form the domain refuses comes back with
what the person typed and a sentence saying why.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from recipes.community.policy import allowed, require
from recipes.community.regions import list_regions
from recipes.community.visibility import can_see_revision
from recipes.errors import LevainError
from recipes.events import finding, formats
from recipes.events.recording import (
    CHANGEABLE,
    approve_event,
    change_event,
    delete_event,
    get_event,
    record_event,
)
from recipes.events.series import get_series, list_series
from recipes.models import utcnow

from ..api.common import checked_slug, whole_number
from ..auth import current_domain_user
from ..db import get_session
from ..errors import STATUS_BY_CODE
from ..labels import error_message
from ..markdown import render_markdown
from ..security import limit_saves
from .common import form_text, load_recipe

bp = Blueprint("events", __name__)

# What the "We did it" form sends; the account of how it went is written afterwards.
EVENT_FIELDS = tuple(field for field in CHANGEABLE if field != "report")
AGENDA_SIZE = 100


def page_prefix() -> str:
    """The address of event pages, to which an event's id is added."""
    return url_for("events.show", event_id=0, _external=True)[:-1]


def map_settings() -> dict:
    return {"tiles": current_app.config["MAP_TILES"], "attribution": current_app.config["MAP_ATTRIBUTION"]}


def _form_choices() -> dict:
    session = get_session()
    return {"regions": list_regions(session), "all_series": list_series(session), "map": map_settings()}


def _event_id(value: str) -> int:
    return whole_number(value, "event")


def _submitted(fields=EVENT_FIELDS) -> dict:
    return {name: form_text(name) for name in fields if name in request.form}


@bp.route("/recipes/<slug>/events", methods=["GET", "POST"])
@limit_saves
def recipe_events(slug: str):
    """List the times a recipe (or its whole lineage) was done; record a new one ("We did it")."""
    recipe = load_recipe(slug)
    viewer = current_domain_user()
    form, error, status = {}, None, 200
    if request.method == "POST":
        form = _submitted()
        try:
            event = record_event(
                get_session(),
                recipe.slug,
                form,
                author=viewer,
                render=render_markdown,
                review_policy=current_app.config["REVIEW_POLICY"],
            )
        except LevainError as refused:
            error, status = error_message(refused), STATUS_BY_CODE.get(refused.code, 400)
        else:
            if event.status == "pending":
                flash(_("Your event was recorded; it will be shown once a moderator has reviewed it."))
            else:
                flash(_("Your event was recorded. Write how it went when you can."))
            return redirect(url_for(".show", event_id=event.id), 303)
    lineage = request.args.get("lineage") == "true"
    filters = finding.EventFilters(recipe=recipe.slug, lineage=lineage)
    events = finding.find_events(get_session(), filters, viewer, limit=AGENDA_SIZE).items
    page = render_template(
        "events/recipe.html",
        recipe=recipe,
        events=events,
        lineage=lineage,
        form=form,
        error=error,
        may_record=allowed(viewer, "record_event", recipe),
        geojson=url_for("api_events.events_geojson", recipe=recipe.slug, lineage="true" if lineage else None),
        **_form_choices(),
    )
    return page, status


@bp.get("/events/<event_id>")
def show(event_id: str):
    """Show an event: when, where, which revision was followed, and its account."""
    viewer = current_domain_user()
    event = get_event(get_session(), _event_id(event_id), viewer)
    may_change = viewer is not None and (viewer.id == event.author_id or allowed(viewer, "change_any_event"))
    may_delete = viewer is not None and (viewer.id == event.author_id or allowed(viewer, "delete_any_event"))
    may_approve = event.status == "pending" and allowed(viewer, "review") and viewer.id != event.author_id
    led_to = event.led_to_revision
    return render_template(
        "events/event.html",
        event=event,
        lesson_revision=led_to if led_to is not None and can_see_revision(viewer, led_to) else None,
        may_change=may_change,
        may_delete=may_delete,
        may_approve=may_approve,
        may_edit_recipe=allowed(viewer, "edit", event.recipe),
        map=map_settings(),
    )


@bp.route("/events/<event_id>/edit", methods=["GET", "POST"])
@limit_saves
def edit(event_id: str):
    """Change an event, and write its account: what worked, what to change."""
    session, viewer = get_session(), current_domain_user()
    require(viewer, "record_event")  # a visitor is asked to log in before anything is looked up
    event = get_event(session, _event_id(event_id), viewer)
    if request.method == "GET":
        return render_template(
            "events/edit.html", event=event, form=_fields_of(event), error=None, **_form_choices()
        )
    form = _submitted((*EVENT_FIELDS, "report"))
    try:
        change_event(session, event.id, form, user=viewer, render=render_markdown)
    except LevainError as refused:
        page = render_template(
            "events/edit.html",
            event=get_event(session, event.id, viewer),
            form=form,
            error=error_message(refused),
            **_form_choices(),
        )
        return page, STATUS_BY_CODE.get(refused.code, 400)
    flash(_("The event was saved."))
    return redirect(url_for(".show", event_id=event.id), 303)


def _fields_of(event) -> dict:
    """An event's fields as its form shows them."""
    return {
        "title": event.title,
        "starts_at": formats.when_text(event.starts_at, event.all_day),
        "ends_at": formats.when_text(event.ends_at, event.all_day) or "",
        "place": event.place,
        "latitude": "" if event.latitude is None else event.latitude,
        "longitude": "" if event.longitude is None else event.longitude,
        "region": event.region.slug if event.region else "",
        "series": event.series.slug if event.series else "",
        "participants": "" if event.participants is None else event.participants,
        "url": event.url or "",
        "revision": event.revision.number,
        "led_to_revision": event.led_to_revision.number if event.led_to_revision else "",
        "report": event.report,
    }


@bp.post("/events/<event_id>/approve")
def approve(event_id: str):
    """Approve an event that awaits review (moderators)."""
    require(current_domain_user(), "review")
    approve_event(get_session(), _event_id(event_id), user=current_domain_user())
    flash(_("The event is approved: everyone sees it now."))
    return redirect(url_for(".show", event_id=event_id), 303)


@bp.post("/events/<event_id>/delete")
def delete(event_id: str):
    """Delete an event (its author and moderators)."""
    require(current_domain_user(), "record_event")
    event = get_event(get_session(), _event_id(event_id), current_domain_user())
    slug = event.recipe.slug
    delete_event(get_session(), event.id, user=current_domain_user())
    flash(_("The event was deleted."))
    return redirect(url_for(".recipe_events", slug=slug), 303)


def _agenda_filters() -> finding.EventFilters:
    return finding.clean_filters(request.args)


@bp.get("/events")
def agenda():
    """The agenda: events to come and past events, filtered by region, recipe, series or dates, with a map."""
    filters = _agenda_filters()
    events = finding.all_events(get_session(), filters, current_domain_user())
    today = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    upcoming = [e for e in events if (e.ends_at or e.starts_at) >= today]
    past = [e for e in reversed(events) if (e.ends_at or e.starts_at) < today][:AGENDA_SIZE]
    return render_template(
        "events/agenda.html",
        upcoming=upcoming[:AGENDA_SIZE],
        past=past,
        args=request.args,
        geojson=url_for("api_events.events_geojson", **request.args),
        ics=url_for(".calendar", **request.args),
        **_form_choices(),
    )


@bp.get("/map")
def map_page():
    """Every event and region with coordinates on one map, narrowed by recipe lineage or series."""
    session = get_session()
    filters = _agenda_filters()
    placed = [region for region in list_regions(session) if region.latitude is not None]
    events = finding.all_events(session, filters, current_domain_user())[:AGENDA_SIZE]
    return render_template(
        "events/map.html",
        events=events,
        placed_regions=placed,
        args=request.args,
        geojson=url_for("api_events.events_geojson", **request.args),
        **_form_choices(),
    )


@bp.get("/series/<slug>")
def series(slug: str):
    """A series: an archipelago of events across towns, on a map and as a calendar."""
    found = get_series(get_session(), checked_slug(slug))
    filters = finding.EventFilters(series=found.slug)
    events = finding.all_events(get_session(), filters, current_domain_user())
    return render_template(
        "events/series.html",
        series=found,
        events=events,
        map=map_settings(),
        geojson=url_for("api_events.events_geojson", series=found.slug),
        ics=url_for(".calendar", series=found.slug),
    )


@bp.get("/events.ics")
def calendar():
    """The events of the filters as iCalendar, for any calendar application."""
    events = finding.all_events(get_session(), _agenda_filters(), None)
    body = formats.calendar(
        events, page_prefix=page_prefix(), domain=request.host.split(":")[0], name=_("Levain events")
    )
    return Response(
        body, mimetype="text/calendar", headers={"Content-Disposition": "inline; filename=events.ics"}
    )
