"""The first reading of an export: it is read whole, checked, and summed up before anything is written.

A file that breaks anywhere is refused here, so that nothing of it is imported. The survey keeps, for
each page, what the import needs to know before it writes its first recipe: its title and namespace,
whether it is a redirect and to where (by the ``<redirect>`` MediaWiki writes, or by its last
revision's text), how many revisions it has, and who wrote them. Texts are not kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import mwxml

from .links import Site
from .reading import open_export
from .wikitext import redirect_target


@dataclass
class SurveyedPage:
    id: int
    namespace: int
    title: str
    revisions: int = 0
    redirect: str | None = None
    # MediaWiki user names of its revisions; None for an address or a hidden name.
    authors: set[str | None] = field(default_factory=set)


@dataclass(frozen=True)
class Survey:
    site: Site
    pages: tuple[SurveyedPage, ...]

    def imported(self, namespaces: frozenset[int]) -> list[SurveyedPage]:
        """The pages that become recipes: in the namespaces imported, and no redirect."""
        return [page for page in self.pages if page.namespace in namespaces and page.redirect is None]

    def redirects(self, namespaces: frozenset[int]) -> list[SurveyedPage]:
        return [page for page in self.pages if page.namespace in namespaces and page.redirect is not None]


def survey_export(path: str | Path) -> Survey:
    """Read the whole export once; a file that breaks is refused (``ExportRefused``) with its line."""
    pages = []
    with open_export(path) as reader:
        for page in reader.pages():
            surveyed = SurveyedPage(page.id, page.namespace, page.title)
            last_text = None
            for revision in reader.revisions(page):
                surveyed.revisions += 1
                surveyed.authors.add(author_name(revision))
                last_text = revision.text
            surveyed.redirect = page.redirect or (redirect_target(last_text) if last_text else None)
            pages.append(surveyed)
        return Survey(reader.site, tuple(pages))


def author_name(revision: mwxml.Revision) -> str | None:
    """The account a revision was saved by, or None for a visitor's address or a hidden name."""
    user = revision.user
    if user is None or user.id is None or not user.text:
        return None
    return user.text
