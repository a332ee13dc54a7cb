"""Finding the way and choosing the language: the tag pages and the interface language switch.

The language is a choice the visitor makes with a POST form from any page (with its CSRF token, or from
a reader's page, which has none, checked by its origin: ``wiki.security``); it is kept in a cookie that
``wiki.i18n`` reads, and the visitor goes back to the page they were on.
"""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, url_for

from recipes.errors import Invalid
from recipes.search import discovery

from ..auth import safe_next
from ..db import get_session
from ..i18n import LANGUAGE_COOKIE, LANGUAGES
from .common import form_text

bp = Blueprint("pages", __name__)

# The choice is remembered for a year; choosing again renews it.
LANGUAGE_COOKIE_MAX_AGE = 365 * 24 * 3600


@bp.post("/language")
def language():
    """Remember the interface language chosen, then go back to the page it was chosen on."""
    chosen = form_text("language")
    if chosen not in LANGUAGES:
        raise Invalid(f"The interface language is one of {', '.join(LANGUAGES)}.")
    response = redirect(safe_next(form_text("next"), url_for("recipes.home")), 303)
    response.set_cookie(
        LANGUAGE_COOKIE,
        chosen,
        max_age=LANGUAGE_COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


@bp.get("/tags")
def tags():
    """List every tag in use, with how many recipes have it."""
    return render_template("tags/index.html", tags=discovery.tags_in_use(get_session()))


@bp.get("/tags/<tag>")
def tag(tag: str):
    """List the recipes with a tag, changed most recently first."""
    cleaned = discovery.clean_tag(tag)
    if cleaned != tag:  # /tags/Repair%20Café leads to the one page of the tag "repair café"
        return redirect(url_for(".tag", tag=cleaned), 301)
    recipes = discovery.tag_recipes(get_session(), cleaned)
    return render_template("tags/tag.html", tag=cleaned, recipes=recipes)
