"""The reader's words for the words the wiki stores: roles, actions, statuses, change types and summaries.

A role ("editor"), a policy action ("create_region") or a revision's status ("pending") is data, kept
in English in the database and the API; a page shows it in the reader's language through the Jinja
filters registered here (``role_label``, ``action_label``, ``status_label``, ``proposal_label``,
``change_label``, ``change_summary``).
``error_message`` fills a domain error's template the same way: a ``Label`` value becomes the reader's
word, a moment is written as the reader's locale writes it (in the API: "2026-12-01 18:00 UTC").
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from flask import Flask, has_request_context, request
from flask_babel import gettext

from recipes.errors import Label, LevainError
from recipes.summaries import LABELLED_VALUES, MOMENT_VALUES, SUMMARY_TEMPLATES, SummaryFields

from .formatting import N_, format_when

ROLE_LABELS = {
    "contributor": N_("contributor"),
    "editor": N_("editor"),
    "moderator": N_("moderator"),
    "admin": N_("administrator"),
}
ACTION_LABELS = {
    "read": N_("read recipes"),
    "create": N_("create a recipe"),
    "edit": N_("edit a recipe"),
    "revert": N_("go back to an earlier version"),
    "create_region": N_("create a region"),
    "fork": N_("adapt a recipe for a region"),
    "sync": N_("take in the original's changes"),
    "propose": N_("propose changes to the original"),
    "comment": N_("comment"),
    "decide_proposal": N_("accept or decline a proposal"),
    "patrol": N_("mark changes as checked"),
    "rename": N_("rename a recipe"),
    "watch": N_("watch recipes and regions"),
    "see_deleted": N_("see deleted recipes"),
    "read_audit": N_("read the moderation log"),
    "delete": N_("delete a recipe"),
    "see_pending": N_("see edits awaiting review"),
    "review": N_("approve or reject edits"),
    "protect": N_("protect a recipe"),
    "block": N_("block an account"),
    "rollback": N_("roll back a user's edits"),
    "manage_users": N_("change people's roles"),
}
STATUS_LABELS = {
    "approved": N_("approved"),
    "pending": N_("awaiting review"),
    "rejected": N_("rejected"),
}
CHANGE_LABELS = {
    "create": N_("creation"),
    "edit": N_("edit"),
    "revert": N_("revert"),
    "fork": N_("fork"),
    "sync": N_("sync"),
    "proposal": N_("proposal"),
    "accept": N_("accepted proposal"),
    "decline": N_("declined proposal"),
    "approve": N_("approval"),
    "reject": N_("rejection"),
    "protect": N_("protection"),
    "relicense": N_("change of licence"),
    "rollback": N_("rollback"),
    "block": N_("block"),
    "unblock": N_("unblock"),
    "rename": N_("rename"),
    "delete": N_("deletion"),
    "restore": N_("restoration"),
    "role": N_("role change"),
    "upload": N_("upload"),
    "patrol": N_("patrol"),
    "event": N_("event recorded"),
    "event_edit": N_("event changed"),
    "event_delete": N_("event deleted"),
    "event_approve": N_("event approved"),
}
PROPOSAL_LABELS = {"open": N_("open"), "accepted": N_("accepted"), "declined": N_("declined")}
LABELS_BY_KIND = {
    "role": ROLE_LABELS,
    "action": ACTION_LABELS,
    "status": STATUS_LABELS,
    "proposal": PROPOSAL_LABELS,
    "change": CHANGE_LABELS,
}


def label(kind: str, word: str | None) -> str:
    """The reader's word for a stored word of this kind (an unknown word is shown as it is); a
    ``phrase`` is its own catalogue entry."""
    if kind == "phrase":
        return gettext(word) if word else ""
    found = LABELS_BY_KIND[kind].get(word or "")
    return gettext(found) if found else (word or "")


def _shown(value: object) -> object:
    if isinstance(value, Label):
        return label(value.kind, value)
    if isinstance(value, datetime):
        return _moment(value)
    return value


def _moment(value: datetime) -> str:
    """A moment as a page writes it for its reader; in the API, as scripts and their people read it."""
    if has_request_context() and request.path.startswith("/api/"):
        return f"{value.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
    return format_when(value)


def fill(template: str, values: Mapping[str, object]) -> str:
    """A sentence template in the reader's language, filled with values shown in the reader's words."""
    translated = gettext(template)
    if not values:
        return translated
    return translated.format(**{name: _shown(value) for name, value in values.items()})


def error_message(error: LevainError) -> str:
    """A domain error's sentence in the reader's language."""
    return fill(error.template, error.values)


def change_summary(thing: SummaryFields) -> str:
    """The summary of a revision, change or audit entry: an automatic one in the reader's language,
    else as typed."""
    template = SUMMARY_TEMPLATES.get(thing.summary_kind or "")
    if template is None:
        return thing.summary or ""
    return fill(
        template, {name: _stored(name, value) for name, value in (thing.summary_values or {}).items()}
    )


def _stored(name: str, value: object) -> object:
    """A stored summary value as ``fill`` shows it: a stored word as a ``Label``, a moment as a datetime."""
    if name in LABELLED_VALUES and isinstance(value, str):
        return Label(LABELLED_VALUES[name], value)
    if name in MOMENT_VALUES and isinstance(value, str):
        return datetime.fromisoformat(value)
    return value


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        role_label=lambda word: label("role", word),
        action_label=lambda word: label("action", word),
        status_label=lambda word: label("status", word),
        proposal_label=lambda word: label("proposal", word),
        change_label=lambda word: label("change", word),
        change_summary=change_summary,
    )
