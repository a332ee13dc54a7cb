"""Recipes in the browser: home, read, create, edit, history, old revisions, diffs, revert.

Nothing a person typed is lost: a form the domain refuses (an empty title, a text saved by someone
else in the meantime, a session that expired) comes back with their text in the editor, a sentence
saying why, and a 4xx status. An edit conflict shows the text saved meanwhile and how it differs.
A save the database could not write (read-only or full storage) comes back the same way, with a 503
or 507 status.
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import DBAPIError

from recipes import queries
from recipes.community.policy import allowed, require
from recipes.community.regions import list_regions
from recipes.community.visibility import (
    latest_visible,
    require_recipe_visible,
    require_visible,
    shown_revision,
)
from recipes.errors import EditConflict, LevainError
from recipes.events.finding import count_events, latest_events, lessons_by_revision
from recipes.events.recording import get_event, record_lesson
from recipes.history import editing, images
from recipes.history.diffing import diff_rows, hunks
from recipes.licences.attribution import attribution
from recipes.models import LANGUAGES, Recipe, utcnow
from recipes.search import discovery
from recipes.slugs import slugify
from recipes.starter import STARTERS, starter_text

from .. import page_cache
from ..api.common import whole_number
from ..auth import current_domain_user
from ..db import get_session
from ..errors import STATUS_BY_CODE, database_failure_answer
from ..labels import error_message
from ..licensing import json_ld
from ..markdown import render_markdown
from ..metrics import count_merged_edit
from ..security import limit_saves
from .common import (
    contents_of,
    form_text,
    link_targets,
    load_recipe,
    revision_arg,
    revision_html,
    template_globals,
    with_missing_marked,
)
from .events import map_settings
from .forks import variant_notes
from .moderation import history_notes, recipe_notices

bp = Blueprint("recipes", __name__)
bp.app_context_processor(template_globals)

HISTORY_PAGE_SIZE = 50
RECENT_RECIPES_SHOWN = 20
POPULAR_RECIPES_SHOWN = 8
TAGS_SHOWN = 40
# A short recipe reads fine without a table of contents.
MIN_HEADINGS_FOR_CONTENTS = 3
# ``event``: the event whose account the edit comes from, which then links to the revision saved.
EDITOR_FIELDS = (
    "title", "language", "region", "licence", "tags", "summary", "body", "base_revision", "event"
)


@bp.get("/")
def home():
    """Show the recipes changed most recently, the popular ones, the regions and the tags."""
    session = get_session()
    return render_template(
        "recipes/home.html",
        recipes=queries.recent_recipes(session, limit=RECENT_RECIPES_SHOWN),
        popular=discovery.popular_recipes(session, now=utcnow(), limit=POPULAR_RECIPES_SHOWN),
        regions=discovery.regions_in_use(session),
        tags=discovery.tags_in_use(session, limit=TAGS_SHOWN),
    )


@bp.get("/recipes/<slug>")
def show(slug: str):
    """Show the published revision of a recipe (to its author, their own edit awaiting review)."""
    reader = page_cache.reader_view(slug)
    kept = page_cache.kept_page(reader) if reader is not None else None
    if kept is not None:
        return kept
    session = get_session()
    recipe = load_recipe(slug)
    revision = shown_revision(current_domain_user(), recipe)
    stored = queries.revision_content(session, revision).html
    targets = link_targets(stored)
    existing = queries.existing_slugs(session, set(targets))
    html = with_missing_marked(stored, existing)
    contents = contents_of(html)
    if len(contents) < MIN_HEADINGS_FOR_CONTENTS:
        contents = ()
    pictures = images.recipe_pictures(session, recipe, html, current_app.config["REVIEW_POLICY"])
    credits = attribution(session, recipe)
    done, places = count_events(session, recipe.id)
    context = {
        "events_done": done,
        "event_places": places,
        "latest_events": latest_events(session, recipe.id) if done else [],
        "map": map_settings(),
        "recipe": recipe,
        "credits": credits,
        "json_ld": json_ld(credits),
        "revision": revision,
        "html": html,
        "contents": contents,
        "pictures": pictures,
        **recipe_notices(recipe, revision),
        **variant_notes(recipe),
    }
    if reader is None:
        return render_template("recipes/show.html", **context)
    shows_pictures = bool(pictures or images.referenced_image_ids(stored))
    return page_cache.render_and_keep(
        reader,
        "recipes/show.html",
        context,
        link_targets=targets,
        existing=existing,
        shows_pictures=shows_pictures,
    )


def _editor_page(form: dict, recipe: Recipe | None = None, **context) -> str:
    """The editor, filled with ``form``: new recipe when ``recipe`` is None, else an edit of it (beside
    the account of the event it comes from, if any)."""
    regions = list_regions(get_session()) if recipe is None else []
    if recipe is not None and "lesson" not in context:
        context["lesson"] = _lesson_still_there(recipe, form.get("event"))
    return render_template(
        "recipes/edit.html",
        form=form,
        recipe=recipe,
        regions=regions,
        starters=STARTERS,
        offered_licences=current_app.config["LICENCES"],
        **context,
    )


def _recipe_titled(title: str) -> Recipe | None:
    """The live recipe a new one with this title would duplicate (same slug), if there is one."""
    slug = slugify(title)
    if not slug or not queries.existing_slugs(get_session(), {slug}):
        return None
    return load_recipe(slug)


def _lesson(recipe: Recipe, wanted: str | None):
    """The event whose account the editor shows beside the text (``?event=<id>``), to turn it into an edit."""
    if not wanted:
        return None
    event = get_event(get_session(), whole_number(wanted, "event"), current_domain_user())
    return event if event.recipe_id == recipe.id else None


def _lesson_still_there(recipe: Recipe, wanted: str | None):
    """The event of an edit sent back to its author, unless it went meanwhile: their text comes first."""
    try:
        return _lesson(recipe, wanted)
    except LevainError:
        return None


def _link_lesson(outcome: editing.SaveOutcome, wanted: str) -> None:
    """Record on the event an edit came from that it led to the revision saved."""
    event = _lesson_still_there(outcome.recipe, wanted)
    if event is not None and outcome.changed:
        record_lesson(get_session(), event.id, outcome.revision.number, user=current_domain_user())


def _submitted_form() -> dict:
    return {name: form_text(name) for name in EDITOR_FIELDS}


def _refused(form: dict, error: LevainError, recipe: Recipe | None = None):
    """The editor again, with the person's text and the reason their save was refused."""
    return _editor_page(form, recipe, error=error_message(error)), STATUS_BY_CODE.get(error.code, 400)


