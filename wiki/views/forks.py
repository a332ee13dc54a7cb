"""Regions, forks, lineage, sync, compare and proposals in the browser.

A form the domain refuses comes back with what the person typed (their resolutions of a merge, their
comment) and a sentence saying why, with a 4xx status. A merge with conflicts shows each one with its
base, ours and theirs, and a text box, prefilled with ours, where the person writes what to keep.
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from recipes.community.policy import allowed, require
from recipes.community.regions import list_regions
from recipes.errors import (
    EditConflict,
    Forbidden,
    Invalid,
    LevainError,
    LicenceConflict,
    MergeConflict,
    TooLarge,
)
from recipes.events.finding import events_done_by_recipe
from recipes.history.diffing import diff_rows, hunks
from recipes.licences.rules import fork_licences
from recipes.lineage import forks, proposals, sync
from recipes.lineage import tree as lineage
from recipes.search import discovery

from ..api.common import checked_slug, whole_number
from ..auth import current_domain_user, safe_next
from ..db import get_session
from ..errors import STATUS_BY_CODE
from ..labels import error_message
from ..markdown import render_markdown
from ..security import limit_comments, limit_region_creation, limit_saves
from .common import form_text, load_recipe, revision_arg

bp = Blueprint("forks", __name__)

FORK_FIELDS = ("region", "title", "slug", "licence")
# Refusals a form answers on its own page, with what was typed; a visitor asked to log in goes to the
# login page, and a missing recipe or proposal gets the 404 page.
FORM_REFUSALS = (Invalid, Forbidden, TooLarge, EditConflict, MergeConflict, LicenceConflict)


def _status(error: LevainError) -> int:
    return STATUS_BY_CODE.get(error.code, 400)


def _hunks(old: str, new: str) -> list:
    return hunks(diff_rows(old, new, timeout=current_app.config["DIFF_TIMEOUT"]))


def _number(name: str, what: str) -> int | None:
    """An optional revision number from the posted form."""
    value = form_text(name).strip()
    return whole_number(value, what) if value else None


@bp.route("/recipes/<slug>/fork", methods=["GET", "POST"])
@limit_saves
def fork(slug: str):
    """Show the form that forks a recipe into a region; fork it."""
    recipe = load_recipe(slug)
    form = {name: form_text(name) for name in FORK_FIELDS}
    if request.method == "GET":
        require(current_domain_user(), "fork", recipe)
        return _fork_page(recipe, {"region": request.args.get("region", "")})
    try:
        outcome = forks.fork_recipe(
            get_session(),
            recipe.slug,
            author=current_domain_user(),
            region=form["region"],
            render=render_markdown,
            title=form["title"] or None,
            new_slug=form["slug"] or None,
            licence=form["licence"] or None,
        )
    except FORM_REFUSALS as error:
        return _fork_page(recipe, form, error=error_message(error)), _status(error)
    flash(_("Your variant is ready: adapt it to your region."))
    return redirect(url_for("recipes.show", slug=outcome.recipe.slug), 303)


def _fork_page(recipe, form: dict, error: str | None = None) -> str:
    regions = list_regions(get_session())
    choices = fork_licences(recipe.licence)
    return render_template(
        "forks/fork.html", recipe=recipe, regions=regions, form=form, error=error, licence_choices=choices
    )


@bp.get("/regions")
def regions():
    """List the regions."""
    return render_template("forks/regions.html", regions=list_regions(get_session()))


@bp.post("/regions")
@limit_region_creation
def add_region():
    """Create a region, then go back where the form was (the fork form, usually)."""
    back = safe_next(form_text("next"), url_for(".regions"))
    try:
        region = forks.add_region(get_session(), author=current_domain_user(), name=form_text("name"))
    except FORM_REFUSALS as error:
        flash(error_message(error))
        return redirect(back, 303)
    flash(_("The region %(name)s was added.", name=region.name))
    return redirect(back, 303)


def variant_notes(recipe) -> dict:
    """What a recipe's page says of its relatives: how far behind its upstream it is, open proposals."""
    session = get_session()
    has_upstream = recipe.parent is not None and recipe.parent.deleted_at is None
    return {
        "upstream": lineage.upstream_status(session, recipe.slug) if has_upstream else None,
        "open_proposals": proposals.open_proposal_count(session, recipe.id),
    }


@bp.get("/regions/<slug>")
def region(slug: str):
    """Show a region's recipes: origins and variants, each with how far behind its upstream it is."""
    session = get_session()
    found = lineage.region_recipes(session, checked_slug(slug))
    tags = discovery.tags_in_use(session, region_id=found.region.id)
    return render_template("forks/region.html", region=found.region, recipes=found.recipes, tags=tags)


@bp.get("/recipes/<slug>/lineage")
def show_lineage(slug: str):
    """Draw a recipe's ancestors and the tree of its descendants."""
    session = get_session()
    found = lineage.lineage(session, checked_slug(slug))
    done = events_done_by_recipe(session, found.recipe_ids())
    return render_template("forks/lineage.html", lineage=found, recipe=load_recipe(slug), events_done=done)


