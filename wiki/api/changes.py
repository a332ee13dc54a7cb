"""JSON API for recent changes, patrol, the audit log, renaming and deleting recipes.

``GET /changes`` lists what the asker may see (pending or rejected revisions only to moderators and
their author, deleted recipes only to moderators), newest first, keyset-paged by change id.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, url_for

from recipes.journal import audit, changes
from recipes.journal.changes import ChangeRow
from recipes.models import AuditEntry
from recipes.moderation import renaming

from ..auth import current_domain_user
from ..db import get_session
from ..markdown import render_markdown
from .common import acting_user, checked_slug, whole_number
from .schemas.changes import (
    AuditPage,
    AuditQuery,
    ChangePage,
    ChangeQuery,
    Moved,
    Patrolled,
    ReasonRequest,
    RenameRequest,
)
from .serializers import iso_time
from .spec import endpoint

bp = Blueprint("api_changes", __name__)


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
@endpoint("changes", {200: ChangePage}, query=ChangeQuery)
def list_changes(query: ChangeQuery):
    """List recent changes, newest first; ``before`` is the ``next`` cursor of the previous page."""
    session = get_session()
    filters = changes.clean_filters(
        session,
        region=query.region,
        user=query.user,
        recipe=query.recipe,
        type=query.type,
        unpatrolled=query.unpatrolled,
    )
    rows, next_cursor = changes.list_changes(
        session, current_domain_user(), filters, limit=query.limit, before=query.before
    )
    return jsonify({"items": [change_dict(row) for row in rows], "next": next_cursor})


@bp.post("/changes/<change_id>/patrol")
@endpoint("changes", {200: Patrolled}, writes=True)
def patrol(change_id: str):
    """Mark a change as patrolled (checked by someone trusted)."""
    number = whole_number(change_id, "change id")
    changes.patrol_change(get_session(), number, user=acting_user())
    return jsonify({"id": number, "patrolled": True})


@bp.get("/audit")
@endpoint("changes", {200: AuditPage}, query=AuditQuery)
def list_audit(query: AuditQuery):
    """The audit log of moderation actions, newest first (moderators)."""
    entries, next_cursor = audit.list_audit(
        get_session(), current_domain_user(), limit=query.limit, before=query.before
    )
    return jsonify({"items": [audit_dict(entry) for entry in entries], "next": next_cursor})


@bp.post("/recipes/<slug>/rename")
@endpoint("changes", {200: Moved}, body=RenameRequest, writes=True, conflicts=True)
def rename(slug: str, body: RenameRequest):
    """Give a recipe a new title and slug; the old address redirects to the new one."""
    recipe = renaming.rename_recipe(
        get_session(),
        checked_slug(slug),
        user=acting_user(),
        title=body.title,
        new_slug=body.slug,
        render=render_markdown,
    )
    response = jsonify({"slug": recipe.slug, "title": recipe.title, "renamed_from": slug})
    response.headers["Location"] = url_for("api_recipes.get_recipe", slug=recipe.slug)
    return response


@bp.post("/recipes/<slug>/delete")
@endpoint("changes", {200: Moved}, body=ReasonRequest, writes=True, conflicts=True)
def delete(slug: str, body: ReasonRequest):
    """Delete a recipe (soft: hidden from readers, history kept, restorable)."""
    recipe = renaming.delete_recipe(get_session(), checked_slug(slug), user=acting_user(), reason=body.reason)
    return jsonify({"slug": recipe.slug, "deleted": True})


@bp.post("/recipes/<slug>/restore")
@endpoint("changes", {200: Moved}, body=ReasonRequest, writes=True, conflicts=True)
def restore(slug: str, body: ReasonRequest):
    """Restore a deleted recipe."""
    recipe = renaming.restore_recipe(
        get_session(), checked_slug(slug), user=acting_user(), reason=body.reason
    )
    return jsonify({"slug": recipe.slug, "deleted": False})
