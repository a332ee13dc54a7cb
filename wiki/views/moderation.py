"""Moderation in the browser: the review queue, approving and rejecting, protection, licence changes,
blocks, rollback, roles.

The recipe pages call ``recipe_notices`` and ``history_notes`` for what moderation adds to them: the
"a newer version awaits review" banner, the reasons an author's edits were rejected, the protection in
force and the moderators' forms.
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from recipes import queries
from recipes.community.accounts import get_user
from recipes.community.policy import MINIMUM_ROLE, allowed, refusal, require, role_rank
from recipes.community.visibility import can_see_revision
from recipes.errors import LevainError
from recipes.history.diffing import diff_rows, hunks
from recipes.licences.rules import fork_licences
from recipes.lineage.proposals import list_proposals
from recipes.models import ROLES, Recipe, Revision
from recipes.moderation import blocks, protection, relicensing, review, rollback
from recipes.moderation.workload import workload

from ..api.common import checked_name, checked_slug, whole_number
from ..auth import current_domain_user
from ..db import get_session
from ..errors import STATUS_BY_CODE
from ..labels import error_message, label
from ..markdown import render_markdown
from .common import form_text, load_recipe

bp = Blueprint("moderation", __name__)

QUEUE_PAGE_SIZE = 100
DESK_PROPOSALS_SHOWN = 20
# The fields of the protect and block forms, shown again as typed when the action is refused.
PROTECT_FIELDS = ("level", "expires", "reason")
RELICENSE_FIELDS = ("licence", "reason")
BLOCK_FIELDS = ("expires", "reason")


def recipe_notices(recipe: Recipe, shown: Revision) -> dict:
    """What the recipe page shows about review and protection, for the person looking at it."""
    viewer = current_domain_user()
    head = recipe.head_revision
    return {
        "awaiting_review": head.status == "pending" and shown.id != head.id,
        "own_pending": shown.status == "pending",
        "rejections": review.rejections_for(get_session(), recipe, viewer),
        "protection": protection.protection_in_force(recipe),
        "can_review": allowed(viewer, "review", recipe) and head.status == "pending",
        "can_protect": allowed(viewer, "protect", recipe),
        "can_rollback": allowed(viewer, "rollback", recipe),
        "can_relicense": allowed(viewer, "relicense", recipe),
        "relicence_choices": fork_licences(recipe.licence),
        "head_author": head.author.name,
        "edit_refusal": _refusal_shown(viewer, recipe),
    }


def _refusal_shown(viewer, recipe: Recipe) -> str | None:
    """Why a logged-in person may not edit the recipe (blocked, protected), said before they try."""
    error = refusal(viewer, "edit", recipe) if viewer is not None else None
    return error_message(error) if error is not None else None


def history_notes(revisions: list[Revision]) -> dict:
    """Which revisions of a history page the viewer may open, and the decisions taken on them."""
    viewer = current_domain_user()
    return {
        "visible": {revision.id for revision in revisions if can_see_revision(viewer, revision)},
        "reviews": review.reviews_of(get_session(), revisions),
    }


@bp.app_context_processor
def moderation_menu() -> dict:
    """The menu entry of those who moderate: how much awaits them, counted only on their pages."""
    viewer = current_domain_user()
    if not allowed(viewer, "patrol"):
        return {"moderation_workload": None}
    return {"moderation_workload": workload(get_session(), viewer)}


@bp.get("/moderation")
def desk():
    """Show moderators what awaits them (edits to review, changes to patrol, proposals) and their tools."""
    viewer = current_domain_user()
    require(viewer, "patrol")
    work = workload(get_session(), viewer)
    return render_template(
        "moderation/desk.html",
        work=work,
        proposals=list_proposals(get_session(), status="open", limit=DESK_PROPOSALS_SHOWN)
        if work.open_proposals
        else [],
        can_read_audit=allowed(viewer, "read_audit"),
        can_block=allowed(viewer, "block"),
    )


@bp.get("/review")
def queue():
    """List the revisions awaiting review, oldest first."""
    items = review.review_queue(get_session(), current_domain_user(), limit=QUEUE_PAGE_SIZE)
    return render_template("moderation/queue.html", items=items)


@bp.get("/review/<slug>/<number>")
def review_page(slug: str, number: str):
    """Show a pending revision as the difference from the text readers see now, with approve and reject."""
    return _review_page(slug, number)


def _review_page(slug: str, number: str, error: str | None = None, reason: str = "", status: int = 200):
    recipe = load_recipe(slug)
    require(current_domain_user(), "review", recipe)
    session = get_session()
    revision = queries.get_revision(session, recipe, whole_number(number, "revision number"))
    published = recipe.published_revision
    old_text = queries.revision_content(session, published).text if published is not None else ""
    new_text = queries.revision_content(session, revision).text
    rows = diff_rows(old_text, new_text, timeout=current_app.config["DIFF_TIMEOUT"])
    page = render_template(
        "moderation/review.html",
        recipe=recipe,
        revision=revision,
        published=published,
        hunks=hunks(rows),
        error=error,
        reason=reason,
    )
    return page, status


@bp.post("/recipes/<slug>/revisions/<number>/approve")
def approve(slug: str, number: str):
    """Publish a pending revision and go back to the queue."""
    revision = review.approve_revision(
        get_session(),
        checked_slug(slug),
        whole_number(number, "revision number"),
        reviewer=current_domain_user(),
        seen_published=form_text("published_revision") or None,
    )
    flash(_("Revision %(number)s is published.", number=revision.number))
    return redirect(url_for(".queue"), 303)


@bp.post("/recipes/<slug>/revisions/<number>/reject")
def reject(slug: str, number: str):
    """Reject a pending revision with a reason; the review page again if that cannot be done."""
    reason = form_text("reason")
    try:
        rejection = review.reject_revision(
            get_session(),
            checked_slug(slug),
            whole_number(number, "revision number"),
            reviewer=current_domain_user(),
            reason=reason,
            render=render_markdown,
        )
    except LevainError as error:
        return _review_page(slug, number, error_message(error), reason, _refusal_status(error))
    flash(_("Revision %(number)s is rejected; its author is told why.", number=rejection.revision.number))
    return redirect(url_for(".queue"), 303)


def _refusal_status(error: LevainError) -> int:
    """The status of a form's page shown again with the error of its action.

    An error about the page itself (nobody logged in, nothing at that address) is not the form's: it
    propagates to the error page.
    """
    if error.code in ("unauthorized", "not_found"):
        raise error
    return STATUS_BY_CODE.get(error.code, 400)


@bp.get("/recipes/<slug>/protect")
def protect_page(slug: str):
    """Show the form that sets or lifts a recipe's protection."""
    return _protect_page(slug)


