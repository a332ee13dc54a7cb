"""The one hierarchy of domain errors. The web layer turns each ``code`` into an HTTP answer.

Every error carries a ``code`` (a word from the API contract) and a message for a person.
"""

from __future__ import annotations


class LevainError(Exception):
    """A domain rule said no; nothing was saved."""

    code = "invalid"

    def __init__(self, message: str, **details):
        super().__init__(message)
        self.message = message
        self.details = details


class NotFound(LevainError):
    code = "not_found"


class Invalid(LevainError):
    code = "invalid"


class Unauthorized(LevainError):
    code = "unauthorized"


class Forbidden(LevainError):
    code = "forbidden"


class TooLarge(LevainError):
    code = "too_large"


class EditConflict(LevainError):
    """A save based on an old revision overlaps changes saved since."""

    code = "edit_conflict"

    def __init__(self, message: str, *, head_revision: int, conflicts: list | None = None, **details):
        super().__init__(message, head_revision=head_revision, **details)
        self.head_revision = head_revision
        self.conflicts = conflicts or []


class MergeConflict(LevainError):
    code = "merge_conflict"

