"""JSON API for recipes and revisions: list, create, read, update, history, diff, revert, preview.

Reading is open to everyone; a change needs a session (with ``X-CSRFToken``) or a bearer token, and
what its user may do is decided by ``recipes.community.policy`` inside the domain functions. Path parts are
taken as text and checked here, so that ``/revisions/-1`` is a 400 and not Flask's plain 404.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, url_for

from recipes import queries, validation
from recipes.community.policy import require
from recipes.community.visibility import (
    can_see_revision,
    latest_visible,
    require_recipe_visible,
    require_visible,
    shown_revision,
)
from recipes.errors import EditConflict
from recipes.history import editing
from recipes.history.diffing import diff_ops
from recipes.history.revisions import SaveOutcome
from recipes.models import Recipe, Revision

from ..auth import current_domain_user
from ..db import get_session
from ..markdown import mark_missing_links, render_markdown, wikilink_targets
from ..metrics import count_merged_edit
from ..security import PREVIEWS_LIMIT, limit_saves, limiter, writer_key
from .common import (
    acting_user,
    checked_slug,
    json_object,
    number_arg,
    optional_slug,
    required,
    slug_arg,
    tag_arg,
    whole_number,
)
from .serializers import conflict_dict, recipe_dict, recipe_summary, revision_dict, revision_with_content

bp = Blueprint("api_recipes", __name__)


def recipe_answer(recipe: Recipe, status: int = 200, **extra):
    """The recipe as readers see it (published revision), with ``extra`` fields.

    A recipe not yet published exists only for its author and reviewers, who get its first revision.
    """
    shown = recipe.published_revision or shown_revision(current_domain_user(), recipe)
    content = queries.revision_content(get_session(), shown)
    return jsonify({**recipe_dict(recipe, content), **extra}), status


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
def list_recipes():
    """List recipes in slug order, of a region and a tag if asked; ``cursor`` is the last slug seen."""
    page = queries.list_recipes(
        get_session(),
        region=slug_arg("region"),
        tag=tag_arg(),
        limit=number_arg("limit"),
        after=slug_arg("cursor"),
    )
    return jsonify({"items": [recipe_summary(recipe) for recipe in page.items], "next": page.next})


@bp.post("/recipes")
@limit_saves
def create_recipe():
    """Create a recipe; its slug is made from its title."""
    author = acting_user()
    data = json_object()
    outcome = editing.create_recipe(
        get_session(),
        author=author,
        title=required(data, "title"),
        body=required(data, "body"),
        render=render_markdown,
        summary=data.get("summary"),
        tags=data.get("tags"),
        language=data.get("language"),
        region=optional_slug(data, "region"),
        review_policy=current_app.config["REVIEW_POLICY"],
    )
    return created_answer(outcome.recipe, outcome.revision)


@bp.get("/recipes/<slug>")
def get_recipe(slug: str):
    """Show a recipe: its published text and the HTML stored for it."""
    return recipe_answer(queries.get_recipe(get_session(), checked_slug(slug)))


@bp.put("/recipes/<slug>")
@limit_saves
def update_recipe(slug: str):
    """Save a new text of a recipe edited from ``base_revision``."""
    author = acting_user()
    data = json_object()
    base_revision = whole_number(required(data, "base_revision"), "base_revision")
    upstream = data.get("upstream_revision")
    upstream_revision = None if upstream is None else whole_number(upstream, "upstream_revision")
    try:
        outcome = editing.save_edit(
            get_session(),
            checked_slug(slug),
            author=author,
            body=required(data, "body"),
            base_revision=base_revision,
            render=render_markdown,
            summary=data.get("summary"),
            title=data.get("title"),
            tags=data.get("tags"),
            upstream_revision=upstream_revision,
            review_policy=current_app.config["REVIEW_POLICY"],
        )
    except EditConflict as conflict:
        # wiki.errors puts an error's details at the top level of the answer: make them JSON.
        conflict.details["conflicts"] = [conflict_dict(c) for c in conflict.conflicts]
        raise
    return _saved_answer(outcome)


@bp.get("/recipes/<slug>/revisions")
def list_revisions(slug: str):
    """List a recipe's revisions, newest first; ``before`` is the number of the last one seen."""
    session, viewer = get_session(), current_domain_user()
    recipe = queries.get_recipe(session, checked_slug(slug))
    require_recipe_visible(viewer, recipe)
    page = queries.history(session, recipe, limit=number_arg("limit"), before=number_arg("before"))
    items = [revision_dict(revision, visible=can_see_revision(viewer, revision)) for revision in page.items]
    return jsonify({"items": items, "next": page.next})


@bp.get("/recipes/<slug>/revisions/<number>")
def get_revision(slug: str, number: str):
    """Show one revision with its text and stored HTML."""
    session = get_session()
    recipe = queries.get_recipe(session, checked_slug(slug))
    revision = queries.get_revision(session, recipe, whole_number(number, "revision number"))
    require_visible(current_domain_user(), revision)
    return jsonify(revision_with_content(revision, queries.revision_content(session, revision)))


@bp.get("/recipes/<slug>/diff")
def diff(slug: str):
    """Show the ops from revision ``from`` (default: the one before ``to``) to ``to`` (default: head).

    The diff of revision 1 with what came before it is from the empty text, with ``"from": null``.
    """
    session, viewer = get_session(), current_domain_user()
    recipe = queries.get_recipe(session, checked_slug(slug))
    to_number = number_arg("to") or latest_visible(viewer, recipe).number
    from_number = number_arg("from") or (to_number - 1 or None)
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
def revert(slug: str):
    """Make a new revision equal to an older one."""
    author = acting_user()
    data = json_object()
    outcome = editing.revert(
        get_session(),
        checked_slug(slug),
        author=author,
        number=whole_number(required(data, "revision"), "revision"),
        render=render_markdown,
        summary=data.get("summary"),
        review_policy=current_app.config["REVIEW_POLICY"],
    )
    return _saved_answer(outcome)


@bp.post("/preview")
@limiter.limit(PREVIEWS_LIMIT, key_func=writer_key, config_key="RATELIMIT_PREVIEWS")
def preview():
    """Render a text as the editor's live preview, with links to missing recipes marked."""
    require(acting_user(), "edit")
    body = validation.clean_body(required(json_object(), "body"))
    html = render_markdown(body)
    existing = queries.existing_slugs(get_session(), wikilink_targets(html))
    return jsonify({"html": mark_missing_links(html, existing)})
