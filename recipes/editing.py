"""Saving recipes: create, edit, revert. Every save appends a revision; nothing is overwritten.

A save reads the head it was based on, stores the text as a blob (rendering its HTML once), inserts the
new revision and moves the head with a compare-and-set (``UPDATE recipes … WHERE head_number = :base``)
in one write transaction. If the head moved since the editor opened the page, the save is either
merged three-way with what came in between or refused as a conflict: never last-writer-wins.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from . import validation
from .blobs import load_blob, store_blob
from .database import begin_write
from .errors import EditConflict, Invalid
from .models import Recipe, RecipeTag, Region, Revision, SearchOutbox, User, utcnow
from .policy import require
from .queries import get_recipe, get_revision
from .slugs import slugify

Renderer = Callable[[str], str]


@dataclass(frozen=True)
class SaveOutcome:
    """What a save did: the recipe, the revision readers now see or that awaits review."""

    recipe: Recipe
    revision: Revision
    changed: bool = True
    merged: bool = False


def _unique_slug(session: Session, title: str) -> str:
    base = slugify(title)
    taken = set(session.scalars(select(Recipe.slug).where(Recipe.slug.like(f"{base}%"))))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _region_by_slug(session: Session, slug: str | None) -> Region | None:
    if slug in (None, ""):
        return None
    region = session.scalar(select(Region).where(Region.slug == slug))
    if region is None:
        raise Invalid(f"There is no region {slug!r}.")
    return region


def create_recipe(
    session: Session,
    *,
    author: User,
    title: str,
    body: str,
    render: Renderer,
    summary: str = "",
    tags: list[str] | None = None,
    language: str | None = None,
    region: str | None = None,
) -> SaveOutcome:
    """Create a recipe with its first revision."""
    require(author, "create")
    title, body = validation.clean_title(title), validation.clean_body(body)
    summary, tags = validation.clean_summary(summary), validation.clean_tags(tags)
    language = validation.clean_language(language)
    begin_write(session)
    try:
        recipe = Recipe(
            slug=_unique_slug(session, title),
            title=title,
            language=language,
            region=_region_by_slug(session, region),
            tags=[RecipeTag(tag=t) for t in tags],
        )
        session.add(recipe)
        session.flush()
        revision = _append_revision(
            session, recipe, None, author=author, title=title, body=body, summary=summary or "Création",
            kind="create", render=render,
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return SaveOutcome(recipe, revision)


def _append_revision(
    session: Session,
    recipe: Recipe,
    head: Revision | None,
    *,
    author: User,
    title: str,
    body: str,
    summary: str,
    kind: str,
    render: Renderer,
    blob_hint: str | None = None,
) -> Revision:
    """Insert the next revision on top of ``head`` and move the recipe's head to it (compare-and-set)."""
    blob = store_blob(session, body, render, hint=blob_hint or (head.blob_id if head else None))
    base_number = head.number if head else 0
    moved = session.execute(
        update(Recipe)
        .where(Recipe.id == recipe.id, Recipe.head_number == base_number)
        .values(head_number=base_number + 1, updated_at=utcnow(), title=title)
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        raise EditConflict("Someone saved this recipe in the meantime.", head_revision=base_number)
    previous_size = head.size if head else 0
    revision = Revision(
        recipe_id=recipe.id, number=base_number + 1, parent_id=head.id if head else None, blob_id=blob,
        title=title, author_id=author.id, summary=summary, kind=kind, status="approved",
        size=len(body), size_delta=len(body) - previous_size,
    )
    session.add(revision)
    session.flush()
    session.execute(
        update(Recipe)
        .where(Recipe.id == recipe.id)
        .values(head_revision_id=revision.id, published_revision_id=revision.id)
        .execution_options(synchronize_session=False)
    )
    session.add(SearchOutbox(recipe_id=recipe.id))
    session.flush()
    session.refresh(recipe)
    return revision


def save_edit(
    session: Session,
    slug: str,
    *,
    author: User,
    body: str,
    base_revision: int,
    render: Renderer,
    summary: str = "",
    title: str | None = None,
    tags: list[str] | None = None,
) -> SaveOutcome:
    """Save a new text of a recipe, edited from revision ``base_revision``.

    The same text and title as the head make no revision (``changed`` is False).
    """
    body, summary = validation.clean_body(body), validation.clean_summary(summary)
    base_revision = validation.clean_revision_number(base_revision, "base revision")
    new_title = validation.clean_title(title) if title is not None else None
    new_tags = validation.clean_tags(tags) if tags is not None else None
    begin_write(session)
    try:
        outcome = _save_on_head(
            session, slug, author=author, body=body, base_number=base_revision, render=render,
            summary=summary, title=new_title, tags=new_tags,
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return outcome


def _save_on_head(
    session: Session, slug: str, *, author: User, body: str, base_number: int, render: Renderer,
    summary: str, title: str | None, tags: list[str] | None,
) -> SaveOutcome:
    recipe = get_recipe(session, slug)
    require(author, "edit", recipe)
    head = recipe.head_revision
    if base_number > head.number:
        raise Invalid(f"Revision {base_number} does not exist yet; the latest is {head.number}.")
    if base_number != head.number:
        raise EditConflict(
            "Someone saved this recipe after you started editing.", head_revision=head.number,
            conflicts=[], current_text=load_blob(session, head.blob_id).text,
        )
    title = title or head.title
    tags_changed = tags is not None and tags != recipe.tag_names
    if tags_changed:
        recipe.tags = [RecipeTag(tag=t) for t in tags]
    if load_blob(session, head.blob_id).text == body and title == head.title:
        if tags_changed:
            session.add(SearchOutbox(recipe_id=recipe.id))
        return SaveOutcome(recipe, head, changed=False)
    revision = _append_revision(
        session, recipe, head, author=author, title=title, body=body, summary=summary, kind="edit",
        render=render,
    )
    return SaveOutcome(recipe, revision)


def revert(
    session: Session, slug: str, *, author: User, number: int, render: Renderer, summary: str = ""
) -> SaveOutcome:
    """Make a new revision whose text and title are those of revision ``number``; nothing is deleted."""
    number = validation.clean_revision_number(number)
    summary = validation.clean_summary(summary)
    begin_write(session)
    try:
        recipe = get_recipe(session, slug)
        require(author, "revert", recipe)
        target = get_revision(session, recipe, number)
        head = recipe.head_revision
        if target.blob_id == head.blob_id and target.title == head.title:
            session.commit()
            return SaveOutcome(recipe, head, changed=False)
        body = load_blob(session, target.blob_id).text
        revision = _append_revision(
            session, recipe, head, author=author, title=target.title, body=body,
            summary=summary or f"Retour à la révision {number}", kind="revert", render=render,
            blob_hint=target.blob_id,
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return SaveOutcome(recipe, revision)
