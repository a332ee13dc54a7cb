"""The watchlist in the browser: watch and unwatch recipes and regions, see what changed there."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from recipes.community.policy import allowed
from recipes.events.finding import watched_events
from recipes.journal import watchlist

from ..api.common import checked_slug
from ..auth import current_domain_user, safe_next
from ..db import get_session
from .common import form_text

bp = Blueprint("watchlist", __name__)


@bp.app_context_processor
def watch_helpers() -> dict:
    """Template helpers: whether the visitor watches a recipe or region, and may take an action."""

    def is_watched(kind: str, thing) -> bool:
        return watchlist.is_watching(get_session(), current_domain_user(), **{kind: thing})

    def user_may(action: str, recipe=None) -> bool:
        return allowed(current_domain_user(), action, recipe)

    return {"is_watched": is_watched, "user_may": user_may}


# What can be watched, and the page each is shown on.
PAGE_OF_KIND = {"recipe": "recipes.show", "region": "forks.region"}


@bp.get("/watchlist")
def show():
    """Show what changed on the watched recipes and regions, marking what is new since the last visit,
    and their latest events."""
    session, viewer = get_session(), current_domain_user()
    page = watchlist.open_watchlist(session, viewer)
    events = watched_events(
        session, [recipe.id for recipe in page.recipes], [region.id for region in page.regions], viewer
    )
    return render_template("changes/watchlist.html", watchlist=page, events=events)


def _toggle(kind: str, slug: str, watching: bool):
    change = watchlist.watch if watching else watchlist.unwatch
    change(get_session(), current_domain_user(), kind, checked_slug(slug))
    flash(_("Added to your watchlist.") if watching else _("Removed from your watchlist."))
    back = url_for(PAGE_OF_KIND[kind], slug=slug)
    return redirect(safe_next(form_text("next"), back), 303)


@bp.post("/recipes/<slug>/watch")
def watch_recipe(slug: str):
    """Add a recipe to the watchlist."""
    return _toggle("recipe", slug, True)


@bp.post("/recipes/<slug>/unwatch")
def unwatch_recipe(slug: str):
    """Remove a recipe from the watchlist."""
    return _toggle("recipe", slug, False)


@bp.post("/regions/<slug>/watch")
def watch_region(slug: str):
    """Add a region to the watchlist."""
    return _toggle("region", slug, True)


@bp.post("/regions/<slug>/unwatch")
def unwatch_region(slug: str):
    """Remove a region from the watchlist."""
    return _toggle("region", slug, False)
