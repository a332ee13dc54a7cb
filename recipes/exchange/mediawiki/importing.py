"""``import_mediawiki``: a MediaWiki export brought into the wiki, page by page, revision by revision.

The export is read twice. The first reading (``survey``) checks the whole file and sums it up: a file
that breaks is refused with its line before anything is written. Then the slugs of the new recipes
are chosen (``addresses``) and the authors' accounts made (``authors``), and the second reading
(``stream``) appends each page's new revisions to its recipe (``pages``), one page per write
transaction, a long page committed every few hundred revisions. An import that stops halfway (a lost
connection) leaves whole revisions behind, and running it again takes up where it stopped: each
MediaWiki revision is imported once.

A dry run does the very same in one transaction that it rolls back at the end: its report is what
the import would do, and nothing of it is kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from recipes.licences.rules import LICENCES as KNOWN_LICENCES
from recipes.models import DEFAULT_LICENCE

from ...errors import Invalid
from ...history.editing import region_by_slug
from ...history.revisions import Renderer
from ...models import LANGUAGES, Recipe, User
from ...moderation.renaming import add_old_address
from .addresses import AddressBook, plan_addresses
from .authors import account_name, add_accounts, known_accounts
from .links import CANONICAL_NAMESPACES, MAIN, Site
from .pages import ImportSettings
from .report import MediaWikiReport
from .stream import Progress, Transactions, import_pages
from .survey import Survey, survey_export

DEFAULT_LANGUAGE = "fr"
# The licences recipes may have (SPDX identifiers).
LICENCES = tuple(KNOWN_LICENCES)


def import_mediawiki(
    session: Session,
    path: str | Path,
    *,
    render: Renderer,
    region: str | None = None,
    licence: str | None = None,
    namespaces: Iterable[str | int] = (),
    dry_run: bool = False,
    progress: Progress | None = None,
) -> MediaWikiReport:
    """Import the pages of a MediaWiki export at ``path`` (main namespace, and ``namespaces`` named).

    Each page becomes a recipe of ``region`` with every revision not imported before; see the
    module's docstring for how, and ``MediaWikiReport`` for what the report says. The recipes it
    creates are under ``licence`` (by default Levain's default licence); recipes imported before keep theirs.
    """
    check_licence(licence)
    region_row = region_by_slug(session, region)
    survey = survey_export(path)
    chosen = chosen_namespaces(survey.site, namespaces)
    report = MediaWikiReport(survey.site.source, dry_run, pages=len(survey.pages))
    for page in survey.pages:
        if page.namespace not in chosen:
            report.skip_page(page.title, "namespace", namespace_name(survey.site, page.namespace))
    transactions = Transactions(session, dry_run)
    try:
        transactions.begin()
        book = plan_addresses(session, survey, chosen, report)
        authors = _authors(session, survey, book, report)
        settings = ImportSettings(
            session,
            render,
            book.links,
            region_row,
            _language(survey.site),
            licence or DEFAULT_LICENCE,
            authors,
            report,
        )
        transactions.commit()
        import_pages(path, survey, book, settings, transactions, progress)
        transactions.begin()
        _add_old_addresses(session, book, report)
        transactions.commit()
    finally:
        transactions.close()
    return report


def check_licence(licence: str | None) -> None:
    if licence is not None and licence not in LICENCES:
        raise Invalid(
            "Unknown licence {licence!r}: use one of {licences}.",
            values={"licence": licence, "licences": ", ".join(LICENCES)},
        )


def chosen_namespaces(site: Site, extra: Iterable[str | int]) -> frozenset[int]:
    """The main namespace, and the others named (by number, or by name in any language the wiki knows)."""
    names = site.namespace_ids()
    chosen = {MAIN}
    for value in extra:
        text = " ".join(str(value).replace("_", " ").split())
        if text.lstrip("-").isdigit():
            chosen.add(int(text))
        elif text.lower() in names:
            chosen.add(names[text.lower()])
        else:
            raise Invalid("The wiki of this export has no namespace {name!r}.", values={"name": text})
    return frozenset(chosen)


def namespace_name(site: Site, number: int) -> str:
    return site.namespaces.get(number) or CANONICAL_NAMESPACES.get(number) or str(number)


def _language(site: Site) -> str:
    return site.language if site.language in LANGUAGES else DEFAULT_LANGUAGE


def _authors(session: Session, survey: Survey, book: AddressBook, report: MediaWikiReport) -> dict:
    """Every author of the pages imported, as an account (made, unable to log in, when unknown)."""
    mediawiki_names = {name for page in survey.pages if page.id in book.titles for name in page.authors}
    names = {name: account_name(name) for name in mediawiki_names}
    report.accounts_created = [user.name for user in add_accounts(session, names.values())]
    accounts: dict[str, User] = known_accounts(session, names.values())
    return {name: accounts[account] for name, account in names.items()}


def _add_old_addresses(session: Session, book: AddressBook, report: MediaWikiReport) -> None:
    """Each redirect page's address leads to the recipe of the page it redirected to."""
    for old_slug, slug in book.redirects:
        recipe = session.scalar(select(Recipe).where(Recipe.slug == slug))
        if recipe is not None and add_old_address(session, recipe, old_slug):
            report.old_addresses.append((old_slug, slug))
