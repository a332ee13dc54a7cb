"""Renaming and soft deletion of recipes.

- *rename*: an editor gives a recipe a new title and slug. The former slug and title are kept as a
  *redirect* (``RecipeRedirect``), so that old addresses and wiki links still lead to the recipe;
  lineage is by id and follows by itself. A new title is a new revision (kind ``rename``) with the
  same text, so that later edits keep it.
- *old address*: any slug that leads to a recipe (``add_old_address``), such as a page that redirected
  to it on a wiki it was imported from.
- *delete*: a moderator hides a recipe from readers, lists and search; its history, lineage and
  variants stay, and *restore* brings it back. Both are recorded in recent changes and the audit log.
"""

from __future__ import annotations

from sqlalchemy import delete, exists, select, update
from sqlalchemy.orm import Session

from recipes import validation
from recipes.blobs import load_blob
from recipes.community.policy import require
from recipes.database import write_transaction
from recipes.errors import Invalid
from recipes.history.revisions import Renderer, append_revision, has_unreviewed_head, recipe_for_writing
from recipes.journal.changes import record_change
from recipes.lineage.forks import clean_new_slug
from recipes.models import Recipe, RecipeRedirect, SearchOutbox, User, utcnow
from recipes.queries import get_recipe
from recipes.slugs import refuse_reserved, slugify


def rename_recipe(
    session: Session, slug: str, *, user: User, title: object, render: Renderer, new_slug: object = None
) -> Recipe:
    """Give a recipe a new title and address (by default the slug of the title); the old one redirects."""
    require(user, "rename")
    title = validation.clean_title(title)
    chosen = clean_new_slug(new_slug)
    with write_transaction(session):
        recipe = recipe_for_writing(session, slug)
        require(user, "rename", recipe)
        head = recipe.head_revision
        target = chosen or slugify(title)
        refuse_reserved(target)
        if target == recipe.slug and title == head.title:
            raise Invalid("The new title and address are the ones the recipe already has.")
        old_slug, old_title = recipe.slug, head.title
        _readdress(session, recipe, target, old_title)
        session.add(SearchOutbox(recipe_id=recipe.id))  # the slug is part of the search document
        summary = f"Renommée : « {old_title} » ({old_slug}) → « {title} » ({target})"
        if title != head.title:
            body = load_blob(session, head.blob_id).text
            append_revision(
                session,
                recipe,
                head,
                author=user,
                title=title,
                body=body,
                summary=summary[: validation.MAX_SUMMARY_LENGTH],
                kind="rename",
                render=render,
                blob_hint=head.blob_id,
                # On top of text awaiting review, the new title waits with it (the text is the head's).
                status="pending" if has_unreviewed_head(recipe) else "approved",
            )
        else:
            record_change(session, type="rename", user=user, recipe=recipe, summary=summary)
    return recipe


def _readdress(session: Session, recipe: Recipe, target: str, old_title: str) -> None:
    """Move the recipe to slug ``target``; its present slug and the slug of its old title lead to it."""
    if target != recipe.slug:
        if _in_use(session, Recipe.slug, target):
            raise Invalid(f"The address {target!r} is taken by another recipe; choose another.")
        # The new address stops redirecting elsewhere; the present one now redirects here.
        session.execute(delete(RecipeRedirect).where(RecipeRedirect.slug.in_([target, recipe.slug])))
        session.add(RecipeRedirect(slug=recipe.slug, recipe_id=recipe.id))
    # Wiki links name a recipe by its title: a link to the old title leads here too, if that is free.
    title_slug = slugify(old_title)
    if title_slug != target:
        add_old_address(session, recipe, title_slug)
    recipe.slug = target
    session.flush()


def add_old_address(session: Session, recipe: Recipe, slug: str) -> bool:
    """Make ``slug`` a former address of the recipe, if no recipe or former address has it already.

    Return whether it was added (in the caller's write transaction).
    """
    if not slug or slug == recipe.slug or _in_use(session, Recipe.slug, slug):
        return False
    if _in_use(session, RecipeRedirect.slug, slug):
        return False
    session.add(RecipeRedirect(slug=slug, recipe_id=recipe.id))
    session.flush()
    return True


def _in_use(session: Session, column, slug: str) -> bool:
    return bool(session.scalar(select(exists().where(column == slug))))


def redirect_target(session: Session, slug: str) -> str | None:
    """The present slug of the live recipe that used to be at ``slug``, when no recipe is there now."""
    query = (
        select(Recipe.slug)
        .join(RecipeRedirect, RecipeRedirect.recipe_id == Recipe.id)
        .where(RecipeRedirect.slug == slug, Recipe.deleted_at.is_(None))
        .where(~exists().where(Recipe.slug == slug))
    )
    return session.scalar(query)


def delete_recipe(session: Session, slug: str, *, user: User, reason: object) -> Recipe:
    """Hide a recipe from readers, lists and search, keeping its history; a moderator's action."""
    return _set_deleted(session, slug, user=user, reason=reason, deleting=True)


def restore_recipe(session: Session, slug: str, *, user: User, reason: object = "") -> Recipe:
    """Bring a deleted recipe back, as it was."""
    return _set_deleted(session, slug, user=user, reason=reason, deleting=False)


def _set_deleted(session: Session, slug: str, *, user: User, reason: object, deleting: bool) -> Recipe:
    require(user, "delete")
    reason = validation.clean_summary(reason)
    if deleting and not reason:
        raise Invalid("Say why the recipe is deleted.")
    with write_transaction(session):
        recipe = get_recipe(session, slug, include_deleted=True)
        require(user, "delete", recipe)
        state = Recipe.deleted_at.is_(None) if deleting else Recipe.deleted_at.is_not(None)
        changed = session.execute(
            update(Recipe)
            .where(Recipe.id == recipe.id, state)
            .values(deleted_at=utcnow() if deleting else None)
            .execution_options(synchronize_session=False)
        ).rowcount
        if changed != 1:
            raise Invalid(f"The recipe {slug!r} is {'already' if deleting else 'not'} deleted.")
        session.refresh(recipe)
        session.add(SearchOutbox(recipe_id=recipe.id))
        record_change(
            session,
            type="delete" if deleting else "restore",
            user=user,
            recipe=recipe,
            summary=reason,
            reason=reason,
        )
    return recipe
