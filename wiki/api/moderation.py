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
from ..markdown import render_markdown
from .common import acting_user, checked_name, checked_slug, whole_number
from .schemas.changes import ReasonRequest
from .schemas.moderation import (
    ApproveRequest,
    Block,
    BlockRequest,
    Decision,
    Protection,
    ProtectRequest,
    RejectRequest,
    ReviewQuery,
    ReviewQueue,
    RoleRequest,
    RollbackRequest,
    RolledBack,
    RolledBackEverywhere,
    SummaryRequest,
    UserRole,
)
from .serializers import conflict_dict, iso_time
from .spec import endpoint

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
@endpoint("moderation", {200: ReviewQueue}, query=ReviewQuery)
def review_queue(query: ReviewQuery):
    """List the revisions awaiting review, oldest first (moderators)."""
    items = review.review_queue(get_session(), current_domain_user(), limit=query.limit)
    return jsonify({"items": [queue_item(revision) for revision in items]})


@bp.post("/recipes/<slug>/revisions/<number>/approve")
@endpoint("moderation", {200: Decision}, body=ApproveRequest, writes=True, conflicts=True)
def approve(slug: str, number: str, body: ApproveRequest):
    """Publish a pending revision (and the pending ones before it)."""
    revision = review.approve_revision(
        get_session(),
        checked_slug(slug),
        whole_number(number, "revision number"),
        reviewer=acting_user(),
        seen_published=body.published_revision,
    )
    return jsonify({"status": revision.status, "revision": revision.number})


@bp.post("/recipes/<slug>/revisions/<number>/reject")
@endpoint("moderation", {200: Decision}, body=RejectRequest, writes=True, conflicts=True)
def reject(slug: str, number: str, body: RejectRequest):
    """Reject a pending revision with a reason, taking its change out of the head."""
    try:
        rejection = review.reject_revision(
            get_session(),
            checked_slug(slug),
            whole_number(number, "revision number"),
            reviewer=acting_user(),
            reason=body.reason,
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
@endpoint("moderation", {200: Protection}, body=ProtectRequest, writes=True)
def protect(slug: str, body: ProtectRequest):
    """Limit who may change a recipe (``level`` editor or moderator), or lift it (``none``)."""
    result = protection.protect_recipe(
        get_session(),
        checked_slug(slug),
        moderator=acting_user(),
        level=body.level,
        reason=body.reason,
        expires=body.expires,
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
@endpoint("moderation", {200: RolledBack}, body=RollbackRequest, writes=True, conflicts=True)
def rollback_recipe(slug: str, body: RollbackRequest):
    """Revert a user's latest consecutive edits of the recipe."""
    outcome = rollback.rollback_user(
        get_session(),
        checked_slug(slug),
        moderator=acting_user(),
        user_name=body.user,
        render=render_markdown,
        summary=body.summary,
    )
    return jsonify({"recipe": slug, "revision": outcome.revision.number, "status": outcome.revision.status})


@bp.post("/users/<name>/rollback")
@endpoint("moderation", {200: RolledBackEverywhere}, body=SummaryRequest, writes=True)
def rollback_user(name: str, body: SummaryRequest):
    """Revert a user's latest edits of every recipe whose newest revision is theirs."""
    result = rollback.rollback_everywhere(
        get_session(),
        checked_name(name),
        moderator=acting_user(),
        render=render_markdown,
        summary=body.summary,
    )
    done = [{"recipe": o.recipe.slug, "revision": o.revision.number} for o in result.rolled_back]
    return jsonify({"rolled_back": done, "skipped": result.skipped})


@bp.post("/users/<name>/block")
@endpoint("moderation", {200: Block}, body=BlockRequest, writes=True)
def block(name: str, body: BlockRequest):
    """Block an account, saying why, until ``expires`` or until unblocked."""
    result = blocks.block_user(
        get_session(),
        checked_name(name),
        moderator=acting_user(),
        reason=body.reason,
        expires=body.expires,
    )
    return jsonify(
        {"user": name, "blocked": True, "reason": result.reason, "expires": iso_time(result.expires_at)}
    )


@bp.post("/users/<name>/unblock")
@endpoint("moderation", {200: Block}, body=ReasonRequest, writes=True)
def unblock(name: str, body: ReasonRequest):
    """Lift an account's block."""
    user = blocks.unblock_user(get_session(), checked_name(name), moderator=acting_user(), reason=body.reason)
    return jsonify({"user": user.name, "blocked": False})


@bp.post("/users/<name>/role")
@endpoint("moderation", {200: UserRole}, body=RoleRequest, writes=True)
def change_role(name: str, body: RoleRequest):
    """Give an account another role (admins)."""
    user = blocks.change_role(get_session(), checked_name(name), body.role, admin=acting_user())
    return jsonify({"user": user.name, "role": user.role})
