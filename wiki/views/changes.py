"""Recent changes, patrol and the audit log in the browser; renaming, deleting and restoring recipes.

A renamed recipe's former address answers with a permanent redirect to the new one, for pages, the
API and feeds alike (``follow_renamed_recipe``): 301 for a page read, 308 otherwise (it keeps the
method and body of an API call).
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from recipes.community.policy import allowed, require
from recipes.community.regions import list_regions
from recipes.errors import Invalid, LevainError, NotFound
from recipes.journal import audit, changes
from recipes.journal.changes import CHANGE_TYPES, ChangeFilters
from recipes.models import Recipe
from recipes.moderation import renaming
from recipes.queries import get_recipe

from ..api.common import (
    checked_slug,
    is_plausible_name,
    is_plausible_slug,
    number_arg,
    slug_arg,
    whole_number,
)
from ..auth import current_domain_user, safe_next
from ..db import get_session
from ..errors import STATUS_BY_CODE, error_response
from ..markdown import render_markdown
from .common import form_text, load_recipe

bp = Blueprint("changes", __name__)

CHANGES_PAGE_SIZE = 50
FILTER_NAMES = ("region", "user", "recipe", "type", "unpatrolled")


def change_filters() -> ChangeFilters:
    """The filters of a request for recent changes (query parameters), checked by the domain."""
    user = request.args.get("user") or None
    if user is not None and not is_plausible_name(user):
        raise Invalid("The parameter 'user' is not a user name.")
    kind = request.args.get("type") or None
    if kind is not None and not is_plausible_name(kind):
        raise Invalid("The parameter 'type' is not a change type.")
    return changes.clean_filters(
        get_session(),
        region=slug_arg("region"),
        user=user,
        recipe=slug_arg("recipe"),
        type=kind,
        unpatrolled=request.args.get("unpatrolled"),
    )


@bp.app_errorhandler(NotFound)
def follow_renamed_recipe(error: NotFound):
    """Send a request for a renamed recipe's former slug to its present one; other misses are 404s.

    Only a recipe not found is looked up among former slugs: page views of live recipes pay nothing.
    """
    rule, slug = request.url_rule, (request.view_args or {}).get("slug")
    target = None
    if rule is not None and "/recipes/<" in rule.rule and is_plausible_slug(slug):
        target = renaming.redirect_target(get_session(), slug)
    if target is None:
        return error_response(error.code, error.message, error.details)
    # The query string is copied as it came, never passed to url_for as arguments: "_external",
    # "_anchor", "_scheme" or "_method" there would change the address or fail, even name another site.
    location = url_for(request.endpoint, **{**request.view_args, "slug": target})
    if request.query_string:
        location += "?" + request.query_string.decode("latin-1")
    status = 301 if request.method in ("GET", "HEAD") and not request.path.startswith("/api/") else 308
    return redirect(location, status)


@bp.get("/changes")
def recent_changes():
    """List recent changes, filtered by region, user, recipe, type or patrol; 50 to a page."""
    session, viewer = get_session(), current_domain_user()
    filters = change_filters()
    rows, next_cursor = changes.list_changes(
        session, viewer, filters, limit=CHANGES_PAGE_SIZE, before=number_arg("before")
    )
    shown_filters = {name: request.args.get(name) for name in FILTER_NAMES if request.args.get(name)}
    return render_template(
        "changes/changes.html",
        rows=rows,
        next_cursor=next_cursor,
        filters=filters,
        shown_filters=shown_filters,
        regions=list_regions(session),
        types=CHANGE_TYPES,
        can_patrol=allowed(viewer, "patrol"),
    )


@bp.post("/changes/<change_id>/patrol")
def patrol(change_id: str):
    """Mark a change as patrolled and go back to the list."""
    number = whole_number(change_id, "change id")
    changes.patrol_change(get_session(), number, user=current_domain_user())
    flash(_("Change %(number)s is marked as patrolled.", number=number))
    return redirect(safe_next(form_text("next"), url_for(".recent_changes")), 303)


@bp.get("/audit")
def audit_log():
    """Show the audit log of moderation actions (moderators)."""
    before = number_arg("before")
    entries, next_cursor = audit.list_audit(get_session(), current_domain_user(), limit=50, before=before)
    return render_template("changes/audit.html", entries=entries, next_cursor=next_cursor, before=before)


@bp.route("/recipes/<slug>/rename", methods=["GET", "POST"])
def rename(slug: str):
    """Show the rename form; give the recipe a new title and address."""
    recipe = load_recipe(slug)
    user = current_domain_user()
    require(user, "rename", recipe)
    form = {"title": recipe.title, "slug": ""}
    if request.method == "GET":
        return render_template("changes/rename.html", recipe=recipe, form=form)
    form = {"title": form_text("title"), "slug": form_text("slug")}
    try:
        renamed = renaming.rename_recipe(
            get_session(),
            recipe.slug,
            user=user,
            title=form["title"],
            new_slug=form["slug"],
            render=render_markdown,
        )
    except LevainError as error:
        page = render_template("changes/rename.html", recipe=recipe, form=form, error=error.message)
        return page, STATUS_BY_CODE.get(error.code, 400)
    flash(_("The recipe is renamed; its former address leads here."))
    return redirect(url_for("recipes.show", slug=renamed.slug), 303)


@bp.route("/recipes/<slug>/delete", methods=["GET", "POST"])
def delete(slug: str):
    """Show the deletion form; delete the recipe (soft: history kept, restorable)."""
    recipe = load_recipe(slug)
    user = current_domain_user()
    require(user, "delete", recipe)
    if request.method == "GET":
        return render_template("changes/delete.html", recipe=recipe, reason="")
    reason = form_text("reason")
    try:
        renaming.delete_recipe(get_session(), recipe.slug, user=user, reason=reason)
    except LevainError as error:
        page = render_template("changes/delete.html", recipe=recipe, reason=reason, error=error.message)
        return page, STATUS_BY_CODE.get(error.code, 400)
    flash(_("The recipe is deleted. A moderator can restore it from its address."))
    return redirect(url_for(".deleted", slug=recipe.slug), 303)


@bp.get("/recipes/<slug>/deleted")
def deleted(slug: str):
    """Show a deleted recipe's page for moderators, with a button to restore it."""
    recipe: Recipe = get_recipe(get_session(), checked_slug(slug), include_deleted=True)
    require(current_domain_user(), "delete", recipe)
    if recipe.deleted_at is None:
        return redirect(url_for("recipes.show", slug=recipe.slug))
    return render_template("changes/deleted.html", recipe=recipe)


@bp.post("/recipes/<slug>/restore")
def restore(slug: str):
    """Restore a deleted recipe."""
    recipe = renaming.restore_recipe(
        get_session(), checked_slug(slug), user=current_domain_user(), reason=form_text("reason")
    )
    flash(_("The recipe is restored."))
    return redirect(url_for("recipes.show", slug=recipe.slug), 303)
