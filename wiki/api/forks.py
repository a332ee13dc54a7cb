"""JSON API for regions, forks, lineage, upstream sync, compare and proposals.

Reading is open to everyone; forking, syncing, proposing and deciding need a session (with
``X-CSRFToken``) or a bearer token, and the domain decides what each user may do. A merge that
conflicts answers 409 ``merge_conflict`` with its ``conflicts`` as ``{"base", "ours", "theirs"}``.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, url_for

from recipes.community import regions
from recipes.errors import EditConflict, MergeConflict
from recipes.lineage import forks, proposals, sync
from recipes.lineage import tree as lineage
from recipes.lineage.tree import LineageNode
from recipes.models import Proposal, ProposalComment, Region, Revision
from recipes.moderation import regions as region_moderation

from ..auth import current_domain_user
from ..db import get_session
from ..errors import error_response
from ..markdown import render_markdown
from ..security import limit_comments, limit_region_creation, limit_saves
from .common import acting_user, checked_slug, whole_number
from .recipes import created_answer, ops_between
from .schemas.forks import (
    AcceptRequest,
    Comment,
    CommentDraft,
    CompareQuery,
    Comparison,
    DeclineRequest,
    ForkRequest,
    Lineage,
    ProposalDetail,
    ProposalDraft,
    ProposalList,
    ProposalQuery,
    RegionDetail,
    RegionDraft,
    RegionList,
    Synced,
    SyncRequest,
    Upstream,
)
from .schemas.forks import Proposal as ProposalAnswer
from .schemas.forks import Region as RegionAnswer
from .schemas.recipes import Pending
from .schemas.recipes import Recipe as RecipeAnswer
from .serializers import conflict_dict, iso_time
from .spec import endpoint

bp = Blueprint("api_forks", __name__)


@bp.errorhandler(EditConflict)
@bp.errorhandler(MergeConflict)
def _conflict(error: EditConflict | MergeConflict):
    """A conflict with its conflicting regions as JSON (an edit conflict from a stale base has none)."""
    conflicts = error.details.get("conflicts", getattr(error, "conflicts", []))
    details = {**error.details, "conflicts": [conflict_dict(c) for c in conflicts]}
    return error_response(error.code, error.message, details)


def region_dict(region: Region) -> dict[str, str]:
    return {"slug": region.slug, "name": region.name}


def node_dict(node: LineageNode) -> dict[str, Any]:
    """A recipe in a lineage: where it is, when it changed, how it stands to its parent."""
    return {
        "slug": node.slug,
        "title": node.title,
        "region": node.region_slug,
        "head_revision": node.head_number,
        "updated_at": iso_time(node.updated_at),
        "base": node.base,
        "behind": node.behind,
        "ahead": node.ahead,
    }


def descendant_dict(node: LineageNode) -> dict[str, Any]:
    return {
        **node_dict(node),
        "fork_revision": node.fork_revision,
        "children": [descendant_dict(child) for child in node.children],
    }


def proposal_dict(proposal: Proposal) -> dict[str, Any]:
    target_revision = proposal.target_revision
    return {
        "id": proposal.id,
        "source": proposal.source.slug,
        "target": proposal.target.slug,
        "source_revision": proposal.source_revision.number,
        "base_revision": proposal.base_revision.number,
        "status": proposal.status,
        "summary": proposal.summary,
        "author": proposal.author.name,
        "created_at": iso_time(proposal.created_at),
        "decided_by": proposal.decided_by.name if proposal.decided_by is not None else None,
        "decided_at": iso_time(proposal.decided_at),
        "decision_comment": proposal.decision_comment,
        "target_revision": target_revision.number if target_revision is not None else None,
    }


def comment_dict(comment: ProposalComment) -> dict[str, Any]:
    return {"author": comment.author.name, "body": comment.body, "created_at": iso_time(comment.created_at)}


@bp.get("/regions")
@endpoint("lineage", {200: RegionList})
def list_regions():
    """List the regions by name."""
    return jsonify({"items": [region_dict(region) for region in regions.list_regions(get_session())]})


@bp.post("/regions")
@limit_region_creation
@endpoint("lineage", {201: RegionAnswer}, body=RegionDraft, writes=True, conflicts=True)
def create_region(body: RegionDraft):
    """Create a region; its slug comes from its name."""
    region = forks.add_region(get_session(), author=acting_user(), name=body.name)
    return jsonify(region_dict(region)), 201


@bp.get("/regions/<slug>")
@endpoint("lineage", {200: RegionDetail})
def get_region(slug: str):
    """Show a region with its recipes (slugs, parents, behind counts)."""
    found = lineage.region_recipes(get_session(), checked_slug(slug))
    items = [{**node_dict(node), "parent": node.parent_slug} for node in found.recipes]
    return jsonify({**region_dict(found.region), "recipes": items})


@bp.delete("/regions/<slug>")
@endpoint("lineage", {204: None}, writes=True)
def delete_region(slug: str):
    """Delete a region nothing uses (moderators)."""
    region_moderation.delete_region(get_session(), checked_slug(slug), moderator=acting_user())
    return "", 204


@bp.post("/recipes/<slug>/forks")
@limit_saves
@endpoint("lineage", {201: RecipeAnswer, 202: Pending}, body=ForkRequest, writes=True, conflicts=True)
def fork(slug: str, body: ForkRequest):
    """Fork a recipe into a region; the new recipe's ``parent`` is this recipe at its head revision."""
    outcome = forks.fork_recipe(
        get_session(),
        checked_slug(slug),
        author=acting_user(),
        region=body.region,
        render=render_markdown,
        title=body.title,
        new_slug=body.slug,
        licence=body.licence,
    )
    return created_answer(outcome.recipe)