def _protect_page(slug: str, error: str | None = None, status: int = 200):
    recipe = load_recipe(slug)
    require(current_domain_user(), "protect", recipe)
    typed = {field: form_text(field) for field in PROTECT_FIELDS} if error else {}
    return render_template("moderation/protect.html", recipe=recipe, typed=typed, error=error), status


@bp.post("/recipes/<slug>/protect")
def protect(slug: str):
    """Set or lift a recipe's protection; its form again, with what was typed, if that cannot be done."""
    recipe = load_recipe(slug)
    try:
        protection.protect_recipe(
            get_session(),
            recipe.slug,
            moderator=current_domain_user(),
            level=form_text("level"),
            reason=form_text("reason"),
            expires=form_text("expires") or None,
        )
    except LevainError as error:
        return _protect_page(slug, error_message(error), _refusal_status(error))
    flash(_("The protection of this recipe is updated."))
    return redirect(url_for("recipes.show", slug=recipe.slug), 303)


@bp.get("/recipes/<slug>/licence")
def relicense_page(slug: str):
    """Show the form that changes a recipe's licence."""
    return _relicense_page(slug)


def _relicense_page(slug: str, error: str | None = None, status: int = 200):
    recipe = load_recipe(slug)
    require(current_domain_user(), "relicense", recipe)
    typed = {field: form_text(field) for field in RELICENSE_FIELDS} if error else {}
    return (
        render_template(
            "moderation/relicense.html",
            recipe=recipe,
            relicence_choices=fork_licences(recipe.licence),
            typed=typed,
            error=error,
        ),
        status,
    )


@bp.post("/recipes/<slug>/licence")
def relicense(slug: str):
    """Change a recipe's licence; its form again, with the licence rules' refusal, if they forbid it."""
    recipe = load_recipe(slug)
    try:
        relicensing.relicense_recipe(
            get_session(),
            recipe.slug,
            moderator=current_domain_user(),
            licence=form_text("licence"),
            reason=form_text("reason"),
        )
    except LevainError as error:
        return _relicense_page(slug, error_message(error), _refusal_status(error))
    flash(_("The licence of this recipe is updated."))
    return redirect(url_for("recipes.show", slug=recipe.slug), 303)


@bp.get("/recipes/<slug>/rollback")
def confirm_rollback_recipe(slug: str):
    """Show what rolling back a user's latest edits of the recipe would undo, with the button that does it."""
    session = get_session()
    plan = rollback.plan_rollback(
        session, checked_slug(slug), moderator=current_domain_user(), user_name=request.args.get("user", "")
    )
    return render_template("moderation/rollback.html", plan=plan, hunks=_undone(session, plan))