@bp.route("/recipes/<slug>/sync", methods=["GET", "POST"])
@limit_saves
def sync_page(slug: str):
    """Preview the merge of upstream changes into a variant; save it with the person's resolutions."""
    if request.method == "GET":
        return _sync_page(slug, upstream=revision_arg("upstream", "upstream revision"))
    resolutions = request.form.getlist("resolution")
    upstream = _number("upstream_revision", "upstream revision")
    try:
        outcome = sync.sync(
            get_session(),
            checked_slug(slug),
            author=current_domain_user(),
            base_revision=whole_number(form_text("base_revision"), "revision of your variant"),
            render=render_markdown,
            upstream_revision=upstream,
            resolutions=resolutions or None,
            summary=form_text("summary"),
            review_policy=current_app.config["REVIEW_POLICY"],
        )
    except FORM_REFUSALS as error:
        # The page again, merged afresh (the variant may have moved), with what the person typed.
        page = _sync_page(slug, upstream=upstream, error=error_message(error), typed=resolutions)
        return page, _status(error)
    if outcome.changed:
        flash(
            _(
                "Your variant now includes the upstream changes (revision %(number)s).",
                number=outcome.revision.number,
            )
        )
    else:
        flash(_("Your variant was already up to date."))
    return redirect(url_for("recipes.show", slug=outcome.recipe.slug), 303)


def _sync_page(slug: str, *, upstream, error: str | None = None, typed: list[str] | None = None) -> str:
    preview = sync.preview_sync(get_session(), checked_slug(slug), upstream_revision=upstream)
    recipe = preview.status.recipe
    return render_template(
        "forks/sync.html",
        preview=preview,
        recipe=recipe,
        merge=preview.merge,
        error=error,
        typed=typed or [],
        changes=_hunks(preview.ours, preview.merge.text) if preview.merge.clean else [],
        can_sync=allowed(current_domain_user(), "sync", recipe),
    )


@bp.get("/compare")
def compare():
    """Compare any two recipes, ``a`` and ``b``, each ``slug`` or ``slug@revision``."""
    a, b = request.args.get("a", "").strip(), request.args.get("b", "").strip()
    if not a and not b:
        return render_template("forks/compare.html", comparison=None, a=a, b=b)
    comparison = forks.compare(get_session(), a, b)
    view = "side" if request.args.get("view") == "side" else "inline"
    return render_template(
        "forks/compare.html",
        comparison=comparison,
        a=a,
        b=b,
        view=view,
        hunks=_hunks(comparison.old_text, comparison.new_text),
    )


@bp.route("/recipes/<slug>/proposals", methods=["GET", "POST"])
@limit_saves
def recipe_proposals(slug: str):
    """List the proposals from and to a recipe; propose a variant's local changes to its parent."""
    recipe = load_recipe(slug)
    summary = form_text("summary")
    if request.method == "POST":
        try:
            proposal = proposals.create_proposal(
                get_session(), recipe.slug, author=current_domain_user(), summary=summary
            )
        except FORM_REFUSALS as error:
            return _proposals_page(recipe, summary, error_message(error)), _status(error)
        flash(_("Your proposal was sent to the editors of %(title)s.", title=proposal.target.title))
        return redirect(url_for(".proposal", proposal_id=proposal.id), 303)
    return _proposals_page(recipe, summary)


def _proposals_page(recipe, summary: str, error: str | None = None) -> str:
    found = proposals.list_proposals(get_session(), recipe=recipe.slug)
    can_propose = recipe.parent is not None and allowed(current_domain_user(), "propose", recipe)
    return render_template(
        "forks/proposals.html",
        recipe=recipe,
        proposals=found,
        summary=summary,
        error=error,
        can_propose=can_propose,
    )


@bp.get("/proposals/<proposal_id>")
def proposal(proposal_id: str):
    """Show a proposal: its diff, its discussion, and the forms to accept or decline it."""
    return _proposal_page(proposal_id)


def _proposal_page(proposal_id: str, *, error: str | None = None, typed: dict | None = None) -> str:
    user = current_domain_user()
    detail = proposals.proposal_detail(get_session(), whole_number(proposal_id, "proposal number"), user)
    return render_template(
        "forks/proposal.html",
        detail=detail,
        proposal=detail.proposal,
        merge=detail.merge,
        hunks=_hunks(detail.base_text, detail.source_text),
        error=error,
        typed=typed or {},
        can_decide=allowed(user, "decide_proposal", detail.proposal.target),
        can_comment=allowed(user, "comment"),
    )


@bp.post("/proposals/<proposal_id>/comments")
@limit_comments
def comment(proposal_id: str):
    """Add a comment to a proposal's discussion."""
    body = form_text("body")
    return _decision(
        proposal_id,
        {"body": body},
        _("Your comment was added."),
        lambda session, number: proposals.comment_on_proposal(
            session, number, author=current_domain_user(), body=body
        ),
    )


@bp.post("/proposals/<proposal_id>/accept")
@limit_saves
def accept(proposal_id: str):
    """Merge a proposal into its target recipe, with the reviewer's resolutions of any conflict."""
    resolutions = request.form.getlist("resolution")
    typed = {"resolutions": resolutions, "comment": form_text("comment")}
    return _decision(
        proposal_id,
        typed,
        _("The proposal was accepted and merged."),
        lambda session, number: proposals.accept_proposal(
            session,
            number,
            author=current_domain_user(),
            render=render_markdown,
            resolutions=resolutions or None,
            head_revision=_number("head_revision", "revision of the recipe"),
            comment=typed["comment"] or None,
        ),
    )


@bp.post("/proposals/<proposal_id>/decline")
def decline(proposal_id: str):
    """Decline a proposal, saying why."""
    reason = form_text("reason")
    return _decision(
        proposal_id,
        {"reason": reason},
        _("The proposal was declined."),
        lambda session, number: proposals.decline_proposal(
            session, number, author=current_domain_user(), comment=reason
        ),
    )


def _decision(proposal_id: str, typed: dict, done: str, action):
    """Act on a proposal, then show it with a message; if refused, with the reason and what was typed."""
    number = whole_number(proposal_id, "proposal number")
    try:
        action(get_session(), number)
    except FORM_REFUSALS as error:
        return _proposal_page(proposal_id, error=error_message(error), typed=typed), _status(error)
    flash(done)
    return redirect(url_for(".proposal", proposal_id=number), 303)
