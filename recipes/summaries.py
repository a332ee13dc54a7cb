"""Automatic summaries: what the wiki itself writes as the summary of a revision or a change.

An automatic summary is stored as what happened, a *kind* and its *values* (``approve`` and
``{"number": 4}``), beside the English sentence in ``summary`` (for the API, the command line and
exports). Pages render the kind's template in the reader's language, so that a French reader reads
"Révision 4 approuvée" and an English one "Revision 4 approved" of the same row. A summary a person
typed has no kind and is shown as typed.

``automatic(kind, **values)`` makes one: an ``AutoSummary`` is a ``str`` (the English sentence), so it
goes wherever a summary goes; the models keep its kind and values when it is assigned
(``SummaryFields``). Values are stored as JSON: moments as ISO 8601 text; the names in
``LABELLED_VALUES`` hold a stored word, ``MOMENT_VALUES`` a moment, which pages show in the reader's
words.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column, validates

from recipes.errors import N_

SUMMARY_TEMPLATES = {
    "create": N_("Creation"),
    "revert": N_("Back to revision {number}"),
    "approve": N_("Revision {number} approved"),
    "reject": N_("Revision {number} rejected"),
    "reject_revision": N_("Rejection of revision {number}"),
    "promotion": N_("{previous} → {role} after {count} approved edits"),
    "rename": N_("Renamed: “{old_title}” ({old_slug}) → “{title}” ({slug})"),
    "block": N_("{name} blocked until further notice"),
    "block_until": N_("{name} blocked until {until}"),
    "unblock": N_("{name} unblocked"),
    "role": N_("{previous} → {role}"),
    "protect": N_("Protection: {role}"),
    "protect_until": N_("Protection: {role}, until {until}"),
    "unprotect": N_("Protection lifted"),
    "relicense": N_("Licence: {previous_licence} → {licence}"),
    "rollback": N_("Rollback of {name}'s edits ({count})"),
    "rollback_done": N_("{count} edit(s) by {name} rolled back"),
    "sync": N_("Sync with {title}, revision {number}"),
    "proposal_accept": N_("Proposal {id} from {slug}: {summary}"),
    "proposal_revision": N_("Proposal {id} from {title} ({author}): {summary}"),
    "fork": N_("Adapted from {title} ({region}), revision {number}"),
    "fork_original": N_("Adapted from {title} (the original recipe), revision {number}"),
    "mediawiki_overlap": N_("From {site}: edits that overlap those made here"),
    "mediawiki_merge": N_("From {site}: {count} revision(s) to merge"),
    "patrol": N_("Change {id} ({type}) checked"),
    "delete_region": N_("Region {name} ({slug}) deleted"),
}
# The values that hold a stored word, and of which kind (see ``recipes.errors.Label``).
LABELLED_VALUES = {"role": "role", "previous": "role", "type": "change"}
MOMENT_VALUES = frozenset({"until"})
MAX_SUMMARY_LENGTH = 500


class AutoSummary(str):
    """An automatic summary: its English sentence, with the kind and values it was made from."""

    kind: str
    values: dict[str, object]

    def __new__(cls, kind: str, values: dict[str, object]):
        sentence = super().__new__(cls, SUMMARY_TEMPLATES[kind].format(**values)[:MAX_SUMMARY_LENGTH])
        sentence.kind = kind
        sentence.values = values
        return sentence


def automatic(kind: str, **values: object) -> AutoSummary:
    """The automatic summary of a kind, with its values (moments become ISO 8601 text)."""
    stored = {
        name: value.isoformat() if isinstance(value, datetime) else value for name, value in values.items()
    }
    return AutoSummary(kind, stored)


def stored_summary(thing: SummaryFields) -> str:
    """The summary of a row as it was given: automatic again if it was automatic."""
    if thing.summary_kind in SUMMARY_TEMPLATES:
        return AutoSummary(thing.summary_kind, dict(thing.summary_values or {}))
    return thing.summary


class SummaryFields:
    """Columns of a model with a summary: the kind and values of an automatic one, kept on assignment."""

    summary_kind: Mapped[str | None] = mapped_column(String(30), default=None)
    summary_values: Mapped[dict | None] = mapped_column(JSON, default=None)

    @validates("summary")
    def _keep_what_happened(self, _key: str, summary: str) -> str:
        if isinstance(summary, AutoSummary):
            self.summary_kind, self.summary_values = summary.kind, summary.values
        return summary[:MAX_SUMMARY_LENGTH]