def _not_written(form: dict, error: DBAPIError, recipe: Recipe | None = None):
    """The editor again when the database could not write the save; other database errors go on."""
    answer = database_failure_answer(error)
    if answer is None:
        raise error
    code, message = answer
    return _editor_page(form, recipe, error=message), STATUS_BY_CODE[code]


def _saved(outcome: editing.SaveOutcome):
    """Tell what the save did and go to the recipe."""
    if not outcome.changed:
        flash(_("The text is the same as the current revision: nothing new was saved."))
    elif outcome.revision.status == "pending":
        flash(_("Your edit was saved; it will be shown once a moderator has reviewed it."))
    elif outcome.merged:
        count_merged_edit()
        flash(_("Your edit was merged with the changes saved in the meantime."))
    else:
        flash(_("Saved as revision %(number)s.", number=outcome.revision.number))
    return redirect(url_for(".show", slug=outcome.recipe.slug), 303)


@bp.route("/recipes/new", methods=["GET", "POST"])
@limit_saves
def new():
    """Show the editor for a new recipe, prefilled with the starter template; create the recipe."""
    if request.method == "GET":
        require(current_domain_user(), "create")
        language = request.args.get("language") if request.args.get("language") in LANGUAGES else "fr"
        form = {
            "title": request.args.get("title", ""),
            "language": language,
            "region": request.args.get("region", ""),  # from a region's page; the select shows only real ones
            "licence": current_app.config["LICENCES"][0],
            "body": starter_text(language),
        }
        return _editor_page(form)
    form = _submitted_form()
    existing = None if request.form.get("duplicate") else _recipe_titled(form["title"])
    if existing is not None:
        return _editor_page(form, existing_recipe=existing), 409
    try:
        outcome = editing.create_recipe(
            get_session(),
            author=current_domain_user(),
            title=form["title"],
            body=form["body"],
            render=render_markdown,
            summary=form["summary"],
            tags=form["tags"],
            language=form["language"] or None,
            region=form["region"] or None,
            review_policy=current_app.config["REVIEW_POLICY"],
            licence=form["licence"] or None,
            offered_licences=current_app.config["LICENCES"],
        )
    except LevainError as error:
        return _refused(form, error)
    except DBAPIError as error:
        return _not_written(form, error)
    return _saved(outcome)


@bp.route("/recipes/<slug>/edit", methods=["GET", "POST"])
@limit_saves
def edit(slug: str):
    """Show the editor with the current text; save an edit, or show the conflict with a newer one."""
    recipe = load_recipe(slug)
    if request.method == "GET":
        require(current_domain_user(), "edit", recipe)
        head = recipe.head_revision
        form = {
            "title": head.title,
            "tags": ", ".join(recipe.tag_names),
            "body": queries.revision_content(get_session(), head).text,
            "base_revision": head.number,
        }
        return _editor_page(form, recipe, lesson=_lesson(recipe, request.args.get("event")))
    form = _submitted_form()
    try:
        outcome = editing.save_edit(
            get_session(),
            recipe.slug,
            author=current_domain_user(),
            body=form["body"],
            base_revision=whole_number(form["base_revision"], "revision your edit started from"),
            render=render_markdown,
            summary=form["summary"],
            title=form["title"],
            # A form without the field (a script's) leaves the tags as they are, rather than clearing them.
            tags=form["tags"] if "tags" in request.form else None,
            review_policy=current_app.config["REVIEW_POLICY"],
        )
    except EditConflict as conflict:
        return _conflict_page(recipe, form, conflict), 409
    except LevainError as error:
        return _refused(form, error, recipe)
    except DBAPIError as error:
        return _not_written(form, error, recipe)
    _link_lesson(outcome, form["event"])
    return _saved(outcome)


