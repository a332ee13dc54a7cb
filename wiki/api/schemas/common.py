"""What several areas of the API share: the error answer, slugs, revision numbers, times, pages."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictInt

from recipes.licences.rules import LICENCES
from recipes.slugs import MAX_SLUG_LENGTH
from recipes.validation import MAX_REVISION_NUMBER, clean_tags

from ..common import MAX_NAME_LENGTH

# A revision number, an id, a count: a whole number from 1 that fits the database's 32-bit columns.
# Strict in JSON bodies (``true`` or ``1.5`` is not a revision); query and path text is converted.
Number = Annotated[StrictInt, Field(ge=1, le=MAX_REVISION_NUMBER)]
QueryNumber = Annotated[int, Field(ge=1, le=MAX_REVISION_NUMBER)]


def printable(text: str) -> str:
    """Text a lookup may use: no control characters (PostgreSQL refuses even to compare a NUL)."""
    if not text.isprintable():
        raise ValueError("not printable")
    return text


def one_tag(text: str) -> str | None:
    """A tag asked for, cleaned like the tags of a recipe (``Invalid`` when it cannot be one)."""
    tags = clean_tags([text])
    return tags[0] if tags else None


Slug = Annotated[str, Field(min_length=1, max_length=MAX_SLUG_LENGTH), AfterValidator(printable)]
Tag = Annotated[str, AfterValidator(one_tag)]
# A user name or a change type: short printable text; a longer one is not looked up.
Name = Annotated[str, Field(min_length=1, max_length=MAX_NAME_LENGTH), AfterValidator(printable)]
Time = datetime
Licence = Literal[tuple(LICENCES)]  # type: ignore[valid-type]  # an SPDX identifier Levain knows
# Each op of a diff is [-1 removed | 0 kept | 1 added, text].
Op = Annotated[list[int | str], Field(min_length=2, max_length=2)]

# The schema of each path parameter, by its name in the routes.
PATH_PARAMETERS: dict[str, dict[str, Any]] = {
    "slug": {"type": "string", "minLength": 1, "maxLength": MAX_SLUG_LENGTH},
    "number": {"type": "integer", "minimum": 1},
    "proposal_id": {"type": "integer", "minimum": 1},
    "change_id": {"type": "integer", "minimum": 1},
    "event_id": {"type": "integer", "minimum": 1},
    "name": {"type": "string", "minLength": 1, "maxLength": MAX_NAME_LENGTH},
}


class Answer(BaseModel):
    """An answer: the fields named are promised, others may come."""

    model_config = ConfigDict(extra="allow")


class Conflict(Answer):
    """A region both sides of a merge changed differently."""

    base: str
    ours: str
    theirs: str


class ErrorDetail(Answer):
    code: str
    message: str


class Error(Answer):
    """Every error answer: ``{"error": {"code", "message"}}``, with a conflict's details."""

    error: ErrorDetail
    head_revision: int | None = None
    upstream_revision: int | None = None
    conflicts: list[Conflict] | None = None


class RecipeAt(Answer):
    """A recipe at one of its revisions."""

    slug: str
    revision: int


class Diff(Answer):
    """The ops from one text to another: kept and removed texts give the first, kept and added the second."""

    from_: int | None = Field(alias="from")
    to: int
    ops: list[Op]


class Paging(BaseModel):
    """How many items a list answers at most."""

    limit: QueryNumber | None = None
