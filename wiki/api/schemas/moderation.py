"""Moderation: the review queue, approving and rejecting, protection, rollback, blocks, roles."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, StrictInt

from recipes.models import ROLES
from recipes.validation import MAX_REVISION_NUMBER

from .common import Answer, Paging, RecipeAt, Time

ProtectionLevel = Literal["editor", "moderator", "none"]
Role = Literal[ROLES]  # type: ignore[valid-type]
# An expiry in ISO 8601 ('2026-12-01', '2026-12-01T18:00+01:00'); none or empty: never.
Expiry = str | None


class ReviewQuery(Paging):
    pass


class ApproveRequest(BaseModel):
    published_revision: Annotated[StrictInt, Field(ge=0, le=MAX_REVISION_NUMBER)] | None = Field(
        None, description="The revision readers saw when the moderator compared (0: none)."
    )


class RejectRequest(BaseModel):
    reason: str


class ProtectRequest(BaseModel):
    level: ProtectionLevel
    reason: str | None = None
    expires: Expiry = None


class RollbackRequest(BaseModel):
    user: str
    summary: str | None = None


class SummaryRequest(BaseModel):
    summary: str | None = None


class BlockRequest(BaseModel):
    reason: str | None = None
    expires: Expiry = None


class RoleRequest(BaseModel):
    role: Role


class ReviewItem(Answer):
    recipe: str
    revision: int
    author: str
    summary: str
    created_at: Time
    published_revision: int | None = None


class ReviewQueue(Answer):
    items: list[ReviewItem]


class Decision(Answer):
    status: Literal["approved", "rejected"]
    revision: int
    head_revision: int | None = None


class Protection(Answer):
    recipe: str
    level: ProtectionLevel
    reason: str | None = None
    expires: Time | None = None


class RolledBack(Answer):
    recipe: str
    revision: int
    status: str


class RolledBackEverywhere(Answer):
    rolled_back: list[RecipeAt]
    skipped: dict[str, str] = Field(description="The recipes left alone, each with why.")


class Block(Answer):
    user: str
    blocked: bool
    reason: str | None = None
    expires: Time | None = None


class UserRole(Answer):
    user: str
    role: Role
