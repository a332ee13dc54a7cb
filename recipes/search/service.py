"""Searching as readers and the command line use it: open the configured backend, search, check.

``search_recipes`` first brings any waiting saves into the index (so an edit is found as soon as it
is saved, even when its own request could not wait for the writer), then asks the backend. When no
recipe has every word, it offers a corrected spelling of the unknown words (when that finds
something), and the recipes found without the words no recipe has, or else with any of the words.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Recipe, Region
from . import outbox, vocabulary
from .documents import count_documents, expected_digests
from .interface import SearchIndex, SearchRequest, SearchResults
from .postgres_backend import PostgresIndex
from .query import Clause, ParsedQuery, fold, parse_query
from .whoosh_backend import WhooshIndex

BACKENDS = ("whoosh", "postgres")
log = logging.getLogger(__name__)
# How long a search waits for the outbox writer before answering from the index as it is.
SEARCH_LOCK_TIMEOUT = 0.5
# Shorter words are too often right and too easily "corrected" into another word.
MIN_CORRECTED_LENGTH = 4
# How long ``levain init`` waits for another process's index writer.
PREPARE_LOCK_TIMEOUT = 10.0


def open_index(backend: str, *, folder: Path | str, dialect: str) -> SearchIndex:
    """The search backend named by the configuration; ``folder`` is for Whoosh's files."""
    if backend == "whoosh":
        return WhooshIndex(folder)
    if backend == "postgres":
        if dialect != "postgresql":
            raise ValueError("The postgres search backend needs a PostgreSQL database.")
        return PostgresIndex()
    raise ValueError(f"Unknown search backend {backend!r}: choose one of {', '.join(BACKENDS)}.")


def prepare_index(session: Session, index: SearchIndex) -> int:
    """Make the index ready to search: rebuilt when it holds nothing the database has, else brought
    up to date from the outbox; return how many recipes it holds.

    An empty index beside searchable recipes is one never built, lost, or of another backend than
    the one that fed the outbox: only a rebuild fills it.
    """
    if not index.indexed_digests(session) and count_documents(session):
        return index.rebuild(session)
    while outbox.has_pending(session) and index.apply_outbox(session, lock_timeout=PREPARE_LOCK_TIMEOUT):
        pass
    return len(index.indexed_digests(session))


def search_recipes(session: Session, index: SearchIndex, request: SearchRequest) -> SearchResults:
    """The results of a reader's search (Invalid for a query no search should run)."""
    query = parse_query(request.text)
    if query.is_empty:
        return SearchResults(request)
    if outbox.has_pending(session):
        _catch_up(session, index)
    results = index.search(session, query, request)
    if results.total == 0:
        results = _after_nothing_found(session, index, query, request)
    facets = {name: _by_count(counts) for name, counts in results.facets.items()}
    return replace(results, facets=facets, region_names=_region_names(session, results))


def _catch_up(session: Session, index: SearchIndex) -> None:
    """Bring the waiting saves into the index before searching; a failure only leaves it a little behind.

    The outbox keeps the rows the index missed, so the next writer applies them: a reader's search
    must not fail because an index write did.
    """
    try:
        index.apply_outbox(session, lock_timeout=SEARCH_LOCK_TIMEOUT)
    except Exception:  # noqa: BLE001 - any write failure; the search answers from the index as it is
        session.rollback()
        log.exception("could not apply the search outbox before a search; searching the index as it is")


def _after_nothing_found(
    session: Session, index: SearchIndex, query: ParsedQuery, request: SearchRequest
) -> SearchResults:
    """A spelling suggestion, and the widened results, for a query that found nothing.

    Whether the corrected query and each word alone find something is asked in one call.
    """
    corrected = _corrected(session, query)
    clauses = list(dict.fromkeys(query.positive))  # "a a a a" asks once
    alone = [ParsedQuery((clause,)) for clause in clauses]
    found = index.matches(session, alone + ([corrected] if corrected else []), request)
    suggestion = corrected.as_text() if corrected is not None and found[-1] else None
    verdicts = dict(zip(clauses, found[: len(alone)], strict=True))
    return replace(_widened(session, index, query, request, verdicts), suggestion=suggestion)


def _widened(
    session: Session,
    index: SearchIndex,
    query: ParsedQuery,
    request: SearchRequest,
    verdicts: dict[Clause, bool | None],
) -> SearchResults:
    """Results for a query that found nothing: without the words that no recipe has, or else with any word.

    ``verdicts`` says whether each positive clause alone finds something. "comment organiser une
    cartopartie" finds the cartoparties that say "organiser", not every recipe with one of the words.
    """
    empty = SearchResults(request)
    if not any(verdicts.values()):
        return empty
    left_out = tuple(clause for clause, found in verdicts.items() if found is False)
    if left_out:  # stop words (None) stay: they change nothing
        kept = tuple(clause for clause in query.positive if clause not in left_out)
        results = index.search(session, ParsedQuery(kept + query.excluded), request)
        words = tuple(clause.as_text() for clause in left_out)
        return replace(results, relaxed=True, left_out=words) if results.total else empty
    relaxed = query.relaxed()
    results = index.search(session, relaxed, request) if relaxed is not None else empty
    return replace(results, relaxed=results.total > 0)


def _by_count(counts: dict[str, int]) -> dict[str, int]:
    """A facet's values, the most frequent first (then alphabetically)."""
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _corrected(session: Session, query: ParsedQuery) -> ParsedQuery | None:
    """The query with its unknown words corrected, if some are close to known ones."""
    words = {fold(word) for word in query.positive_words() if len(word) >= MIN_CORRECTED_LENGTH}
    unknown = words - vocabulary.known_words(session, words)
    corrections = {word: fixed for word in unknown if (fixed := vocabulary.correction(session, word))}
    return query.with_words_replaced(corrections) if corrections else None


def _region_names(session: Session, results: SearchResults) -> dict[str, str]:
    slugs = set(results.facets["region"]) | {hit.region_slug for hit in results.hits if hit.region_slug}
    if not slugs:
        return {}
    return dict(session.execute(select(Region.slug, Region.name).where(Region.slug.in_(slugs))).all())


@dataclass(frozen=True)
class DriftReport:
    """Where the index and the database disagree; ``waiting`` outbox rows are not drift yet."""

    missing: list[str]  # searchable recipes the index lacks
    stale: list[str]  # indexed with other contents than the database's
    extra: list[str]  # in the index, but readers may not find them
    waiting: int

    @property
    def clean(self) -> bool:
        return not (self.missing or self.stale or self.extra)

    def lines(self) -> list[str]:
        lines = [
            f"{label}: {len(slugs)} ({', '.join(slugs[:20])}{' …' if len(slugs) > 20 else ''})"
            for label, slugs in (("missing", self.missing), ("stale", self.stale), ("extra", self.extra))
            if slugs
        ]
        if self.waiting:
            lines.append(f"waiting in the outbox: {self.waiting}")
        return lines


def check_index(session: Session, index: SearchIndex) -> DriftReport:
    """Compare every document of the index with what the database says it should be."""
    expected = expected_digests(session)
    indexed = index.indexed_digests(session)
    names = dict(session.execute(select(Recipe.id, Recipe.slug)).all())

    def slugs(ids) -> list[str]:
        return sorted(names.get(recipe_id, f"#{recipe_id}") for recipe_id in ids)

    return DriftReport(
        missing=slugs(expected.keys() - indexed.keys()),
        stale=slugs(i for i in expected.keys() & indexed.keys() if expected[i] != indexed[i]),
        extra=slugs(indexed.keys() - expected.keys()),
        waiting=outbox.pending_count(session),
    )
