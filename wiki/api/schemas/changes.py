"""Recent changes and their patrol, the audit log, renaming, deleting and restoring recipes."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from .common import Answer, Name, Paging, QueryNumber, Slug, Time


class ChangeQuery(Paging):
    before: QueryNumber | None = Field(None, description="The ``next`` cursor of the previous page.")
    region: Slug | None = None
    user: Name | None = None
    recipe: Slug | None = None
    type: Name | None = None
    unpatrolled: Literal["0", "1", "true", "false", "yes", "no", "on"] | None = None


class AuditQuery(Paging):
    before: QueryNumber | None = None


class RenameRequest(BaseModel):
    title: str
    slug: str | None = Field(None, description="Default: made from the title.")


class ReasonRequest(BaseModel):
    reason: str | None = None


class Change(Answer):
    id: int
    type: str
    recipe: str | None
    revision: int | None
    user: str | None
    summary: str | None
    at: Time
    patrolled: bool
    size_delta: int | None = None
    target_user: str | None = None


class ChangePage(Answer):
    items: list[Change]
    next: int | None


class Patrolled(Answer):
    id: int
    patrolled: Literal[True]


class AuditEntry(Answer):
    id: int
    action: str
    actor: str | None
    recipe: str | None
    target_user: str | None
    summary: str | None
    reason: str | None
    at: Time


class AuditPage(Answer):
    items: list[AuditEntry]
    next: int | None


class Moved(Answer):
    """A recipe renamed, deleted or restored."""

    slug: str
    title: str | None = None
    renamed_from: str | None = None
    deleted: bool | None = None
