"""Regions, forks, lineage, upstream sync, compare and proposals."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from .common import Answer, Diff, Licence, Number, Op, Paging, RecipeAt, Slug, Time

ProposalStatus = Literal["open", "accepted", "declined"]


class RegionDraft(BaseModel):
    name: str


class ForkRequest(BaseModel):
    """Where the fork goes; its title and slug default to the recipe's and ``{slug}-{region}``."""

    region: Slug
    title: str | None = None
    slug: str | None = None
    licence: Licence | None = Field(None, description="Another licence than the recipe's, one it permits.")


class SyncRequest(BaseModel):
    """A three-way merge of upstream into the fork, with a person's resolutions of its conflicts."""

    base_revision: Number
    upstream_revision: Number | None = None
    resolutions: list[str] | None = Field(None, description="One text per conflict, in order.")
    summary: str | None = None


class ProposalDraft(BaseModel):
    summary: str


class CommentDraft(BaseModel):
    body: str


class AcceptRequest(BaseModel):
    resolutions: list[str] | None = Field(None, description="One text per conflict, in order.")
    head_revision: Number | None = Field(None, description="The target's head the editor merged on.")
    comment: str | None = None


class DeclineRequest(BaseModel):
    comment: str


class ProposalQuery(Paging):
    target: Slug | None = None
    recipe: Slug | None = None
    status: ProposalStatus | None = None


class CompareQuery(BaseModel):
    a: str = Field("", description="slug[@revision]")
    b: str = Field("", description="slug[@revision]")


class Region(Answer):
    slug: str
    name: str


class RegionList(Answer):
    items: list[Region]


class LineageNode(Answer):
    """A recipe in a lineage: where it is, when it changed, how it stands to its parent."""

    slug: str
    title: str
    region: str | None
    head_revision: int
    updated_at: Time
    base: int | None
    behind: int | None
    ahead: int | None


class RegionRecipe(LineageNode):
    parent: str | None


class RegionDetail(Region):
    recipes: list[RegionRecipe]


class Ancestor(LineageNode):
    revision: int | None


class Descendant(LineageNode):
    fork_revision: int | None
    children: list[Descendant]


class Lineage(Answer):
    recipe: LineageNode
    ancestors: list[Ancestor] = Field(description="Parent first.")
    descendants: list[Descendant]


class Upstream(Answer):
    parent: RecipeAt
    base: int = Field(description="The last upstream revision merged in (the fork point at first).")
    upstream_head: int
    behind: int
    ahead: int


class Synced(Answer):
    changed: bool
    revision: int
    merged: bool | None = None
    upstream_revision: int | None = None


class Comparison(Answer):
    from_: RecipeAt = Field(alias="from")
    to: RecipeAt
    ops: list[Op]


class Proposal(Answer):
    id: int
    source: str
    target: str
    source_revision: int
    base_revision: int
    status: ProposalStatus
    summary: str
    author: str
    created_at: Time
    decided_by: str | None
    decided_at: Time | None
    decision_comment: str | None
    target_revision: int | None


class ProposalList(Answer):
    items: list[Proposal]


class Comment(Answer):
    author: str
    body: str
    created_at: Time


class ProposalDetail(Proposal):
    diff: Diff
    comments: list[Comment]
    mergeable: bool | None
