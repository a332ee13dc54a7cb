"""JSON API for recent changes, patrol, the audit log, renaming and deleting recipes.

``GET /changes`` lists what the asker may see (pending or rejected revisions only to moderators and
their author, deleted recipes only to moderators), newest first, keyset-paged by change id.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request, url_for

from recipes.errors import Invalid
from recipes.journal import audit, changes
from recipes.journal.changes import ChangeFilters, ChangeRow
from recipes.models import AuditEntry
from recipes.moderation import renaming

from ..auth import current_domain_user
from ..db import get_session
from ..markdown import render_markdown
from .common import (
    acting_user,
    checked_slug,
    is_plausible_name,
    json_object,
    number_arg,
    optional_json,
    required,
    slug_arg,
    whole_number,
)
from .serializers import iso_time

bp = Blueprint("api_changes", __name__)


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


def change_dict(row: ChangeRow) -> dict:
    change = row.change
    return {
        "id": change.id,
        "type": change.type,
        "recipe": change.recipe.slug if change.recipe is not None else None,
        "revision": change.revision.number if change.revision is not None else None,
        "user": change.user.name if change.user is not None else None,
        "summary": change.summary,
        "at": iso_time(change.created_at),
        "patrolled": row.patrolled,
        "size_delta": row.size_delta,
        "target_user": change.target_user.name if change.target_user is not None else None,
    }


def audit_dict(entry: AuditEntry) -> dict:
    return {
        "id": entry.id,
        "action": entry.action,
        "actor": entry.actor.name if entry.actor is not None else None,
        "recipe": entry.recipe.slug if entry.recipe is not None else None,
        "target_user": entry.target_user.name if entry.target_user is not None else None,
        "summary": entry.summary,
        "reason": entry.reason,
        "at": iso_time(entry.created_at),
    }


@bp.get("/changes")
def list_changes():
    """List recent changes, newest first; ``before`` is the ``next`` cursor of the previous page."""
    rows, next_cursor = changes.list_changes(
        get_session(),
        current_domain_user(),
        change_filters(),
        limit=number_arg("limit"),
        before=number_arg("before"),
    )
    return jsonify({"items": [change_dict(row) for row in rows], "next": next_cursor})


@bp.post("/changes/<change_id>/patrol")
def patrol(change_id: str):
    """Mark a change as patrolled (checked by someone trusted)."""
    user = acting_user()
    changes.patrol_change(get_session(), whole_number(change_id, "change id"), user=user)
    return jsonify({"id": int(change_id), "patrolled": True})


@bp.get("/audit")
def list_audit():
    """The audit log of moderation actions, newest first (moderators)."""
    entries, next_cursor = audit.list_audit(
        get_session(), current_domain_user(), limit=number_arg("limit"), before=number_arg("before")
    )
    return jsonify({"items": [audit_dict(entry) for entry in entries], "next": next_cursor})


@bp.post("/recipes/<slug>/rename")
def rename(slug: str):
    """Give a recipe a new title and slug; the old address redirects to the new one."""
    user = acting_user()
    data = json_object()
    recipe = renaming.rename_recipe(
        get_session(),
        checked_slug(slug),
        user=user,
        title=required(data, "title"),
        new_slug=data.get("slug"),
        render=render_markdown,
    )
    response = jsonify({"slug": recipe.slug, "title": recipe.title, "renamed_from": slug})
    response.headers["Location"] = url_for("api_recipes.get_recipe", slug=recipe.slug)
    return response


@bp.post("/recipes/<slug>/delete")
def delete(slug: str):
    """Delete a recipe (soft: hidden from readers, history kept, restorable)."""
    user = acting_user()
    data = json_object()
    recipe = renaming.delete_recipe(get_session(), checked_slug(slug), user=user, reason=data.get("reason"))
    return jsonify({"slug": recipe.slug, "deleted": True})


@bp.post("/recipes/<slug>/restore")
def restore(slug: str):
    """Restore a deleted recipe."""
    user = acting_user()
    data = optional_json()
    recipe = renaming.restore_recipe(get_session(), checked_slug(slug), user=user, reason=data.get("reason"))
    return jsonify({"slug": recipe.slug, "deleted": False})
