"""The one hierarchy of domain errors. The web layer turns each ``code`` into an HTTP answer.

Every error carries a ``code`` (a word from the API contract) and a message for a person. The message
is an English sentence, written as a template whose ``{name}`` fields come from ``values``:
``Invalid("There is no region {slug!r}.", values={"slug": slug})``. The web layer looks the template up
in the reader's language and fills it in there (the catalogues gather every template written as the
first argument of an error class); ``message`` is the English sentence, for the command line and logs.
Never build the sentence beforehand (an f-string cannot be translated). A value that is a stored word
(a role, a revision's status) is given as a ``Label``, so that the reader sees it in their words too;
a phrase that names a field ("base revision") is a ``Label`` of kind ``phrase``, marked with ``N_``;
a value that is a moment is given as a ``datetime``, shown in the reader's way of writing times.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime


def N_(phrase: str) -> str:
    """Mark a phrase for the catalogues (an error value, an automatic summary); it is translated where
    it is shown."""
    return phrase


class Label(str):
    """A stored word inside an error's values ("editor", "pending"), of a ``kind`` ("role", "status")."""

    def __new__(cls, kind: str, word: str):
        label = super().__new__(cls, word)
        label.kind = kind
        return label


def _plain(value: object) -> object:
    """A value as the English message shows it: a moment to the minute, in UTC."""
    if isinstance(value, datetime):
        return f"{value.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
    return value


class LevainError(Exception):
    """A domain rule said no; nothing was saved."""

    code = "invalid"

    def __init__(self, message: str, /, *, values: Mapping[str, object] | None = None, **details):
        self.template = message
        self.values = dict(values or {})
        plain = {name: _plain(value) for name, value in self.values.items()}
        self.message = message.format(**plain) if plain else message
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