def _conflict_page(recipe: Recipe, form: dict, conflict: EditConflict) -> str:
    """The editor with the person's text, based on the new head, beside the text saved meanwhile."""
    current_text = conflict.details.get("current_text")
    if current_text is None:
        current_text = queries.revision_content(get_session(), recipe.head_revision).text
    rows = diff_rows(current_text, form["body"], timeout=current_app.config["DIFF_TIMEOUT"])
    return _editor_page(
        {**form, "base_revision": conflict.head_revision},
        recipe,
        conflict=conflict,
        current_text=current_text,
        conflict_hunks=hunks(rows),
    )


@bp.get("/recipes/<slug>/history")
def history(slug: str):
    """List a recipe's revisions, newest first, 50 to a page."""
    recipe = load_recipe(slug)
    viewer = current_domain_user()
    require_recipe_visible(viewer, recipe)
    before = revision_arg("before", "revision to list the history before")
    page = queries.history(get_session(), recipe, limit=HISTORY_PAGE_SIZE, before=before)
    can_revert = allowed(viewer, "revert", recipe)
    return render_template(
        "recipes/history.html",
        recipe=recipe,
        page=page,
        before=before,
        can_revert=can_revert,
        lessons=lessons_by_revision(get_session(), [revision.id for revision in page.items], viewer),
        **history_notes(page.items),
    )


@bp.get("/recipes/<slug>/revisions/<number>")
def revision(slug: str, number: str):
    """Show an old revision of a recipe, as it was saved."""
    recipe = load_recipe(slug)
    session = get_session()
    shown = queries.get_revision(session, recipe, whole_number(number, "revision number"))
    require_visible(current_domain_user(), shown)
    return render_template(
        "recipes/revision.html", recipe=recipe, revision=shown, html=revision_html(session, shown)
    )


@bp.get("/recipes/<slug>/diff")
def diff(slug: str):
    """Show what changed between two revisions (previous and head by default), inline or side by side."""
    recipe = load_recipe(slug)
    viewer = current_domain_user()
    to_number = revision_arg("to", "revision to compare to") or latest_visible(viewer, recipe).number
    from_number = revision_arg("from", "revision to compare from") or max(to_number - 1, 1)
    session = get_session()
    # Older first, whichever way round the two were picked.
    old, new = (queries.get_revision(session, recipe, n) for n in sorted((from_number, to_number)))
    require_visible(viewer, old)
    require_visible(viewer, new)
    old_text = queries.revision_content(session, old).text
    new_text = queries.revision_content(session, new).text
    rows = diff_rows(old_text, new_text, timeout=current_app.config["DIFF_TIMEOUT"])
    view = "side" if request.args.get("view") == "side" else "inline"
    return render_template("recipes/diff.html", recipe=recipe, old=old, new=new, hunks=hunks(rows), view=view)


@bp.post("/recipes/<slug>/revert")
@limit_saves
def revert(slug: str):
    """Make a new revision equal to an older one."""
    recipe = load_recipe(slug)
    outcome = editing.revert(
        get_session(),
        recipe.slug,
        author=current_domain_user(),
        number=whole_number(form_text("revision"), "revision to go back to"),
        render=render_markdown,
        summary=form_text("summary"),
        review_policy=current_app.config["REVIEW_POLICY"],
    )
    return _saved(outcome)


@bp.get("/recipes/<slug>/revert")
def revert_page(slug: str):
    """Show what going back to ``?revision=N`` would change, with the button that does it; without a
    revision (an address followed here after logging in), the history."""
    number = revision_arg("revision", "revision to go back to")
    if number is None:
        return redirect(url_for(".history", slug=slug))
    recipe = load_recipe(slug)
    viewer = current_domain_user()
    require(viewer, "revert", recipe)
    session = get_session()
    target = queries.get_revision(session, recipe, number)
    head = latest_visible(viewer, recipe)
    require_visible(viewer, target)
    rows = diff_rows(
        queries.revision_content(session, head).text,
        queries.revision_content(session, target).text,
        timeout=current_app.config["DIFF_TIMEOUT"],
    )
    return render_template("recipes/revert.html", recipe=recipe, head=head, target=target, hunks=hunks(rows))
