"""The one hierarchy of domain errors. The web layer turns each ``code`` into an HTTP answer.

Every error carries a ``code`` (a word from the API contract) and a message for a person. The message
is an English sentence, written as a template whose ``{name}`` fields come from ``values``:
``Invalid("There is no region {slug!r}.", values={"slug": slug})``. The web layer looks the template up
in the reader's language and fills it in there (the catalogues gather every template written as the
first argument of an error class); ``message`` is the English sentence, for the command line and logs.
Never build the sentence beforehand (an f-string cannot be translated).
"""

from __future__ import annotations

from collections.abc import Mapping


class LevainError(Exception):
    """A domain rule said no; nothing was saved."""

    code = "invalid"

    def __init__(self, message: str, /, *, values: Mapping[str, object] | None = None, **details):
        self.template = message
        self.values = dict(values or {})
        self.message = message.format(**self.values) if self.values else message
        super().__init__(self.message)
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

    def __init__(self, message: str, /, *, head_revision: int, conflicts: list | None = None, **details):
        super().__init__(message, head_revision=head_revision, **details)
        self.head_revision = head_revision
        self.conflicts = conflicts or []


class MergeConflict(LevainError):
    code = "merge_conflict"



class LicenceConflict(LevainError):
    """A licence does not permit what was asked: a fork, a flow of text, a change of licence."""

    code = "licence_conflict"