def _undone(session, plan: rollback.Plan) -> list:
    """The difference from the recipe's text now to the text a rollback brings back."""
    now = queries.revision_content(session, plan.run[0]).text
    restored = queries.revision_content(session, plan.restored).text
    return hunks(diff_rows(now, restored, timeout=current_app.config["DIFF_TIMEOUT"]))


@bp.post("/recipes/<slug>/rollback")
def rollback_recipe(slug: str):
    """Revert a user's latest consecutive edits of the recipe."""
    outcome = rollback.rollback_user(
        get_session(),
        checked_slug(slug),
        moderator=current_domain_user(),
        user_name=form_text("user"),
        render=render_markdown,
        summary=form_text("summary"),
    )
    flash(_("Rolled back: revision %(number)s restores the text.", number=outcome.revision.number))
    return redirect(url_for("recipes.history", slug=outcome.recipe.slug), 303)


@bp.get("/users/<name>/moderate")
def user_page(name: str):
    """Show an account's role and block, with the forms to block, unblock, roll back and change its role."""
    return _user_page(name)


def _user_page(name: str, error: str | None = None, status: int = 200):
    viewer = current_domain_user()
    require(viewer, "block")
    user = get_user(get_session(), checked_name(name))
    page = render_template(
        "moderation/user.html",
        user=user,
        block=blocks.block_in_force(user),
        roles=ROLES,
        can_change_role=allowed(viewer, "manage_users"),
        typed={field: form_text(field) for field in BLOCK_FIELDS} if error else {},
        error=error,
    )
    return page, status


@bp.post("/users/<name>/block")
def block(name: str):
    """Block an account; its page again, with what was typed, if that cannot be done."""
    try:
        blocks.block_user(
            get_session(),
            checked_name(name),
            moderator=current_domain_user(),
            reason=form_text("reason"),
            expires=form_text("expires") or None,
        )
    except LevainError as error:
        return _user_page(name, error_message(error), _refusal_status(error))
    flash(_("%(name)s is blocked.", name=name))
    return redirect(url_for(".user_page", name=name), 303)


@bp.post("/users/<name>/unblock")
def unblock(name: str):
    """Lift an account's block."""
    user = blocks.unblock_user(
        get_session(), checked_name(name), moderator=current_domain_user(), reason=form_text("reason")
    )
    flash(_("%(name)s is no longer blocked.", name=user.name))
    return redirect(url_for(".user_page", name=user.name), 303)


@bp.get("/users/<name>/rollback")
def confirm_rollback_user(name: str):
    """List the recipes whose latest edits by this account a rollback everywhere would undo."""
    plans = rollback.plan_everywhere(get_session(), checked_name(name), moderator=current_domain_user())
    return render_template("moderation/rollback_everywhere.html", name=name, plans=plans)


@bp.post("/users/<name>/rollback")
def rollback_user(name: str):
    """Roll back an account's latest edits of every recipe at once."""
    result = rollback.rollback_everywhere(
        get_session(), checked_name(name), moderator=current_domain_user(), render=render_markdown
    )
    flash(_("%(count)s recipe(s) rolled back.", count=len(result.rolled_back)))
    for slug, why in result.skipped.items():
        flash(f"{slug}: {error_message(why)}")
    return redirect(url_for(".user_page", name=name), 303)


@bp.post("/users/<name>/role")
def change_role(name: str):
    """Give an account another role (admins)."""
    user = blocks.change_role(
        get_session(), checked_name(name), form_text("role"), admin=current_domain_user()
    )
    flash(_("%(name)s is now %(role)s.", name=user.name, role=label("role", user.role)))
    return redirect(url_for(".user_page", name=user.name), 303)


@bp.get("/roles")
def roles():
    """Show who may do what, as the policy decides it."""
    table = [
        (action, [needed is None or role_rank(role) >= role_rank(needed) for role in ROLES])
        for action, needed in MINIMUM_ROLE.items()
    ]
    anonymous = {action for action, needed in MINIMUM_ROLE.items() if needed is None}
    return render_template(
        "moderation/roles.html",
        table=table,
        roles=ROLES,
        anonymous=anonymous,
        can_change_role=allowed(current_domain_user(), "manage_users"),
    )


@bp.post("/roles")
def change_role_by_name():
    """Give the account named in the form another role (admins), from the roles page."""
    user = blocks.change_role(
        get_session(), checked_name(form_text("name")), form_text("role"), admin=current_domain_user()
    )
    flash(_("%(name)s is now %(role)s.", name=user.name, role=label("role", user.role)))
    return redirect(url_for(".roles"), 303)
