"""JSON API for recipes and revisions: list, create, read, update, history, diff, revert, preview.

Reading is open to everyone; a change needs a session (with ``X-CSRFToken``) or a bearer token, and
what its user may do is decided by ``recipes.community.policy`` inside the domain functions. Path parts are
taken as text and checked here, so that ``/revisions/-1`` is a 400 and not Flask's plain 404.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, url_for

from recipes import queries
from recipes.community.policy import require
from recipes.community.visibility import (
    can_see_revision,
    latest_visible,
    require_recipe_visible,
    require_visible,
    shown_revision,
)
from recipes.errors import EditConflict, Invalid
from recipes.history import editing
from recipes.history.diffing import diff_ops
from recipes.history.revisions import SaveOutcome
from recipes.licences.attribution import attribution
from recipes.models import Recipe, Revision
from recipes.moderation import relicensing
from recipes.validation import clean_body

from ..auth import current_domain_user
from ..db import get_session
from ..licensing import credit_dict
from ..markdown import mark_missing_links, render_markdown, wikilink_targets
from ..metrics import count_merged_edit
from ..security import PREVIEWS_LIMIT, limit_saves, limiter, writer_key
from .common import acting_user, checked_slug, whole_number
from .schemas.common import Diff
from .schemas.recipes import (
    DiffQuery,
    Pending,
    Preview,
    PreviewRequest,
    RecipeDraft,
    RecipeEdit,
    RecipeListQuery,
    RecipePage,
    RevertRequest,
    RevisionListQuery,
    RevisionPage,
    RevisionWithBody,
    SavedRecipe,
)
from .schemas.recipes import (
    Recipe as RecipeAnswer,
)
from .serializers import conflict_dict, recipe_dict, recipe_summary, revision_dict, revision_with_content
from .spec import endpoint

bp = Blueprint("api_recipes", __name__)


def recipe_answer(recipe: Recipe, status: int = 200, **extra):
    """The recipe as readers see it (published revision), with its authors and attribution chain,
    and ``extra`` fields.

    A recipe not yet published exists only for its author and reviewers, who get its first revision.
    """
    session = get_session()
    shown = recipe.published_revision or shown_revision(current_domain_user(), recipe)
    content = queries.revision_content(session, shown)
    credits = attribution(session, recipe)
    chain = [credit_dict(credit) for credit in credits.chain]
    answer = {**recipe_dict(recipe, content), "authors": credits.itself.authors, "attribution": chain}
    return jsonify({**answer, **extra}), status


def created_answer(recipe: Recipe, revision: Revision | None = None):
    """201 with a new recipe and its address in ``Location``; 202 when its first revision awaits review."""
    if revision is not None and revision.status == "pending":
        pending = {"status": "pending", "revision": revision.number, "slug": recipe.slug}
        response, status = jsonify(pending), 202
    else:
        response, status = recipe_answer(recipe, 201)
    response.headers["Location"] = url_for("api_recipes.get_recipe", slug=recipe.slug)
    return response, status


def ops_between(old: str, new: str) -> list[list]:
    """The diff ops from one text to another as JSON pairs ``[op, text]``."""
    return [[op, text] for op, text in diff_ops(old, new, timeout=current_app.config["DIFF_TIMEOUT"])]


def _saved_answer(outcome: SaveOutcome):
    """200 with the recipe after a save, or 202 when the new revision awaits review."""
    if outcome.revision.status == "pending":
        return jsonify({"status": "pending", "revision": outcome.revision.number}), 202
    if outcome.merged and outcome.changed:
        count_merged_edit()
    return recipe_answer(outcome.recipe, changed=outcome.changed, merged=outcome.merged)


@bp.get("/recipes")
@endpoint("recipes", {200: RecipePage}, query=RecipeListQuery)
def list_recipes(query: RecipeListQuery):
    """List recipes in slug order, of a region and a tag if asked; ``cursor`` is the last slug seen."""
    page = queries.list_recipes(
        get_session(), region=query.region, tag=query.tag, limit=query.limit, after=query.cursor
    )
    return jsonify({"items": [recipe_summary(recipe) for recipe in page.items], "next": page.next})


@bp.post("/recipes")
@limit_saves
@endpoint("recipes", {201: RecipeAnswer, 202: Pending}, body=RecipeDraft, writes=True)
def create_recipe(body: RecipeDraft):
    """Create a recipe; its slug is made from its title."""
    outcome = editing.create_recipe(
        get_session(),
        author=acting_user(),
        title=body.title,
        body=body.body,
        render=render_markdown,
        summary=body.summary,
        tags=body.tags,
        language=body.language,
        region=body.region,
        review_policy=current_app.config["REVIEW_POLICY"],
        licence=body.licence,
        offered_licences=current_app.config["LICENCES"],
    )
    return created_answer(outcome.recipe, outcome.revision)


@bp.get("/recipes/<slug>")
@endpoint("recipes", {200: RecipeAnswer})
def get_recipe(slug: str):
    """Show a recipe: its published text and the HTML stored for it."""
    return recipe_answer(queries.get_recipe(get_session(), checked_slug(slug)))


@bp.put("/recipes/<slug>")
@limit_saves
@endpoint("recipes", {200: SavedRecipe, 202: Pending}, body=RecipeEdit, writes=True, conflicts=True)
def update_recipe(slug: str, body: RecipeEdit):
    """Save a new text of a recipe edited from ``base_revision``; or, for moderators, change its licence."""
    if body.licence is not None:
        recipe = relicensing.relicense_recipe(
            get_session(),
            checked_slug(slug),
            moderator=acting_user(),
            licence=body.licence,
            reason=body.summary or "",
        )
        if body.body is None:
            return recipe_answer(recipe, changed=False, merged=False)
    for name in ("body", "base_revision"):
        if getattr(body, name) is None:
            raise Invalid("The field '{name}' is missing.", values={"name": name})
    try:
        outcome = editing.save_edit(
            get_session(),
            checked_slug(slug),
            author=acting_user(),
            body=body.body,
            base_revision=body.base_revision,
            render=render_markdown,
            summary=body.summary,
            title=body.title,
            tags=body.tags,
            upstream_revision=body.upstream_revision,
            review_policy=current_app.config["REVIEW_POLICY"],
        )
    except EditConflict as conflict:
        # wiki.errors puts an error's details at the top level of the answer: make them JSON.
        conflict.details["conflicts"] = [conflict_dict(c) for c in conflict.conflicts]
        raise
    return _saved_answer(outcome)


@bp.get("/recipes/<slug>/revisions")
@endpoint("recipes", {200: RevisionPage}, query=RevisionListQuery)
def list_revisions(slug: str, query: RevisionListQuery):
    """List a recipe's revisions, newest first; ``before`` is the number of the last one seen."""
    session, viewer = get_session(), current_domain_user()
    recipe = queries.get_recipe(session, checked_slug(slug))
    require_recipe_visible(viewer, recipe)
    page = queries.history(session, recipe, limit=query.limit, before=query.before)
    items = [revision_dict(revision, visible=can_see_revision(viewer, revision)) for revision in page.items]
    return jsonify({"items": items, "next": page.next})


