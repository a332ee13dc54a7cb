"""The second reading of an export: every new revision of the pages imported, in order, written.

The revisions not imported yet are converted ahead of the writing (``converting``) and handed to
their page's importer (``pages``). Each page is written in a write transaction of its own, a long one
committed every ``REVISIONS_PER_TRANSACTION`` revisions, so that the wiki's own saves never wait long;
a dry run writes everything in one transaction that it rolls back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...database import begin_write
from .addresses import AddressBook
from .converting import prepared_ahead
from .models import MediaWikiPage, MediaWikiRevision
from .pages import ImportSettings, PageImporter
from .reading import ExportReader, open_export
from .survey import Survey

Progress = Callable[[int, int], None]
REVISIONS_PER_TRANSACTION = 200


class Transactions:
    """The import's write transactions; in a dry run, a single one, rolled back at the end."""

    def __init__(self, session: Session, dry_run: bool):
        self.session, self.dry_run = session, dry_run
        self.begun = False

    def begin(self) -> None:
        if not (self.dry_run and self.begun):
            begin_write(self.session)
            self.begun = True

    def commit(self) -> None:
        if not self.dry_run:
            self.session.commit()

    def close(self) -> None:
        self.session.rollback()


def import_pages(
    path: str | Path,
    survey: Survey,
    book: AddressBook,
    settings: ImportSettings,
    transactions: Transactions,
    progress: Progress | None,
) -> None:
    """Write the new revisions of every page to import, page after page."""
    surveyed = {page.id: page for page in survey.pages}
    imported = _imported_ids(settings.session, survey.site.source)
    total = sum(surveyed[page_id].revisions for page_id in book.titles)
    to_convert = total - sum(len(ids) for page_id, ids in imported.items() if page_id in book.titles)
    importer: PageImporter | None = None
    done = taken = 0
    with open_export(path) as reader:
        revisions = _new_revisions(reader, book, imported)
        for (page, revision), prepared in prepared_ahead(revisions, book.links, settings.render, to_convert):
            if importer is None or importer.page.id != page.id:
                _finish(importer, transactions)
                importer = _start(
                    PageImporter(settings, surveyed[page.id], *book.place(page.id)), book, transactions
                )
                taken = 0
            importer.add(revision, prepared)
            done, taken = done + 1, taken + 1
            if progress is not None:
                progress(done, total)
            if taken >= REVISIONS_PER_TRANSACTION and importer.parking is None:
                importer.write_run()
                transactions.commit()
                transactions.begin()
                importer.resume()
                taken = 0
    _finish(importer, transactions)


def _imported_ids(session: Session, source: str) -> dict[int, set[int]]:
    """The MediaWiki revisions of this wiki imported before, by page."""
    query = (
        select(MediaWikiPage.page_id, MediaWikiRevision.mediawiki_id)
        .join(MediaWikiRevision, MediaWikiRevision.page_id == MediaWikiPage.id)
        .where(MediaWikiPage.source == source)
    )
    imported: dict[int, set[int]] = {}
    for page_id, revision_id in session.execute(query):
        imported.setdefault(page_id, set()).add(revision_id)
    return imported


def _new_revisions(reader: ExportReader, book: AddressBook, imported: dict[int, set[int]]) -> Iterator:
    """((page, revision), its wikitext) for the pages to import; no text where nothing is to convert."""
    for page in reader.pages():
        if page.id not in book.titles:
            continue
        taken = imported.get(page.id, set())
        for revision in reader.revisions(page):
            new = revision.id not in taken and not revision.deleted.text
            yield (page, revision), (revision.text or "") if new else None


def _start(importer: PageImporter, book: AddressBook, transactions: Transactions) -> PageImporter:
    transactions.begin()
    importer.load(book.rows.get(importer.page.id))
    if importer.deleted:
        importer.report.skip_page(importer.page.title, "deleted", importer.recipe.slug)
    return importer


def _finish(importer: PageImporter | None, transactions: Transactions) -> None:
    if importer is not None:
        importer.finish()
        transactions.commit()
