"""JSON API for moderation: the review queue, approving and rejecting, protection, blocks, rollback, roles.

What each user may do is decided by ``recipes.community.policy`` inside the domain functions; this
module reads the request and serialises the answer. Approving may send ``published_revision``, the
revision readers saw when the moderator compared: if it changed since, the approval is refused (409)
rather than made on a stale difference.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify

from recipes.errors import MergeConflict
from recipes.models import Revision
from recipes.moderation import blocks, protection, review, rollback

from ..auth import current_domain_user
from ..db import get_session
from ..labels import error_message
from ..markdown import render_markdown
from .common import (
    acting_user,
    checked_name,
    checked_slug,
    json_object,
    number_arg,
    optional_json,
    required,
    whole_number,
)
from .serializers import conflict_dict, iso_time

bp = Blueprint("api_moderation", __name__)


def queue_item(revision: Revision) -> dict[str, Any]:
    return {
        "recipe": revision.recipe.slug,
        "revision": revision.number,
        "author": revision.author.name,
        "summary": revision.summary,
        "created_at": iso_time(revision.created_at),
        "published_revision": revision.recipe.published_revision.number
        if revision.recipe.published_revision is not None
        else None,
    }


@bp.get("/review")
def review_queue():
    """List the revisions awaiting review, oldest first (moderators)."""
    items = review.review_queue(get_session(), current_domain_user(), limit=number_arg("limit"))
    return jsonify({"items": [queue_item(revision) for revision in items]})


@bp.post("/recipes/<slug>/revisions/<number>/approve")
def approve(slug: str, number: str):
    """Publish a pending revision (and the pending ones before it)."""
    reviewer = acting_user()
    data = optional_json()
    revision = review.approve_revision(
        get_session(),
        checked_slug(slug),
        whole_number(number, "revision number"),
        reviewer=reviewer,
        seen_published=data.get("published_revision"),
    )
    return jsonify({"status": revision.status, "revision": revision.number})


@bp.post("/recipes/<slug>/revisions/<number>/reject")
def reject(slug: str, number: str):
    """Reject a pending revision with a reason, taking its change out of the head."""
    reviewer = acting_user()
    data = json_object()
    try:
        rejection = review.reject_revision(
            get_session(),
            checked_slug(slug),
            whole_number(number, "revision number"),
            reviewer=reviewer,
            reason=required(data, "reason"),
            render=render_markdown,
        )
    except MergeConflict as conflict:
        conflict.details["conflicts"] = [conflict_dict(c) for c in conflict.details.get("conflicts", [])]
        raise
    undo = rejection.undo
    return jsonify(
        {
            "status": "rejected",
            "revision": rejection.revision.number,
            "head_revision": undo.number if undo is not None else None,
        }
    )


@bp.post("/recipes/<slug>/protect")
def protect(slug: str):
    """Limit who may change a recipe (``level`` editor or moderator), or lift it (``none``)."""
    moderator = acting_user()
    data = json_object()
    result = protection.protect_recipe(
        get_session(),
        checked_slug(slug),
        moderator=moderator,
        level=required(data, "level"),
        reason=data.get("reason"),
        expires=data.get("expires"),
    )
    if result is None:
        return jsonify({"recipe": slug, "level": "none"})
    return jsonify(
        {
            "recipe": slug,
            "level": result.level,
            "reason": result.reason,
            "expires": iso_time(result.expires_at),
        }
    )


@bp.post("/recipes/<slug>/rollback")
def rollback_recipe(slug: str):
    """Revert a user's latest consecutive edits of the recipe."""
    moderator = acting_user()
    data = json_object()
    outcome = rollback.rollback_user(
        get_session(),
        checked_slug(slug),
        moderator=moderator,
        user_name=required(data, "user"),
        render=render_markdown,
        summary=data.get("summary"),
    )
    return jsonify({"recipe": slug, "revision": outcome.revision.number, "status": outcome.revision.status})


@bp.post("/users/<name>/rollback")
def rollback_user(name: str):
    """Revert a user's latest edits of every recipe whose newest revision is theirs."""
    moderator = acting_user()
    data = optional_json()
    result = rollback.rollback_everywhere(
        get_session(),
        checked_name(name),
        moderator=moderator,
        render=render_markdown,
        summary=data.get("summary"),
    )
    done = [{"recipe": o.recipe.slug, "revision": o.revision.number} for o in result.rolled_back]
    skipped = {slug: error_message(why) for slug, why in result.skipped.items()}
    return jsonify({"rolled_back": done, "skipped": skipped})


@bp.post("/users/<name>/block")
def block(name: str):
    """Block an account, saying why, until ``expires`` or until unblocked."""
    moderator = acting_user()
    data = json_object()
    result = blocks.block_user(
        get_session(),
        checked_name(name),
        moderator=moderator,
        reason=data.get("reason"),
        expires=data.get("expires"),
    )
    return jsonify(
        {"user": name, "blocked": True, "reason": result.reason, "expires": iso_time(result.expires_at)}
    )


@bp.post("/users/<name>/unblock")
def unblock(name: str):
    """Lift an account's block."""
    moderator = acting_user()
    data = optional_json()
    user = blocks.unblock_user(
        get_session(), checked_name(name), moderator=moderator, reason=data.get("reason")
    )
    return jsonify({"user": user.name, "blocked": False})


@bp.post("/users/<name>/role")
def change_role(name: str):
    """Give an account another role (admins)."""
    admin = acting_user()
    data = json_object()
    user = blocks.change_role(get_session(), checked_name(name), required(data, "role"), admin=admin)
    return jsonify({"user": user.name, "role": user.role})
