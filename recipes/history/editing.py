"""Saving recipes: create, edit, revert. Every save appends a revision; nothing is overwritten.

A save locks the recipe, reads its head, stores the text as a blob (rendering its HTML once), inserts
the new revision and moves the head with a compare-and-set (``UPDATE recipes … WHERE head_number =
:base``) in one write transaction (``recipes.history.revisions``). If the head moved since the editor opened
the page, the save is merged
three-way (base: the revision the editor started from, ours: the editor's text, theirs: the head) and
saved on top of the head when the changes do not overlap, or refused as a conflict: never
last-writer-wins.

A revision's *kind* says how it came to be: create, edit, revert, fork (the first revision of a
variant), sync (a variant took in its parent's changes), proposal (a parent took in a variant's). A
fork or sync revision records the parent revision it took in (``upstream_revision_id``).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from recipes import validation
from recipes.blobs import load_blob
from recipes.community.policy import require
from recipes.community.visibility import require_visible
from recipes.database import write_transaction
from recipes.errors import EditConflict, Invalid
from recipes.history.images import adopt_uploads
from recipes.history.merge import merge3
from recipes.history.revisions import (
    Renderer,
    SaveOutcome,
    append_revision,
    has_unreviewed_head,
    merged_upstream_number,
    recipe_for_writing,
    rendered_ahead,
    review_status,
)
from recipes.licences.rules import DEFAULT_OFFERED, clean_licence
from recipes.models import Recipe, RecipeTag, Region, Revision, SearchOutbox, User
from recipes.queries import get_revision
from recipes.slugs import MAX_SLUG_LENGTH, RESERVED_SLUGS, slugify


def unique_slug(session: Session, title: str, also_taken: Collection[str] = ()) -> str:
    """The slug of a title (or of a slug), numbered ``-2``, ``-3`` … when taken or reserved, never too long.

    ``also_taken``: slugs promised to recipes not saved yet (an import choosing them beforehand).
    """
    base = slugify(title)
    taken = set(
        session.scalars(select(Recipe.slug).where(Recipe.slug.like(f"{base[: MAX_SLUG_LENGTH - 20]}%")))
    )
    candidate, n = base, 2
    while candidate in taken or candidate in also_taken or candidate in RESERVED_SLUGS:
        suffix = f"-{n}"
        candidate = base[: MAX_SLUG_LENGTH - len(suffix)].rstrip("-") + suffix
        n += 1
    return candidate


def region_by_slug(session: Session, slug: str | None) -> Region | None:
    """The region a request names, None when it names none; an unknown one is invalid input."""
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
    review_policy: str = "none",
    licence: str | None = None,
    offered_licences: tuple[str, ...] = DEFAULT_OFFERED,
) -> SaveOutcome:
    """Create a recipe with its first revision, under ``licence`` (one of those offered; default the first).

    When that revision must wait for review, the recipe stays hidden from readers (it has no published
    revision) until a moderator approves it.
    """
    require(author, "create")
    title, body = validation.clean_title(title), validation.clean_body(body)
    summary, tags = validation.clean_summary(summary), validation.clean_tags(tags)
    language = validation.clean_language(language)
    licence = clean_licence(licence or offered_licences[0], offered_licences)
    render = rendered_ahead(render, body)
    with write_transaction(session):
        recipe = Recipe(
            slug=unique_slug(session, title),
            title=title,
            language=language,
            licence=licence,
            region=region_by_slug(session, region),
            tags=[RecipeTag(tag=t) for t in tags],
        )
        session.add(recipe)
        session.flush()
        revision = append_revision(
            session,
            recipe,
            None,
            author=author,
            title=title,
            body=body,
            summary=summary or "Création",
            kind="create",
            render=render,
            status=review_status(author, "create", None, review_policy, unreviewed_text=False),
        )
        adopt_uploads(session, recipe, author, render(body))  # rendered ahead: no second rendering
    return SaveOutcome(recipe, revision)


@dataclass(frozen=True)
class _Edit:
    """What a person sent to save, cleaned."""

    author: User
    body: str
    base_number: int
    summary: str
    title: str | None
    tags: list[str] | None
    upstream_number: int | None
    review_policy: str


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
    upstream_revision: int | None = None,
    review_policy: str = "none",
) -> SaveOutcome:
    """Save a new text of a recipe, edited from revision ``base_revision``.

    The same text and title as the head make no revision (``changed`` is False). A base older than
    the head is merged three-way with the head (``merged`` is True) or refused with an EditConflict
    listing the conflicts and the head's text. ``upstream_revision``, on a fork, records that this
    text takes in the parent's changes up to that parent revision (a sync resolved by hand).
    """
    body, summary = validation.clean_body(body), validation.clean_summary(summary)
    base_revision = validation.clean_revision_number(base_revision, "base revision")
    if upstream_revision is not None:
        upstream_revision = validation.clean_revision_number(upstream_revision, "upstream revision")
    edit = _Edit(
        author=author,
        body=body,
        base_number=base_revision,
        summary=summary,
        title=validation.clean_title(title) if title is not None else None,
        tags=validation.clean_tags(tags) if tags is not None else None,
        upstream_number=upstream_revision,
        review_policy=review_policy,
    )
    # A merged text is rendered under the lock, but the text as sent (nearly always what is saved) is not.
    render = rendered_ahead(render, body)
    with write_transaction(session):
        return _save_on_head(session, slug, edit, render)


def _save_on_head(session: Session, slug: str, edit: _Edit, render: Renderer) -> SaveOutcome:
    recipe = recipe_for_writing(session, slug)
    require(edit.author, "edit", recipe)
    head = recipe.head_revision
    if edit.base_number > head.number:
        raise Invalid(f"Revision {edit.base_number} does not exist yet; the latest is {head.number}.")
    upstream = _upstream_record(session, recipe, edit.upstream_number)
    base = head if edit.base_number == head.number else get_revision(session, recipe, edit.base_number)
    head_text = load_blob(session, head.blob_id).text
    body = _merged_with_head(session, base, head, head_text, edit.body)
    # The title too is merged: one left as it was at the base does not undo a newer one.
    title = head.title if edit.title in (None, base.title) else edit.title
    status = review_status(
        edit.author, "edit", recipe, edit.review_policy, unreviewed_text=has_unreviewed_head(recipe)
    )
    tags_changed = _retag(recipe, edit.tags, status)
    merged = base is not head
    if head_text == body and title == head.title and upstream is None:
        if tags_changed:
            session.add(SearchOutbox(recipe_id=recipe.id))
        return SaveOutcome(recipe, head, changed=False, merged=merged)
    revision = append_revision(
        session,
        recipe,
        head,
        author=edit.author,
        title=title,
        body=body,
        summary=edit.summary,
        kind="sync" if upstream is not None else "edit",
        render=render,
        upstream_revision_id=upstream.id if upstream is not None else None,
        status=status,
    )
    return SaveOutcome(recipe, revision, merged=merged)


def _retag(recipe: Recipe, tags: list[str] | None, status: str) -> bool:
    """Give the recipe the edit's tags (None: leave them); return whether they changed.

    Tags belong to the recipe, not to a revision: they cannot wait for review with an edit.
    """
    if tags is None or tags == recipe.tag_names:
        return False
    if status == "pending":
        raise Invalid(
            "Your edit will wait for review, and tags cannot wait with it: leave the tags as they are "
            "(an editor can change them)."
        )
    recipe.tags = [RecipeTag(tag=t) for t in tags]
    return True


def _merged_with_head(session: Session, base: Revision, head: Revision, head_text: str, ours: str) -> str:
    """The text to save on the head: ours, or ours merged with what was saved since our base."""
    if base is head:
        return ours
    merge = merge3(load_blob(session, base.blob_id).text, ours, head_text)
    if not merge.clean:
        raise EditConflict(
            "Someone changed the same lines after you started editing; choose what to keep.",
            head_revision=head.number,
            conflicts=list(merge.conflicts),
            current_text=head_text,
        )
    return merge.text


def _upstream_record(session: Session, recipe: Recipe, number: int | None) -> Revision | None:
    """The parent revision a save on a fork says it takes in; it must be newer than the last one taken."""
    if number is None:
        return None
    if recipe.parent is None:
        raise Invalid(f"{recipe.slug!r} is not a fork: it has no upstream revision to take in.")
    upstream = session.scalar(
        select(Revision).where(Revision.recipe_id == recipe.parent_id, Revision.number == number)
    )
    if upstream is None:
        raise Invalid(f"The recipe {recipe.parent.slug!r} has no revision {number}.")
    already = merged_upstream_number(session, recipe)
    if number < already:
        raise Invalid(f"This variant already took in revision {already} of {recipe.parent.slug!r}.")
    return upstream


def revert(
    session: Session,
    slug: str,
    *,
    author: User,
    number: int,
    render: Renderer,
    summary: str = "",
    review_policy: str = "none",
) -> SaveOutcome:
    """Make a new revision whose text and title are those of revision ``number``; nothing is deleted.

    Going back to an approved revision brings back reviewed text: it needs no review beyond the policy.
    """
    number = validation.clean_revision_number(number)
    summary = validation.clean_summary(summary)
    with write_transaction(session):
        recipe = recipe_for_writing(session, slug)
        require(author, "revert", recipe)
        target = get_revision(session, recipe, number)
        require_visible(author, target)
        head = recipe.head_revision
        if target.blob_id == head.blob_id and target.title == head.title:
            return SaveOutcome(recipe, head, changed=False)
        body = load_blob(session, target.blob_id).text
        revision = append_revision(
            session,
            recipe,
            head,
            author=author,
            title=target.title,
            body=body,
            summary=summary or f"Retour à la révision {number}",
            kind="revert",
            render=render,
            blob_hint=target.blob_id,
            status=review_status(
                author, "revert", recipe, review_policy, unreviewed_text=target.status != "approved"
            ),
        )
    return SaveOutcome(recipe, revision)
