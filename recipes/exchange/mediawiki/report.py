"""What an import of a MediaWiki export did, or (``dry_run``) would do: counted, and named where it matters.

Reasons are words, not sentences, so that whoever shows the report says them in its reader's language:

- a page is *skipped* because it is in a ``namespace`` not imported, is a ``redirect`` whose target
  was not imported, has a ``title`` Levain cannot use, or its recipe was ``deleted`` in Levain;
- a revision is *skipped* because MediaWiki ``hidden`` its text, or it is ``too_large`` for a recipe;
- a page is *in conflict* when a new MediaWiki revision changed the same lines as an edit made in
  Levain since the last import: its revisions went to a variant proposed to the recipe; while that
  proposal is open, later MediaWiki revisions of the page *wait* (they come with the next import).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

SKIP_REASONS = ("namespace", "redirect", "title", "deleted", "hidden", "too_large")


@dataclass(frozen=True)
class Skipped:
    title: str
    reason: str  # one of SKIP_REASONS
    detail: str = ""  # the namespace's name, the redirect's target, the MediaWiki revision id …


@dataclass(frozen=True)
class ParkedChanges:
    """MediaWiki revisions that overlap Levain edits, waiting in a variant for a person to merge."""

    recipe: str
    variant: str
    proposal: int
    revisions: int


@dataclass
class MediaWikiReport:
    source: str
    dry_run: bool
    pages: int = 0  # pages of the export
    recipes_created: list[str] = field(default_factory=list)
    recipes_updated: list[str] = field(default_factory=list)
    revisions_imported: int = 0
    revisions_merged: int = 0  # of those, merged with edits made in Levain since the last import
    revisions_already_imported: int = 0
    revisions_unchanged: int = 0  # the text and title of the revision before (a page move, a null edit)
    revisions_waiting: int = 0
    accounts_created: list[str] = field(default_factory=list)
    old_addresses: list[tuple[str, str]] = field(default_factory=list)  # (old slug, recipe slug)
    skipped_pages: list[Skipped] = field(default_factory=list)
    skipped_revisions: list[Skipped] = field(default_factory=list)
    # In the newest revision of each imported page: what has no Markdown form, by kind.
    unconverted: Counter[str] = field(default_factory=Counter)
    files: set[str] = field(default_factory=set)  # files the pages show or link to (not imported)
    conflicts: list[ParkedChanges] = field(default_factory=list)

    def skip_page(self, title: str, reason: str, detail: str = "") -> None:
        self.skipped_pages.append(Skipped(title, reason, detail))

    def skip_revision(self, title: str, reason: str, detail: str = "") -> None:
        self.skipped_revisions.append(Skipped(title, reason, detail))

    def skipped_by_reason(self) -> Counter[str]:
        return Counter(skipped.reason for skipped in self.skipped_pages)
