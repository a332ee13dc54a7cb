"""Rollback: undo a user's latest consecutive edits of a recipe in one step, or of every recipe at once.

The *run* of a user on a recipe is the unbroken sequence of their revisions at the top of its chain.
Rolling it back appends a revision equal to the one before the run (nothing is deleted); the run's
revisions still awaiting review are rejected with the rollback as their reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from recipes import validation
from recipes.blobs import load_blob
from recipes.community.accounts import get_user
from recipes.community.policy import require
from recipes.database import write_transaction
from recipes.errors import Invalid, LevainError
from recipes.history.revisions import (
    Renderer,
    SaveOutcome,
    append_revision,
    recipe_for_writing,
    review_status,
)
from recipes.journal.changes import record_change
from recipes.models import Recipe, Revision, User
from recipes.moderation.review import reject_rolled_back
from recipes.queries import get_recipe
from recipes.summaries import automatic

# The most revisions one run may undo, and the most recipes a rollback everywhere touches.
MAX_RUN = 500
MAX_RECIPES = 200


@dataclass(frozen=True)
class Plan:
    """What rolling back a user's run on a recipe would do: the run (newest first) and the revision
    whose text would come back."""

    recipe: Recipe
    user: User
    run: list[Revision]
    restored: Revision


@dataclass(frozen=True)
class Everywhere:
    """A rollback across recipes: what was rolled back, and what was not, with why."""

    rolled_back: list[SaveOutcome]
    skipped: dict[str, LevainError]


def rollback_user(
    session: Session, slug: str, *, moderator: User, user_name: object, render: Renderer, summary: object = ""
) -> SaveOutcome:
    """Revert ``user_name``'s latest consecutive edits of recipe ``slug``."""
    require(moderator, "rollback")
    target = _named_user(session, user_name)
    summary = validation.clean_summary(summary)
    with write_transaction(session):
        recipe = recipe_for_writing(session, slug)
        require(moderator, "rollback", recipe)
        run, restored = _run_at_head(session, recipe, target)
        body = load_blob(session, restored.blob_id).text
        revision = append_revision(
            session,
            recipe,
            recipe.head_revision,
            author=moderator,
            title=restored.title,
            body=body,
            summary=summary or automatic("rollback", name=target.name, count=len(run)),
            kind="revert",
            render=render,
            blob_hint=restored.blob_id,
            status=review_status(
                moderator, "revert", recipe, "none", unreviewed_text=restored.status != "approved"
            ),
        )
        reject_rolled_back(session, run, moderator, f"Annulé par {moderator.name}", revision)
        record_change(
            session,
            type="rollback",
            user=moderator,
            recipe=recipe,
            revision=revision,
            target_user=target,
            summary=automatic("rollback_done", name=target.name, count=len(run)),
        )
    return SaveOutcome(recipe, revision)


def plan_rollback(session: Session, slug: str, *, moderator: User, user_name: object) -> Plan:
    """What ``rollback_user`` would do, without doing it: for the moderator to confirm."""
    require(moderator, "rollback")
    target = _named_user(session, user_name)
    recipe = get_recipe(session, slug)
    require(moderator, "rollback", recipe)
    run, restored = _run_at_head(session, recipe, target)
    return Plan(recipe, target, run, restored)


def plan_everywhere(session: Session, user_name: object, *, moderator: User) -> list[Plan]:
    """What ``rollback_everywhere`` would do, recipe by recipe; recipes it would skip are left out."""
    require(moderator, "rollback")
    target = _named_user(session, user_name)
    plans = []
    for recipe in session.scalars(_heads_by(target)):
        try:
            plans.append(Plan(recipe, target, *_run_at_head(session, recipe, target)))
        except LevainError:
            continue  # the rollback itself says why it skips it
    return plans


def _named_user(session: Session, user_name: object) -> User:
    if not isinstance(user_name, str) or not user_name.strip():
        raise Invalid("Name the user whose edits to roll back.")
    return get_user(session, user_name)


def _heads_by(target: User):
    """The recipes whose newest revision is ``target``'s, most recently changed first."""
    return (
        select(Recipe)
        .join(Revision, Revision.id == Recipe.head_revision_id)
        .where(Revision.author_id == target.id)
        .order_by(Recipe.updated_at.desc())
        .limit(MAX_RECIPES)
    )


def _run_at_head(session: Session, recipe: Recipe, target: User) -> tuple[list[Revision], Revision]:
    """The user's revisions at the top of the chain (newest first) and the revision before them."""
    newest = session.scalars(
        select(Revision)
        .where(Revision.recipe_id == recipe.id)
        .order_by(Revision.number.desc())
        .limit(MAX_RUN + 1)
    )
    run: list[Revision] = []
    for revision in newest:
        if revision.author_id != target.id:
            if not run:
                break
            return run, revision
        run.append(revision)
    if not run:
        raise Invalid(
            "The latest edit of {slug!r} is not by {name}: nothing to roll back.",
            values={"slug": recipe.slug, "name": target.name},
        )
    raise Invalid(
        "{name} wrote every revision of {slug!r}: there is nothing to go back to.",
        values={"name": target.name, "slug": recipe.slug},
    )


def rollback_everywhere(
    session: Session, user_name: object, *, moderator: User, render: Renderer, summary: object = ""
) -> Everywhere:
    """Roll back ``user_name``'s latest edits of every recipe whose newest revision is theirs."""
    require(moderator, "rollback")
    target = _named_user(session, user_name)
    slugs = [recipe.slug for recipe in session.scalars(_heads_by(target))]
    session.commit()  # end the read: each rollback is a write transaction of its own
    if not slugs:
        raise Invalid(
            "{name} has no edit at the top of any recipe: nothing to roll back.", values={"name": target.name}
        )
    done, skipped = [], {}
    for slug in slugs:
        try:
            done.append(
                rollback_user(
                    session, slug, moderator=moderator, user_name=target.name, render=render, summary=summary
                )
            )
        except LevainError as error:
            skipped[slug] = error
    return Everywhere(done, skipped)
