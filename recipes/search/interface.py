"""The search interface both backends implement, and the requests and results that cross it.

Glossary:
- *request*: what a reader asks: the query text, the facets narrowing it (region, tag, language, licence),
  the order (``relevance``, title matches first, or ``recent``) and the page.
- *hit*: one lineage in the results: its best-matching recipe with a snippet, and the other
  *variants* of the same lineage that matched too ("also in: Brest, Lyon").
- *total*: the number of hits (lineages), which is what pages count; *facets* count recipes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from sqlalchemy.orm import Session

from ..errors import Invalid, LevainError
from ..licences.rules import clean_licence
from ..models import LANGUAGES
from ..slugs import MAX_SLUG_LENGTH
from ..validation import clean_tags
from .query import ParsedQuery

SORTS = ("relevance", "recent")
DEFAULT_PER_PAGE = 10
MAX_PER_PAGE = 50
# A deep page costs as much as all the pages before it; nobody reads the 101st page of results.
MAX_PAGE = 100
FACETS = ("region", "tag", "language", "licence")
# A hit lists this many of its variants at most; ``variant_count`` says how many matched.
MAX_VARIANTS_LISTED = 12


class SearchUnavailable(LevainError):
    """The index is being rebuilt by another process and could not be waited for."""

    code = "unavailable"


@dataclass(frozen=True)
class SearchRequest:
    text: str = ""
    region: str | None = None
    tag: str | None = None
    language: str | None = None
    licence: str | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


def make_request(
    text: str | None,
    *,
    region: str | None = None,
    tag: str | None = None,
    language: str | None = None,
    licence: str | None = None,
    sort: str | None = None,
    page: int | None = None,
    per_page: int | None = None,
) -> SearchRequest:
    """A checked SearchRequest: unknown sorts or languages, pages past the last are Invalid.

    Asking for more than ``MAX_PER_PAGE`` results per page gets that many, like recipe lists.
    """
    if sort not in (None, "", *SORTS):
        raise Invalid(f"Results are sorted by {' or '.join(SORTS)}.")
    if language not in (None, "", *LANGUAGES):
        raise Invalid(f"The language is one of {', '.join(LANGUAGES)}.")
    if licence:
        clean_licence(licence)
    if page is not None and not 1 <= page <= MAX_PAGE:
        raise Invalid(f"Results have at most {MAX_PAGE} pages.")
    if per_page is not None and per_page < 1:
        raise Invalid("A page shows at least one result.")
    if region and (len(region) > MAX_SLUG_LENGTH or not region.isprintable()):
        raise Invalid("The region is not a region's slug.")
    tags = clean_tags([tag]) if tag else []
    return SearchRequest(
        text=text or "",
        region=region or None,
        tag=tags[0] if tags else None,
        language=language or None,
        licence=licence or None,
        sort=sort or "relevance",
        page=page or 1,
        per_page=min(per_page or DEFAULT_PER_PAGE, MAX_PER_PAGE),
    )


@dataclass(frozen=True)
class Variant:
    """Another recipe of a hit's lineage that matched as well."""

    slug: str
    title: str
    region_slug: str | None
    region_name: str | None


@dataclass(frozen=True)
class Hit:
    slug: str
    title: str
    region_slug: str | None
    region_name: str | None
    language: str
    tags: tuple[str, ...]
    snippet: str  # safe HTML: escaped text with the matched words in <mark>
    score: float
    updated_at: datetime
    variants: tuple[Variant, ...] = ()  # the first few of them
    variant_count: int = 0  # all of them


@dataclass(frozen=True)
class SearchResults:
    request: SearchRequest
    total: int = 0
    hits: list[Hit] = field(default_factory=list)
    # facet name -> value -> number of matching recipes
    facets: dict[str, dict[str, int]] = field(default_factory=lambda: {name: {} for name in FACETS})
    region_names: dict[str, str] = field(default_factory=dict)
    suggestion: str | None = None  # the query with misspelt words corrected, when it finds something
    relaxed: bool = False  # no recipe had every word: these have some of them
    left_out: tuple[str, ...] = ()  # the words no recipe has, which the relaxed search left out

    @property
    def pages(self) -> int:
        return min(MAX_PAGE, -(-self.total // self.request.per_page))


class SearchIndex(Protocol):
    """A search backend: Whoosh files in the instance folder, or PostgreSQL's full-text search."""

    name: str

    def search(self, session: Session, query: ParsedQuery, request: SearchRequest) -> SearchResults:
        """The page of results the request asks for (no suggestion, never relaxed)."""

    def matches(
        self, session: Session, queries: Sequence[ParsedQuery], request: SearchRequest
    ) -> list[bool | None]:
        """Whether any recipe matches each query; None for a query with no word to look for (stop words only).

        One call for several queries: asking them together costs the backend one round, not one each.
        """

    def apply_outbox(self, session: Session, *, lock_timeout: float) -> int:
        """Bring waiting saves into the index; 0 when another writer holds the lock past the timeout."""

    def rebuild(self, session: Session, progress: Callable[[int], None] | None = None) -> int:
        """Make the index anew from the database and swap it in; return how many recipes it holds."""

    def indexed_digests(self, session: Session) -> dict[int, str]:
        """The digest of every document in the index, by recipe id."""
