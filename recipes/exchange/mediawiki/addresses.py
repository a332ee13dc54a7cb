"""The address of every imported page's recipe, chosen before the first revision is written.

Links between pages become wiki links to recipes' slugs, and a page may link to one that comes later
in the export: so each page's slug is chosen first. A page imported before keeps its recipe's slug
(its present one, if the recipe was renamed in Levain); a new page takes the slug of its title,
numbered when taken. A redirect page leads to the slug of the page it redirects to (through other
redirects), and its own title's slug becomes an old address of that recipe.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ... import validation
from ...errors import Invalid
from ...history.editing import unique_slug
from ...models import Recipe
from ...slugs import slugify
from .links import Links, Site
from .models import MediaWikiPage
from .report import MediaWikiReport
from .survey import Survey

MAX_REDIRECT_HOPS = 10


@dataclass
class AddressBook:
    """Where each page goes: its recipe's title and slug, the rows of pages imported before."""

    links: Links
    slugs: dict[str, str]  # normal title → slug (the dict ``links`` resolves titles with)
    titles: dict[int, str] = field(default_factory=dict)  # page id → the recipe's title
    page_slugs: dict[int, str] = field(default_factory=dict)  # page id → the recipe's slug
    rows: dict[int, MediaWikiPage] = field(default_factory=dict)  # page id → row, if imported before
    redirects: list[tuple[str, str]] = field(default_factory=list)  # (old slug, recipe slug)

    def place(self, page_id: int) -> tuple[str, str]:
        """The title and slug of the recipe a page goes to."""
        return self.titles[page_id], self.page_slugs[page_id]


def plan_addresses(
    session: Session, survey: Survey, namespaces: Collection[int], report: MediaWikiReport
) -> AddressBook:
    slugs: dict[str, str] = {}
    book = AddressBook(Links(survey.site, slugs), slugs)
    _remember_imported(session, survey.site, book)
    chosen: set[str] = set()
    for page in survey.imported(frozenset(namespaces)):
        try:
            title = validation.clean_title(page.title)
        except Invalid:
            report.skip_page(page.title, "title")
            continue
        row = book.rows.get(page.id)
        slug = book.page_slugs.get(page.id) if row is not None else unique_slug(session, title, chosen)
        chosen.add(slug)
        book.titles[page.id], book.page_slugs[page.id] = title, slug
        slugs[book.links.normal(page.title)] = slug
    _follow_redirects(survey, namespaces, book, report)
    return book


def _remember_imported(session: Session, site: Site, book: AddressBook) -> None:
    """Pages of this wiki imported before: their recipes' present slugs, by page id and by title."""
    query = (
        select(MediaWikiPage, Recipe.slug)
        .join(Recipe, Recipe.id == MediaWikiPage.recipe_id)
        .where(MediaWikiPage.source == site.source)
    )
    for row, slug in session.execute(query):
        book.rows[row.page_id] = row
        book.page_slugs[row.page_id] = slug
        book.slugs[book.links.normal(row.title)] = slug


def _follow_redirects(
    survey: Survey, namespaces: Collection[int], book: AddressBook, report: MediaWikiReport
) -> None:
    targets = {
        book.links.normal(page.title): page.redirect for page in survey.redirects(frozenset(namespaces))
    }
    for title, target in targets.items():
        for _ in range(MAX_REDIRECT_HOPS):
            normal = book.links.normal(target)
            if normal not in targets:
                break
            target = targets[normal]
        slug = book.slugs.get(book.links.normal(target))
        if slug is None:
            report.skip_page(title, "redirect", target)
            continue
        book.slugs[title] = slug
        book.redirects.append((slugify(title), slug))