@bp.get("/recipes/<slug>/lineage")
@endpoint("lineage", {200: Lineage})
def get_lineage(slug: str):
    """Show a recipe's ancestors (parent first) and the tree of its descendants."""
    found = lineage.lineage(get_session(), checked_slug(slug))
    ancestors = [{**node_dict(a.node), "revision": a.revision} for a in found.ancestors]
    return jsonify(
        {
            "recipe": node_dict(found.recipe),
            "ancestors": ancestors,
            "descendants": [descendant_dict(node) for node in found.descendants],
        }
    )


@bp.get("/recipes/<slug>/upstream")
@endpoint("lineage", {200: Upstream})
def upstream(slug: str):
    """Show how a fork stands to its parent: base, upstream head, behind, ahead."""
    status = lineage.upstream_status(get_session(), checked_slug(slug))
    return jsonify(
        {
            "parent": {"slug": status.parent.slug, "revision": status.recipe.fork_revision.number},
            "base": status.base.number,
            "upstream_head": status.upstream_head.number,
            "behind": status.behind,
            "ahead": status.ahead,
        }
    )


@bp.post("/recipes/<slug>/sync")
@limit_saves
@endpoint("lineage", {200: Synced}, body=SyncRequest, writes=True, conflicts=True)
def sync_from_upstream(slug: str, body: SyncRequest):
    """Merge the parent's changes into the fork (three-way), with a person's resolutions if any."""
    outcome = sync.sync(
        get_session(),
        checked_slug(slug),
        author=acting_user(),
        base_revision=body.base_revision,
        render=render_markdown,
        upstream_revision=body.upstream_revision,
        resolutions=body.resolutions,
        summary=body.summary,
        review_policy=current_app.config["REVIEW_POLICY"],
    )
    if not outcome.changed:
        return jsonify({"changed": False, "revision": outcome.revision.number})
    taken_in = get_session().get(Revision, outcome.revision.upstream_revision_id)
    return jsonify(
        {
            "changed": True,
            "merged": True,
            "revision": outcome.revision.number,
            "upstream_revision": taken_in.number,
        }
    )


