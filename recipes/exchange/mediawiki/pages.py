"""One MediaWiki page's revisions appended to its recipe, in order, each as a revision of its own.

A revision is appended through ``recipes.history.revisions.append_revision``, the path every save
takes: its text stored once as a blob with its HTML rendered, the head moved by compare-and-set, a
line in recent changes and a row in the search outbox, under the recipe's row lock. Its author, time
and comment are MediaWiki's.

The *base* is the converted text of the page's last imported MediaWiki revision. While the recipe's
head still holds the base, a new revision is appended as it is. When the recipe was edited in Levain
since, the new revision comes as a concurrent edit does: merged three-way with the head (base, ours =
the new revision, theirs = the head). If the two changed the same lines, nothing of the Levain edit is
overwritten: the page's new revisions go to a *variant* of the recipe, which starts from the base,
and a proposal of the variant to the recipe is opened, where a person merges it as any proposal,
choosing in each conflict (``conflicts``). Until that proposal is decided, newer MediaWiki revisions
of the page wait for a later import.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import mwxml
from sqlalchemy import select
from sqlalchemy.orm import Session

from ... import validation
from ...blobs import blob_id, load_blob, store_blob
from ...errors import TooLarge
from ...history.merge import merge3
from ...history.revisions import Renderer, append_revision, has_unreviewed_head, lock_recipe
from ...models import Proposal, Recipe, RecipeTag, Region, Revision, SearchOutbox, User
from .conflicts import Parking
from .links import Links
from .models import MediaWikiPage, MediaWikiRevision
from .reading import revision_time
from .report import MediaWikiReport
from .survey import SurveyedPage, author_name
from .tags import merged_tags
from .wikitext import Conversion, convert_wikitext


@dataclass(frozen=True)
class ImportSettings:
    """What every page of one import shares."""

    session: Session
    render: Renderer
    links: Links
    region: Region | None
    language: str
    authors: dict[str | None, User]  # MediaWiki user name (None: anonymous) → account
    report: MediaWikiReport


@dataclass(frozen=True)
class Incoming:
    """A MediaWiki revision converted, ready to append."""

    mediawiki_id: int
    body: str
    author: User
    summary: str
    at: datetime
    conversion: Conversion


class PageImporter:
    """Appends the revisions of one page not imported yet to its recipe (made at the first)."""

    def __init__(self, settings: ImportSettings, page: SurveyedPage, title: str, slug: str):
        self.settings, self.session = settings, settings.session
        self.page, self.title, self.slug = page, title, slug
        self.row: MediaWikiPage | None = None
        self.recipe: Recipe | None = None
        self.head: Revision | None = None
        self.base: MediaWikiRevision | None = None  # the last MediaWiki revision imported
        self.imported: set[int] = set()
        self.parking: Parking | None = None
        self.waiting = False
        self.newest: Conversion | None = None  # the newest revision converted
        self.newest_on_recipe: Conversion | None = None  # the newest that reached the recipe itself
        self.last_converted: tuple[str, Conversion] | None = None  # an unchanged text converts once

    def load(self, row: MediaWikiPage | None) -> None:
        """Read (and lock) what earlier imports left: the recipe, the revisions taken, the base."""
        self.row = row
        if row is None:
            return
        self.recipe = self.session.get(Recipe, row.recipe_id)
        lock_recipe(self.session, self.recipe)
        self.head = self.recipe.head_revision
        self.imported = set(
            self.session.scalars(
                select(MediaWikiRevision.mediawiki_id).where(MediaWikiRevision.page_id == row.id)
            )
        )
        self.base = self.session.scalars(
            select(MediaWikiRevision)
            .where(MediaWikiRevision.page_id == row.id)
            .order_by(MediaWikiRevision.id.desc())
        ).first()
        self.waiting = self.base is not None and self._proposal_open(self.base.revision_id)

    def _proposal_open(self, revision_id: int) -> bool:
        """Whether the base went to a variant whose proposal to the recipe is still open."""
        recipe_id = self.session.scalar(select(Revision.recipe_id).where(Revision.id == revision_id))
        if recipe_id == self.recipe.id:
            return False
        query = select(Proposal.id).where(Proposal.source_id == recipe_id, Proposal.status == "open")
        return self.session.scalar(query) is not None

    def resume(self) -> None:
        """In a new transaction: lock the recipe again and read its head as it is now."""
        if self.recipe is not None:
            lock_recipe(self.session, self.recipe)
            self.head = self.recipe.head_revision

    @property
    def deleted(self) -> bool:
        return self.recipe is not None and self.recipe.deleted_at is not None

    def add(self, revision: mwxml.Revision) -> bool:
        """Append one MediaWiki revision if it is new; return whether it changed anything."""
        report = self.settings.report
        if revision.id in self.imported:
            report.revisions_already_imported += 1
            return False
        if self.waiting:
            report.revisions_waiting += 1
            return False
        incoming = self._incoming(revision)
        if incoming is None:
            return False
        self.newest = incoming.conversion
        if self.recipe is None:
            self._create(incoming)
        elif self.parking is not None:
            self._record(incoming, self.parking.append(incoming, self._append))
        else:
            self._onto_recipe(incoming)
        self.imported.add(revision.id)
        return True

    def _incoming(self, revision: mwxml.Revision) -> Incoming | None:
        """The revision converted, or None (and a line in the report) when it cannot be imported."""
        report = self.settings.report
        if revision.deleted.text:
            report.skip_revision(self.page.title, "hidden", str(revision.id))
            return None
        text = revision.text or ""
        if self.last_converted is None or self.last_converted[0] != text:
            self.last_converted = (text, convert_wikitext(text, self.settings.links))
        conversion = self.last_converted[1]
        try:
            body = validation.clean_body(conversion.markdown)
        except TooLarge:
            report.skip_revision(self.page.title, "too_large", str(revision.id))
            return None
        summary = validation.one_line(revision.comment or "")[: validation.MAX_SUMMARY_LENGTH]
        author = self.settings.authors[author_name(revision)]
        return Incoming(revision.id, body, author, summary, revision_time(revision), conversion)

    def _create(self, incoming: Incoming) -> None:
        recipe = Recipe(
            slug=self.slug,
            title=self.title,
            language=self.settings.language,
            region=self.settings.region,
            created_at=incoming.at,
            updated_at=incoming.at,
        )
        self.session.add(recipe)
        self.session.flush()
        self.recipe = recipe
        self.row = MediaWikiPage(
            source=self.settings.links.site.source,
            page_id=self.page.id,
            title=self.page.title[:255],
            recipe_id=recipe.id,
            categories="",
        )
        self.session.add(self.row)
        self.settings.report.recipes_created.append(recipe.slug)
        self._record(incoming, self._append(recipe, None, incoming, incoming.body, self.title))
        self.newest_on_recipe = incoming.conversion

    def _onto_recipe(self, incoming: Incoming) -> None:
        """Append to the recipe: as it is on the base, merged on a head edited in Levain since."""
        base_blob = self.base.blob_id if self.base is not None else None
        title = self._title()
        if base_blob is None or self.head.blob_id == base_blob:
            revision = self._append(self.recipe, self.head, incoming, incoming.body, title)
        else:
            base_text = load_blob(self.session, base_blob).text
            merge = merge3(base_text, incoming.body, load_blob(self.session, self.head.blob_id).text)
            if not merge.clean:
                self.parking = Parking(self.settings, self.recipe, self.base, base_text, incoming)
                self._record(incoming, self.parking.append(incoming, self._append))
                return
            head = self.head
            revision = self._append(self.recipe, head, incoming, merge.text, title)
            if revision is not head:
                self.settings.report.revisions_merged += 1
        self._record(incoming, revision)
        self.newest_on_recipe = incoming.conversion
        if (
            self.recipe.slug
            not in self.settings.report.recipes_updated + self.settings.report.recipes_created
        ):
            self.settings.report.recipes_updated.append(self.recipe.slug)

    def _title(self) -> str:
        """The page's title, unless it is the one last imported and the recipe was renamed since."""
        return self.head.title if self.row is not None and self.row.title == self.page.title else self.title

    def _append(
        self, recipe: Recipe, head: Revision | None, incoming: Incoming, body: str, title: str
    ) -> Revision:
        """Append ``body`` on ``head`` as the revision ``incoming``; the head itself if nothing changed."""
        if head is not None and blob_id(body) == head.blob_id and title == head.title:
            self.settings.report.revisions_unchanged += 1
            return head
        revision = append_revision(
            self.session,
            recipe,
            head,
            author=incoming.author,
            title=title,
            body=body,
            summary=incoming.summary,
            kind="edit" if head is not None else "create",
            render=self.settings.render,
            created_at=incoming.at,
            # Text awaiting review on the head keeps what is saved on it waiting too.
            status="pending" if head is not None and has_unreviewed_head(recipe) else "approved",
        )
        if recipe is self.recipe:
            self.head = revision
        self.settings.report.revisions_imported += 1
        return revision

    def _record(self, incoming: Incoming, revision: Revision) -> None:
        """Remember the MediaWiki revision: the Levain revision carrying it, its converted text."""
        converted = store_blob(self.session, incoming.body, self.settings.render, hint=revision.blob_id)
        self.base = MediaWikiRevision(
            page_id=self.row.id,
            mediawiki_id=incoming.mediawiki_id,
            revision_id=revision.id,
            blob_id=converted,
        )
        self.session.add(self.base)
        self.session.flush()

    def finish(self) -> None:
        """After the page's last revision: open the proposal of parked revisions, merge categories."""
        report = self.settings.report
        if self.newest is not None:
            report.unconverted.update(self.newest.unconverted)
            report.files.update(self.newest.files)
        if self.parking is not None:
            report.conflicts.append(self.parking.propose())
            self.parking = None
        if self.newest_on_recipe is not None and self.row is not None:
            categories = list(self.newest_on_recipe.categories)
            tags = merged_tags(self.recipe.tag_names, self.row.categories.splitlines(), categories)
            if tags != self.recipe.tag_names:
                self.recipe.tags = [RecipeTag(tag=tag) for tag in tags]
                self.session.add(SearchOutbox(recipe_id=self.recipe.id))
            self.row.categories = "\n".join(categories)
            self.row.title = self.page.title[:255]
            self.newest_on_recipe = None
        self.session.flush()
