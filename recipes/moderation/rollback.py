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
from recipes.summaries import automatic

# The most revisions one run may undo, and the most recipes a rollback everywhere touches.
MAX_RUN = 500
MAX_RECIPES = 200


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
    if not isinstance(user_name, str) or not user_name.strip():
        raise Invalid("Name the user whose edits to roll back.")
    summary = validation.clean_summary(summary)
    with write_transaction(session):
        recipe = recipe_for_writing(session, slug)
        require(moderator, "rollback", recipe)
        target = get_user(session, user_name)
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
    if not isinstance(user_name, str) or not user_name.strip():
        raise Invalid("Name the user whose edits to roll back.")
    target = get_user(session, user_name)
    slugs = list(
        session.scalars(
            select(Recipe.slug)
            .join(Revision, Revision.id == Recipe.head_revision_id)
            .where(Revision.author_id == target.id)
            .order_by(Recipe.updated_at.desc())
            .limit(MAX_RECIPES)
        )
    )
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