@bp.get("/compare")
@endpoint("lineage", {200: Comparison}, query=CompareQuery)
def compare(query: CompareQuery):
    """Show the ops between any two recipes, ``a={slug}[@n]`` and ``b={slug}[@m]`` (default: heads)."""
    comparison = forks.compare(get_session(), query.a, query.b)
    return jsonify(
        {
            "from": {"slug": comparison.old_recipe.slug, "revision": comparison.old.number},
            "to": {"slug": comparison.new_recipe.slug, "revision": comparison.new.number},
            "ops": ops_between(comparison.old_text, comparison.new_text),
        }
    )


@bp.post("/recipes/<slug>/proposals")
@limit_saves
@endpoint("lineage", {201: ProposalAnswer}, body=ProposalDraft, writes=True, conflicts=True)
def propose(slug: str, body: ProposalDraft):
    """Propose a fork's local changes to its parent recipe."""
    proposal = proposals.create_proposal(
        get_session(), checked_slug(slug), author=acting_user(), summary=body.summary
    )
    response = jsonify(proposal_dict(proposal))
    response.headers["Location"] = url_for(".get_proposal", proposal_id=proposal.id)
    return response, 201


@bp.get("/proposals")
@endpoint("lineage", {200: ProposalList}, query=ProposalQuery)
def list_proposals(query: ProposalQuery):
    """List proposals, newest first: to recipe ``target``, from or to ``recipe``, of one ``status``."""
    found = proposals.list_proposals(
        get_session(), target=query.target, recipe=query.recipe, status=query.status, limit=query.limit
    )
    return jsonify({"items": [proposal_dict(proposal) for proposal in found]})


@bp.get("/proposals/<proposal_id>")
@endpoint("lineage", {200: ProposalDetail})
def get_proposal(proposal_id: str):
    """Show a proposal with its diff (from its base to its source revision) and its comments."""
    detail = proposals.proposal_detail(
        get_session(), whole_number(proposal_id, "proposal number"), current_domain_user()
    )
    proposal = detail.proposal
    # "to" is the proposed revision, or the newest reviewed one before it for those who may not see it
    # (none: the base itself, and no change is shown).
    shown = detail.shown_revision or proposal.base_revision
    diff = {
        "from": proposal.base_revision.number,
        "to": shown.number,
        "ops": ops_between(detail.base_text, detail.source_text),
    }
    mergeable = detail.merge.clean if detail.merge is not None else None
    return jsonify(
        {
            **proposal_dict(proposal),
            "diff": diff,
            "comments": [comment_dict(comment) for comment in detail.comments],
            "mergeable": mergeable,
        }
    )


@bp.post("/proposals/<proposal_id>/comments")
@limit_comments
@endpoint("lineage", {201: Comment}, body=CommentDraft, writes=True)
def comment(proposal_id: str, body: CommentDraft):
    """Add a comment to a proposal's discussion."""
    added = proposals.comment_on_proposal(
        get_session(), whole_number(proposal_id, "proposal number"), author=acting_user(), body=body.body
    )
    return jsonify(comment_dict(added)), 201


@bp.post("/proposals/<proposal_id>/accept")
@limit_saves
@endpoint("lineage", {200: ProposalAnswer}, body=AcceptRequest, writes=True, conflicts=True)
def accept(proposal_id: str, body: AcceptRequest):
    """Merge a proposal into its target recipe (editors); conflicts need ``resolutions``."""
    proposal = proposals.accept_proposal(
        get_session(),
        whole_number(proposal_id, "proposal number"),
        author=acting_user(),
        render=render_markdown,
        resolutions=body.resolutions,
        head_revision=body.head_revision,
        comment=body.comment,
    )
    return jsonify(proposal_dict(proposal))


@bp.post("/proposals/<proposal_id>/decline")
@endpoint("lineage", {200: ProposalAnswer}, body=DeclineRequest, writes=True, conflicts=True)
def decline(proposal_id: str, body: DeclineRequest):
    """Decline a proposal with a reason (editors)."""
    proposal = proposals.decline_proposal(
        get_session(),
        whole_number(proposal_id, "proposal number"),
        author=acting_user(),
        comment=body.comment,
    )
    return jsonify(proposal_dict(proposal))
