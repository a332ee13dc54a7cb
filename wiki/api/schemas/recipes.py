"""Recipes and revisions: create, read, save, history, diff, revert, preview."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from recipes.models import LANGUAGES

from .common import Answer, Licence, Number, Paging, QueryNumber, RecipeAt, Slug, Tag, Time

Language = Literal[LANGUAGES]  # type: ignore[valid-type]
# Tags are a list of words, or one comma-separated text as the web form sends them.
Tags = list[str] | str


class RecipeDraft(BaseModel):
    """A new recipe; its slug is made from its title."""

    title: str
    body: str
    region: Slug | None = None
    tags: Tags | None = None
    language: Language | None = None
    summary: str | None = None
    licence: Licence | None = Field(None, description="One the instance offers; by default its first.")


class RecipeEdit(BaseModel):
    """A new text of a recipe, edited from revision ``base_revision``; or a new licence (moderators).

    ``body`` and ``base_revision`` are needed unless ``licence`` alone is sent.
    """

    body: str | None = None
    base_revision: Number | None = None
    licence: Licence | None = Field(
        None, description="Moderators: only towards one the current licence permits."
    )
    summary: str | None = None
    title: str | None = None
    tags: Tags | None = None
    upstream_revision: Number | None = Field(
        None, description="On a fork: this save resolves a sync up to that upstream revision."
    )


class RevertRequest(BaseModel):
    revision: Number
    summary: str | None = None


class PreviewRequest(BaseModel):
    body: str


class RecipeListQuery(Paging):
    region: Slug | None = None
    tag: Tag | None = None
    cursor: Slug | None = Field(None, description="The last slug of the previous page.")


class RevisionListQuery(Paging):
    before: QueryNumber | None = Field(None, description="The number of the last revision seen.")


class DiffQuery(BaseModel):
    from_: QueryNumber | None = Field(None, alias="from")
    to: QueryNumber | None = None


class RecipeSummary(Answer):
    """A recipe without its text, as lists show it."""

    slug: str
    title: str
    region: str | None
    tags: list[str]
    language: str
    licence: str = Field(description="An SPDX identifier.")
    revision: int | None = Field(description="The revision readers see.")
    head_revision: int | None = Field(None, description="The newest revision, to send as base_revision.")
    parent: RecipeAt | None
    created_at: Time
    updated_at: Time


class Credit(Answer):
    """One recipe a recipe was adapted from: the revision copied, its licence and its authors then."""

    slug: str
    title: str
    region: str | None
    revision: int | None
    licence: str
    authors: list[str]


class Recipe(RecipeSummary):
    body: str
    html: str
    authors: list[str] = Field(description="Everyone with an approved revision, by first contribution.")
    attribution: list[Credit] = Field(description="The recipes it was adapted from, parent first.")


class Attribution(Answer):
    """The credit to paste under a copied or printed recipe: title, authors, source, licence."""

    text: str
    html: str


class SavedRecipe(Recipe):
    changed: bool | None = None
    merged: bool | None = None


class Pending(Answer):
    """Saved, waiting for review."""

    status: Literal["pending"]
    revision: int
    slug: str | None = None


class RecipePage(Answer):
    items: list[RecipeSummary]
    next: str | None


class Revision(Answer):
    number: int
    author: str
    summary: str
    created_at: Time
    status: Literal["approved", "pending", "rejected"]
    size: int
    size_delta: int | None = None
    kind: str | None = None
    title: str | None = None


class RevisionWithBody(Revision):
    body: str
    html: str | None = None


class RevisionPage(Answer):
    items: list[Revision]
    next: int | None


class Preview(Answer):
    html: str