@bp.get("/recipes/<slug>/revisions/<number>")
@endpoint("recipes", {200: RevisionWithBody})
def get_revision(slug: str, number: str):
    """Show one revision with its text and stored HTML."""
    session = get_session()
    recipe = queries.get_recipe(session, checked_slug(slug))
    revision = queries.get_revision(session, recipe, whole_number(number, "revision number"))
    require_visible(current_domain_user(), revision)
    return jsonify(revision_with_content(revision, queries.revision_content(session, revision)))


@bp.get("/recipes/<slug>/diff")
@endpoint("recipes", {200: Diff}, query=DiffQuery)
def diff(slug: str, query: DiffQuery):
    """Show the ops from revision ``from`` (default: the one before ``to``) to ``to`` (default: head).

    The diff of revision 1 with what came before it is from the empty text, with ``"from": null``.
    """
    session, viewer = get_session(), current_domain_user()
    recipe = queries.get_recipe(session, checked_slug(slug))
    to_number = query.to or latest_visible(viewer, recipe).number
    from_number = query.from_ or (to_number - 1 or None)
    new = queries.revision_content(session, _visible_revision(recipe, to_number)).text
    old = ""
    if from_number is not None:
        old = queries.revision_content(session, _visible_revision(recipe, from_number)).text
    return jsonify({"from": from_number, "to": to_number, "ops": ops_between(old, new)})


def _visible_revision(recipe: Recipe, number: int) -> Revision:
    """Revision ``number`` of the recipe, if the asker may see it (else as if it did not exist)."""
    revision = queries.get_revision(get_session(), recipe, number)
    require_visible(current_domain_user(), revision)
    return revision


@bp.post("/recipes/<slug>/revert")
@limit_saves
@endpoint("recipes", {200: SavedRecipe, 202: Pending}, body=RevertRequest, writes=True)
def revert(slug: str, body: RevertRequest):
    """Make a new revision equal to an older one."""
    outcome = editing.revert(
        get_session(),
        checked_slug(slug),
        author=acting_user(),
        number=body.revision,
        render=render_markdown,
        summary=body.summary,
        review_policy=current_app.config["REVIEW_POLICY"],
    )
    return _saved_answer(outcome)


@bp.post("/preview")
@limiter.limit(PREVIEWS_LIMIT, key_func=writer_key, config_key="RATELIMIT_PREVIEWS")
@endpoint("recipes", {200: Preview}, body=PreviewRequest, writes=True)
def preview(body: PreviewRequest):
    """Render a text as the editor's live preview, with links to missing recipes marked."""
    require(acting_user(), "edit")
    html = render_markdown(clean_body(body.body))
    existing = queries.existing_slugs(get_session(), wikilink_targets(html))
    return jsonify({"html": mark_missing_links(html, existing)})
