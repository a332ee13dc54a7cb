"""The SQL of the PostgreSQL search backend: tsqueries from a ParsedQuery, and the one search statement.

A query is first *resolved*: compiled per language with ``phraseto_tsquery`` in that language's
configuration (a stop word gives an empty tsquery, which combines as nothing) and read back as
text, the wanted words apart from the excluded ones. Each recipe is matched by the tsqueries of its
own language; languages whose tsqueries are the same share one index scan, a language with no
word to look for is not scanned at all.

The search statement finds every match once (CTE ``matched``: counted by lineage and by facet),
ranks a bounded set of candidates by ``ts_rank`` on the wanted words (a query with exclusions would
rank 0), places each in its lineage (CTE ``ranked``) and returns the rows of the page's lineages
with their snippets (``ts_headline``) and, in every row, the number of lineages and the facets.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from sqlalchemy import Float, Text, any_, case, exists, func, literal, literal_column, or_, select, union_all
from sqlalchemy.dialects.postgresql import JSON, REGCONFIG, TSQUERY
from sqlalchemy.orm import aliased

from ..models import LANGUAGES
from .interface import MAX_VARIANTS_LISTED, SearchRequest
from .models import SearchDocumentRow as Document
from .models import SearchText
from .query import Clause, ParsedQuery

CONFIGURATIONS = {"fr": "levain_french", "en": "levain_english"}
# Ranking by the whole text is exact up to this many matches (see _ranked), and beyond it for as
# many candidates per hit of the pages up to the one asked for.
EXACT_RANKING_LIMIT, CANDIDATES_PER_HIT = 500, 3
SNIPPET_SOURCE_LENGTH = 20_000
# Matches are marked with two control characters (stripped from every document's text) and turned
# into <mark> once the snippet is escaped: ts_headline itself escapes nothing.
MARK_START, MARK_END = "\x01", "\x02"
HEADLINE_OPTIONS = (
    f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=35, MinWords=15, ShortWord=3, "
    'MaxFragments=2, FragmentDelimiter=" … "'
)


def configuration(language: str):
    return literal(CONFIGURATIONS[language], REGCONFIG)


def _configuration_of(language):
    return case(
        *[(language == code, configuration(code)) for code in LANGUAGES[1:]],
        else_=configuration(LANGUAGES[0]),
    )


def title_vector_of(language, title):
    """The tsvector of a title, weight A, in its language's configuration."""
    # Weights are of type "char", which an untyped SQL literal becomes and a bound string does not.
    return func.setweight(func.to_tsvector(_configuration_of(language), title), literal_column("'A'"))


def vector_of(language, title, body):
    """The tsvector of a title (weight A) and a text (weight D), in their language's configuration."""
    body_vector = func.setweight(func.to_tsvector(_configuration_of(language), body), literal_column("'D'"))
    return title_vector_of(language, title).op("||")(body_vector)


@dataclass(frozen=True)
class Resolved:
    """A query's tsqueries as text, per language: what is ``wanted``, what is ``unwanted`` ("" if nothing)."""

    wanted: dict[str, str]
    unwanted: dict[str, str]

    @property
    def is_empty(self) -> bool:
        """True when no language has a word to look for (stop words only)."""
        return not any(self.wanted.values())

    def branches(self) -> list[tuple[tuple[str, ...], str, str]]:
        """(languages, wanted, unwanted) to scan: the languages with the same tsqueries together.

        A language with no word to look for is left out: "le -compost" must not match every French
        recipe without compost.
        """
        grouped: dict[tuple[str, str], list[str]] = {}
        for code, tsquery in self.wanted.items():
            if tsquery:
                grouped.setdefault((tsquery, self.unwanted[code]), []).append(code)
        return [(tuple(codes), *tsqueries) for tsqueries, codes in grouped.items()]


def resolve_statement(parsed: ParsedQuery):
    """One row: the wanted tsquery of each language, then the unwanted one, as text."""
    wanted = [_and([_clause(clause, code) for clause in parsed.positive]).cast(Text) for code in LANGUAGES]
    if not parsed.excluded:
        return select(*wanted, *[literal("") for _code in LANGUAGES])
    unwanted = [_or([_clause(clause, code) for clause in parsed.excluded]).cast(Text) for code in LANGUAGES]
    return select(*wanted, *unwanted)


def resolved(row) -> Resolved:
    count = len(LANGUAGES)
    wanted, unwanted = row[:count], row[count:]
    return Resolved(dict(zip(LANGUAGES, wanted, strict=True)), dict(zip(LANGUAGES, unwanted, strict=True)))


def _and(queries: list):
    return functools.reduce(func.tsquery_and, queries)


def _or(queries: list):
    return functools.reduce(func.tsquery_or, queries)


def _clause(clause: Clause, language: str):
    return _or([func.phraseto_tsquery(configuration(language), atom.text) for atom in clause.atoms])


def _tsquery(text: str):
    return literal(text, TSQUERY)


def _matches(codes: tuple[str, ...], wanted: str, unwanted: str) -> list:
    """The conditions of one branch: the index decides the match, the language only filters rows.

    Excluded words are a second index scan whose recipes are left out, rather than a NOT in the
    tsquery: that would make PostgreSQL read every candidate's vector back to check it.
    """
    conditions = [Document.vector.op("@@")(_tsquery(wanted))]
    if unwanted:
        excluded = aliased(Document)
        conditions.append(
            Document.recipe_id.not_in(select(excluded.recipe_id).where(excluded.vector.op("@@")(_tsquery(unwanted))))
        )
    if len(codes) < len(LANGUAGES):
        conditions.append(Document.language.in_(codes))
    return conditions


