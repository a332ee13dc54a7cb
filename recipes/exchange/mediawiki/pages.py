"""One MediaWiki page's new revisions appended to its recipe, in order, each a revision of its own.

Revisions carry MediaWiki's author, time and comment. The *base* is the converted text of the page's
last imported MediaWiki revision:

- while the recipe's head holds the base (nobody edited it in Levain since), new revisions are
  gathered into a *run* and appended together (``bulk.append_run``);
- when it was edited in Levain since, a new revision comes as a concurrent edit does: merged
  three-way with the head (base, ours = the new revision, theirs = the head) and appended by
  ``recipes.history.revisions.append_revision``, the path of every save;
- when the two changed the same lines, nothing of the Levain edit is overwritten: the page's new
  revisions go to a variant proposed to the recipe (``conflicts``), and until that proposal is
  decided the page's later MediaWiki revisions wait for a later import.

Each MediaWiki revision imported is remembered (``models.MediaWikiRevision``) with the Levain
revision that carries it and its converted text, the base of the next.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import mwxml
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ... import validation
from ...blobs import blob_id, load_blob, store_blob
from ...history.merge import merge3
from ...history.revisions import Renderer, append_revision, has_unreviewed_head, lock_recipe
from ...models import Proposal, Recipe, RecipeTag, Region, Revision, SearchOutbox, User
from .bulk import NewRevision, append_run
from .conflicts import Parking
from .converting import Prepared, prepare
from .links import Links
from .models import MediaWikiPage, MediaWikiRevision
from .reading import revision_time
from .report import MediaWikiReport
from .survey import SurveyedPage, author_name
from .tags import merged_tags
from .wikitext import Conversion


@dataclass(frozen=True)
class ImportSettings:
    """What every page of one import shares."""

    session: Session
    render: Renderer
    links: Links
    region: Region | None
    language: str
    licence: str  # of the recipes created
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


@dataclass(frozen=True)
class Base:
    """The last MediaWiki revision imported: the Levain revision carrying it, its converted text."""

    revision_id: int
    blob_id: str


class PageImporter:
    """Appends the revisions of one page not imported yet to its recipe (made at the first)."""

    def __init__(self, settings: ImportSettings, page: SurveyedPage, title: str, slug: str):
        self.settings, self.session, self.report = settings, settings.session, settings.report
        self.page, self.title, self.slug = page, title, slug
        self.row: MediaWikiPage | None = None
        self.recipe: Recipe | None = None
        self.head: Revision | None = None
        self.base: Base | None = None
        self.imported: set[int] = set()
        self.run: list[Incoming] = []  # revisions on the base, waiting to be appended together
        self.parking: Parking | None = None
        self.waiting = False
        self.newest: Conversion | None = None  # the newest revision converted
        self.newest_on_recipe: Conversion | None = None  # the newest that reached the recipe itself
        self.ready: dict[str, str] = {}  # the HTML of the converted texts not written yet

    def load(self, row: MediaWikiPage | None) -> None:
        """Read (and lock) what earlier imports left: the recipe, the revisions taken, the base."""
        self.row = row
        if row is None:
            return
        self.recipe = self.session.get(Recipe, row.recipe_id)
        self.resume()
        of_page = MediaWikiRevision.page_id == row.id
        self.imported = set(self.session.scalars(select(MediaWikiRevision.mediawiki_id).where(of_page)))
        newest_first = select(MediaWikiRevision).where(of_page).order_by(MediaWikiRevision.id.desc())
        last = self.session.scalars(newest_first.limit(1)).first()
        if last is not None:
            self.base = Base(last.revision_id, last.blob_id)
            self.waiting = self._proposal_open(last.revision_id)

    def resume(self) -> None:
        """In a new transaction: lock the recipe again and read its head as it is now."""
        if self.recipe is not None:
            lock_recipe(self.session, self.recipe)
            self.head = self.recipe.head_revision

    def _proposal_open(self, revision_id: int) -> bool:
        """Whether the base went to a variant whose proposal to the recipe is still open."""
        recipe_id = self.session.scalar(select(Revision.recipe_id).where(Revision.id == revision_id))
        if recipe_id == self.recipe.id:
            return False
        query = select(Proposal.id).where(Proposal.source_id == recipe_id, Proposal.status == "open")
        return self.session.scalar(query) is not None

    @property
    def deleted(self) -> bool:
        return self.recipe is not None and self.recipe.deleted_at is not None

    def add(self, revision: mwxml.Revision, prepared: Prepared | None = None) -> None:
        """Take one MediaWiki revision, if it is new (``prepared``: its text converted already)."""
        if self.deleted:
            return
        if revision.id in self.imported:
            self.report.revisions_already_imported += 1
            return
        if self.waiting:
            self.report.revisions_waiting += 1
            return
        incoming = self._incoming(revision, prepared)
        if incoming is None:
            return
        self.imported.add(revision.id)
        self.newest = incoming.conversion
        if self.recipe is None:
            self._create(incoming)
        elif self.parking is not None:
            self._to_variant(incoming)
        elif self.run or self.base is None or self.head.blob_id == self.base.blob_id:
            self.run.append(incoming)
        else:
            self._merge(incoming)

    def _incoming(self, revision: mwxml.Revision, prepared: Prepared | None) -> Incoming | None:
        """The revision converted, or None (and a line in the report) when it cannot be imported."""
        if revision.deleted.text:
            self.report.skip_revision(self.page.title, "hidden", str(revision.id))
            return None
        if prepared is None:
            prepared = prepare(revision.text or "", self.settings.links, self.settings.render)
        if prepared.body is None:
            self.report.skip_revision(self.page.title, "too_large", str(revision.id))
            return None
        self.ready[prepared.body] = prepared.html
        summary = validation.one_line(revision.comment or "")[: validation.MAX_SUMMARY_LENGTH]
        author = self.settings.authors[author_name(revision)]
        return Incoming(
            revision.id, prepared.body, author, summary, revision_time(revision), prepared.conversion
        )

    def render(self, text: str) -> str:
        """The HTML of a text: rendered already when it is a revision's as converted."""
        html = self.ready.get(text)
        return html if html is not None else self.settings.render(text)

    def _create(self, incoming: Incoming) -> None:
        self.recipe = Recipe(
            slug=self.slug,
            title=self.title,
            language=self.settings.language,
            licence=self.settings.licence,
            region=self.settings.region,
            created_at=incoming.at,
            updated_at=incoming.at,
        )
        self.session.add(self.recipe)
        self.session.flush()
        self.row = MediaWikiPage(
            source=self.settings.links.site.source,
            page_id=self.page.id,
            title=self.page.title[:255],
            recipe_id=self.recipe.id,
            categories="",
        )
        self.session.add(self.row)
        self.session.flush()
        self.report.recipes_created.append(self.recipe.slug)
        self.run.append(incoming)

    def write_run(self) -> None:
        """Append the revisions gathered on the base, together."""
        if not self.run:
            return
        title = self._title()
        items = [NewRevision(item.body, title, item.author, item.summary, item.at) for item in self.run]
        self.head, appended = append_run(self.session, self.recipe, self.head, items, self.render)
        for went in appended:
            self.report.revisions_imported += went.new
            self.report.revisions_unchanged += not went.new
        self._remember([(item, w.revision_id, w.blob_id) for item, w in zip(self.run, appended, strict=True)])
        self._updated(self.run[-1])
        self.run = []
        self.ready = {}

    def _merge(self, incoming: Incoming) -> None:
        """Merge a revision with a head edited in Levain since the base; on a conflict, park it."""
        base_text = load_blob(self.session, self.base.blob_id).text
        merge = merge3(base_text, incoming.body, load_blob(self.session, self.head.blob_id).text)
        if not merge.clean:
            self.parking = Parking(self.settings, self.recipe, self.base, base_text, incoming)
            self._to_variant(incoming)
            return
        head = self.head
        self.head = self._append(self.recipe, head, incoming, merge.text, self._title())
        self.report.revisions_merged += self.head is not head
        converted = store_blob(self.session, incoming.body, self.render, hint=self.head.blob_id)
        self._remember([(incoming, self.head.id, converted)])
        self._updated(incoming)

    def _to_variant(self, incoming: Incoming) -> None:
        revision = self.parking.append(incoming, self._append)
        self._remember([(incoming, revision.id, revision.blob_id)])

    def _title(self) -> str:
        """The page's title, unless it is the one last imported and the recipe was renamed since."""
        renamed_here = self.head is not None and self.row.title == self.page.title
        return self.head.title if renamed_here else self.title

    def _append(
        self, recipe: Recipe, head: Revision | None, incoming: Incoming, body: str, title: str
    ) -> Revision:
        """Append ``body`` on ``head`` as the revision ``incoming``; the head itself if nothing changed."""
        if head is not None and blob_id(body) == head.blob_id and title == head.title:
            self.report.revisions_unchanged += 1
            return head
        self.report.revisions_imported += 1
        return append_revision(
            self.session,
            recipe,
            head,
            author=incoming.author,
            title=title,
            body=body,
            summary=incoming.summary,
            kind="edit" if head is not None else "create",
            render=self.render,
            created_at=incoming.at,
            # Text awaiting review on the head keeps what is saved on it waiting too.
            status="pending" if head is not None and has_unreviewed_head(recipe) else "approved",
        )

    def _remember(self, imported: list[tuple[Incoming, int, str]]) -> None:
        """Remember MediaWiki revisions: the Levain revision carrying each, its converted text."""
        rows = [
            {
                "page_id": self.row.id,
                "mediawiki_id": item.mediawiki_id,
                "revision_id": revision_id,
                "blob_id": blob,
            }
            for item, revision_id, blob in imported
        ]
        self.session.execute(insert(MediaWikiRevision), rows)
        self.base = Base(rows[-1]["revision_id"], rows[-1]["blob_id"])

    def _updated(self, incoming: Incoming) -> None:
        self.newest_on_recipe = incoming.conversion
        if self.recipe.slug not in self.report.recipes_updated + self.report.recipes_created:
            self.report.recipes_updated.append(self.recipe.slug)

    def finish(self) -> None:
        """After the page's last revision: open the proposal of parked revisions, merge categories."""
        self.write_run()
        if self.newest is not None:
            self.report.unconverted.update(self.newest.unconverted)
            self.report.files.update(self.newest.files)
        if self.parking is not None:
            self.report.conflicts.append(self.parking.propose())
            self.parking = None
        if self.newest_on_recipe is not None:
            self._merge_categories(list(self.newest_on_recipe.categories))
            self.newest_on_recipe = None
        self.session.flush()

    def _merge_categories(self, categories: list[str]) -> None:
        tags = merged_tags(self.recipe.tag_names, self.row.categories.splitlines(), categories)
        if tags != self.recipe.tag_names:
            self.recipe.tags = [RecipeTag(tag=tag) for tag in tags]
            self.session.add(SearchOutbox(recipe_id=self.recipe.id))
        self.row.categories = "\n".join(categories)
        self.row.title = self.page.title[:255]
