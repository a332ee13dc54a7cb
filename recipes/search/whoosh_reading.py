"""Reading the Whoosh index: searchers kept open, column values kept in memory, matches made results.

A search scores every match (so that lineages and facets are counted over all of them), groups the
matches by lineage root, and builds the hits of the requested page: stored fields, the snippet from
the positions of the matched words that the index keeps (``chars=True``), the variants.
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime

from whoosh import index as whoosh_index
from whoosh.query import And, Term
from whoosh.reading import TermNotFound
from whoosh.searching import Searcher

from . import whoosh_schema as schema
from .interface import MAX_VARIANTS_LISTED, Hit, SearchRequest, SearchResults, Variant
from .snippets import marked_snippet
from .whoosh_schema import CompiledQuery


class SearcherPool:
    """Searchers kept open between searches, a few at most: opening one opens every segment's files.

    A searcher serves one search at a time (Whoosh's are not safe to share between threads). One
    taken again after the index changed is replaced by a new one: Whoosh's ``refresh()``, which
    would reuse the unchanged segments, brings back segments that a merge removed.
    """

    SIZE = 4

    def __init__(self):
        self._idle: list[tuple[whoosh_index.Index, Searcher]] = []
        self._lock = threading.Lock()

    def take(self, ix: whoosh_index.Index) -> Searcher:
        with self._lock:
            while self._idle:
                owner, searcher = self._idle.pop()
                if owner is ix and searcher.up_to_date():
                    return searcher
                searcher.close()  # an older version of the index
        return ix.searcher()

    def give_back(self, ix: whoosh_index.Index, searcher: Searcher) -> None:
        with self._lock:
            if len(self._idle) < self.SIZE:
                self._idle.append((ix, searcher))
                return
        searcher.close()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for _owner, searcher in idle:
            searcher.close()


def search_filter(request: SearchRequest) -> And | None:
    wanted = {
        schema.REGION: request.region,
        schema.TAGS: request.tag,
        schema.LANGUAGE: request.language,
        schema.LICENCE: request.licence,
    }
    terms = [Term(name, value) for name, value in wanted.items() if value]
    return And(terms) if terms else None


def grouped_results(
    searcher: Searcher,
    columns: tuple,
    ranked: list[tuple[int, float]],
    compiled: CompiledQuery,
    request: SearchRequest,
) -> SearchResults:
    """Group the ranked matches by lineage, count the facets, and make the hits of the page."""
    roots, regions, languages, tags, licences = columns
    lineages: dict[str, list[tuple[int, float]]] = {}
    region_counts, tag_counts, language_counts, licence_counts = Counter(), Counter(), Counter(), Counter()
    for docnum, score in ranked:
        lineages.setdefault(roots[docnum], []).append((docnum, score))
        region_counts[regions[docnum]] += 1
        language_counts[languages[docnum]] += 1
        licence_counts[licences[docnum]] += 1
        tag_counts.update(tags[docnum])
    region_counts.pop("", None)  # recipes without a region
    page = list(lineages.values())[request.offset : request.offset + request.per_page]
    bodies = searcher.reader().column_reader(schema.BODY)
    fields = {members[0][0]: searcher.stored_fields(members[0][0]) for members in page}
    spans = _page_spans(searcher, fields, compiled)
    return SearchResults(
        request,
        total=len(lineages),
        hits=[_hit(searcher, bodies, tags, members, fields, spans) for members in page],
        facets={
            "region": dict(region_counts),
            "tag": dict(tag_counts),
            "language": dict(language_counts),
            "licence": dict(licence_counts),
        },
    )


class ColumnCache:
    """The root, region, language, tags and licence of every document, read once per segment.

    A search groups and counts every match, so it reads these for thousands of documents: from
    Python lists that is quick, from Whoosh's column files it is not. Segments never change once
    written (a deletion only marks documents), so each one is read once, when it first appears.
    """

    def __init__(self):
        self._segments: dict[str, tuple[list, ...]] = {}

    def columns(self, searcher: Searcher) -> tuple[list, list, list, list, list]:
        """Lists indexed by document number: roots, regions, languages, tags (a tuple each), licences."""
        merged: tuple[list, ...] = ([], [], [], [], [])
        current = {}
        for leaf, _docbase in searcher.reader().leaf_readers():
            key = leaf.segment().segment_id() if leaf.segment() is not None else str(id(leaf))
            current[key] = values = self._segments.get(key) or _read_columns(leaf)
            for combined, column in zip(merged, values, strict=True):
                combined += column
        self._segments = current
        return merged


def _read_columns(leaf) -> tuple[list, ...]:
    """One segment's roots, regions, languages, tags and licences (each has all: see document_fields)."""

    def values(name: str) -> list:
        return list(leaf.column_reader(name))

    tags = [tuple(lines.decode().split("\n")) if lines else () for lines in values(schema.TAG_LINES)]
    return values(schema.ROOT), values(schema.REGION), values(schema.LANGUAGE), tags, values(schema.LICENCE)


def _hit(
    searcher: Searcher,
    bodies,
    tags: list,
    members: list[tuple[int, float]],
    page_fields: dict[int, dict],
    page_spans: dict[int, list[tuple[int, int]]],
) -> Hit:
    (docnum, score), others = members[0], members[1:]
    fields = page_fields[docnum]
    return Hit(
        slug=fields[schema.SLUG],
        title=fields[schema.TITLE],
        region_slug=fields[schema.REGION] or None,
        region_name=fields[schema.REGION_NAME] or None,
        language=fields[schema.LANGUAGE],
        tags=tags[docnum],
        snippet=marked_snippet(bodies[docnum].decode(), page_spans[docnum]),
        score=round(score, 4),
        updated_at=datetime.fromtimestamp(fields[schema.UPDATED] / 1_000_000, UTC),
        variants=tuple(_variant(searcher.stored_fields(other)) for other, _ in others[:MAX_VARIANTS_LISTED]),
        variant_count=len(others),
    )


def _page_spans(
    searcher: Searcher, page_fields: dict[int, dict], compiled: CompiledQuery
) -> dict[int, list[tuple[int, int]]]:
    """Where in each hit's text the matched words are, read from the index (no new analysis).

    One postings reader per field and word serves the whole page, moving forward through the hits in
    document order: opening one per hit would read a common word's postings from the start each time.
    """
    spans: dict[int, list[tuple[int, int]]] = {docnum: [] for docnum in page_fields}
    by_language: dict[str, list[int]] = {}
    for docnum in sorted(page_fields):
        by_language.setdefault(page_fields[docnum][schema.LANGUAGE], []).append(docnum)
    for language, docnums in by_language.items():
        for term in compiled.terms.get(language, frozenset()):
            try:
                postings = searcher.postings(schema.body_field(language), term)
            except TermNotFound:
                continue
            for docnum in docnums:
                if not postings.is_active():
                    break
                postings.skip_to(docnum)
                if postings.is_active() and postings.id() == docnum:
                    places = postings.value_as("characters")
                    spans[docnum] += [(start, end) for _position, start, end in places]
    return spans


def _variant(fields: dict) -> Variant:
    region_name = fields[schema.REGION_NAME] or None
    return Variant(fields[schema.SLUG], fields[schema.TITLE], fields[schema.REGION] or None, region_name)