def filters(request: SearchRequest) -> list:
    conditions = []
    if request.region:
        conditions.append(Document.region_slug == request.region)
    if request.language:
        conditions.append(Document.language == request.language)
    if request.tag:
        conditions.append(literal(request.tag) == any_(Document.tags))
    return conditions


def exists_statement(query: Resolved, request: SearchRequest):
    """Whether some recipe matches: one index probe per branch."""
    probes = [exists().where(*_matches(*branch), *filters(request)) for branch in query.branches()]
    return select(or_(*probes))


def search_statement(query: Resolved, request: SearchRequest):
    """The rows of the page's lineages, each with the number of lineages and the three facets."""
    matched = _matched(query, request)
    ranked = _ranked(matched, query, request)
    key = ranked.c.updated_at if request.sort == "recent" else ranked.c.rank
    leaders = (
        select(ranked.c.root_id).where(ranked.c.position == 1)
        .order_by(key.desc(), ranked.c.recipe_id).limit(request.per_page).offset(request.offset)
    )
    members = (
        select(matched.c.root_id, func.count().label("members"))
        .where(matched.c.root_id.in_(leaders)).group_by(matched.c.root_id).subquery()
    )
    shown = aliased(Document)
    return (
        select(
            ranked.c.root_id, ranked.c.position, members.c.members, ranked.c.rank.cast(Float),
            shown.updated_at, shown.slug, shown.title, shown.region_slug, shown.region_name, shown.language,
            shown.tags, _snippet(ranked, shown, query).label("snippet"), *_statistics(matched),
        )
        .join(shown, shown.recipe_id == ranked.c.recipe_id)
        .join(members, members.c.root_id == ranked.c.root_id)
        .where(ranked.c.position <= MAX_VARIANTS_LISTED + 1)
        .order_by(ranked.c.root_id, ranked.c.position)
    )


def statistics_statement(query: Resolved, request: SearchRequest):
    """The number of lineages and the facets alone (for a page past the last one)."""
    return select(*_statistics(_matched(query, request)))


def _rank_of(row, vector, query: Resolved):
    """ts_rank of a vector against the wanted tsquery of the row's language."""
    return case(
        *[
            (row.language == code, func.ts_rank(vector, _tsquery(tsquery)))
            for code, tsquery in query.wanted.items()
            if tsquery
        ],
        else_=literal(0.0),
    )


def _matched(query: Resolved, request: SearchRequest):
    """Every match, and whether its title matches: an index scan per branch, no text vector read."""
    parts = [
        select(
            Document.recipe_id, Document.root_id, Document.region_slug, Document.language, Document.tags,
            Document.updated_at, Document.title_vector.op("@@")(_tsquery(wanted)).label("title_match"),
        ).where(*_matches(codes, wanted, unwanted), *filters(request))
        for codes, wanted, unwanted in query.branches()
    ]
    return union_all(*parts).cte("matched")


def _ranked(matched, query: Resolved, request: SearchRequest):
    """The candidates for the page, ranked, each with its place in its lineage.

    Ranking by the whole text reads each candidate's vector, so it is done for a bounded number of
    candidates: every match when there are few, else those whose titles match, the most recent
    first (or the most recent, sorted by date), enough for the pages up to the one asked for.
    """
    recent = request.sort == "recent"
    order = [matched.c.updated_at.desc()]
    if not recent:
        order.insert(0, matched.c.title_match.desc())
    limit = max(EXACT_RANKING_LIMIT, CANDIDATES_PER_HIT * (request.offset + request.per_page))
    candidates = select(matched.c.recipe_id).order_by(*order, matched.c.recipe_id).limit(limit).subquery()
    scored = aliased(Document)
    rank = literal(0.0) if recent else _rank_of(scored, scored.vector, query)
    key = scored.updated_at if recent else rank
    return (
        select(
            scored.recipe_id, scored.root_id, scored.updated_at, rank.label("rank"),
            func.row_number().over(partition_by=scored.root_id, order_by=(key.desc(), scored.recipe_id))
            .label("position"),
        )
        .join(candidates, candidates.c.recipe_id == scored.recipe_id)
        .cte("ranked")
    )


def _facet(values, name: str):
    """A JSON object of value -> count over a one-column selectable of values."""
    counted = select(values.c.value, func.count().label("n")).where(values.c.value.is_not(None))
    counted = counted.group_by(values.c.value).subquery()
    counts = func.json_object_agg(counted.c.value, counted.c.n, type_=JSON)
    return select(counts).scalar_subquery().label(name)


def _statistics(matched) -> list:
    """The number of lineages, then the region, tag and language facets, over every match."""
    total = select(func.count(func.distinct(matched.c.root_id))).scalar_subquery()
    tags = select(func.unnest(matched.c.tags).label("value")).subquery()
    return [
        total.label("total"),
        _facet(select(matched.c.region_slug.label("value")).subquery(), "regions"),
        _facet(tags, "tag_counts"),
        _facet(select(matched.c.language.label("value")).subquery(), "languages"),
    ]


def _snippet(ranked, shown, query: Resolved):
    """The passages of a lineage's best recipe where the wanted words are (ts_headline, marked)."""
    text = select(func.left(SearchText.body, SNIPPET_SOURCE_LENGTH))
    text = text.where(SearchText.recipe_id == shown.recipe_id).scalar_subquery()
    return case(
        *[
            (
                (ranked.c.position == 1) & (shown.language == code),
                func.ts_headline(configuration(code), text, _tsquery(tsquery), HEADLINE_OPTIONS),
            )
            for code, tsquery in query.wanted.items()
            if tsquery
        ],
        else_=None,
    )
