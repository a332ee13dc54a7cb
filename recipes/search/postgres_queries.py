"""The SQL of the PostgreSQL search backend: the search statement, from a query's tsqueries.

Each recipe is matched by the tsqueries of its own language (``postgres_tsqueries``); languages
whose tsqueries are the same share one index scan, a language with no word to look for is not
scanned at all.

The search statement finds every match once (CTE ``matched``: a few small columns each), ranks a
bounded set of candidates by ``ts_rank`` on the wanted words (a query with exclusions would rank
0), keeps the best of each lineage (CTE ``ranked``), takes the page's lineages (CTE ``page``) and
returns their matches (``family``) with the leaders' snippets (``ts_headline``) and, in every row,
the number of lineages and the facets, counted by facet set (``postgres_facets``). Every pass over
all the matches is a hash or a count; only the page's lineages are sorted.
The GIN index decides phrases by their words alone; only the recipes without the phrase in their
title have their whole vector read to check it. Each shape of search statement is built once and
run with bound values (see ``search_statement``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from sqlalchemy import (
    Float,
    Integer,
    Select,
    Text,
    any_,
    bindparam,
    case,
    exists,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.dialects.postgresql import JSON, TSQUERY

from ..models import LANGUAGES
from .interface import MAX_VARIANTS_LISTED, SearchRequest
from .models import SearchDocumentRow, SearchFacetSet, SearchText
from .postgres_tsqueries import (
    Resolved,
    configuration,
    first_word_pattern,
    is_phrase,
    without_positions,
)

# Core tables: statements built on them cost far less to build than on the ORM classes.
documents, texts, facet_sets = SearchDocumentRow.__table__, SearchText.__table__, SearchFacetSet.__table__
# The facets a search may be narrowed to, in the order ``_filters`` takes them.
FACET_FILTERS = ("region", "language", "tag", "licence")
# Ranking by the whole text is exact up to this many matches (see _ranked), and beyond it for as
# many candidates per hit of the pages up to the one asked for.
EXACT_RANKING_LIMIT, CANDIDATES_PER_HIT = 200, 3
# A snippet is made from this many characters of the text, from this many before its first match:
# ts_headline parses all it is given, a few kilobytes at about a millisecond each.
PASSAGE_LENGTH, PASSAGE_LEAD = 1_200, 300
# A passage is cut after its last whole word, looked for in its last this many characters first
# (see _cut_after_a_word); the pattern finds the spaces and the broken word that end it.
CUT_TAIL, BROKEN_END = 100, r"\s+\S*$"
# The columns read for every match, and for each hit shown.
_MATCHED = ("recipe_id", "root_id", "facet_set_id", "updated_at")
_SHOWN = ("updated_at", "slug", "title", "region_slug", "region_name", "language", "tags")
# Matches are marked with two control characters (stripped from every document's text) and turned
# into <mark> once the snippet is escaped: ts_headline itself escapes nothing.
MARK_START, MARK_END = "\x01", "\x02"
HEADLINE_OPTIONS = (
    f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=35, MinWords=15, ShortWord=3, "
    'MaxFragments=2, FragmentDelimiter=" … "'
)


@dataclass(frozen=True)
class _Branch:
    """One index scan: its languages and the SQL of its tsqueries (``*_loose``: set for phrases only)."""

    codes: tuple[str, ...]
    wanted: object
    wanted_loose: object | None = None
    unwanted: object | None = None
    unwanted_loose: object | None = None


def _matching(document, tsquery, loose) -> list:
    """The conditions for a document to match a tsquery, cheapest first.

    The index cannot tell where words are, so a phrase's candidates are checked by reading their
    vectors back from TOAST storage, a few kilobytes each: thousands of them for a common phrase.
    The index decides the phrase's words (``loose``), then the title's small vector (in the row)
    settles the recipes with the phrase in their title; only the others have their whole vector read.
    """
    if loose is None:
        return [document.c.vector.op("@@")(tsquery)]
    return [
        document.c.vector.op("@@")(loose),
        or_(document.c.title_vector.op("@@")(tsquery), document.c.vector.op("@@")(tsquery)),
    ]


def _matches(branch: _Branch) -> list:
    """The conditions of one branch: the index decides the match, the language only filters rows.

    Excluded words are a second index scan whose recipes are left out, rather than a NOT in the
    tsquery: that would make PostgreSQL read every candidate's vector back to check it.
    """
    conditions = _matching(documents, branch.wanted, branch.wanted_loose)
    if branch.unwanted is not None:
        excluded = documents.alias()
        unwanted = _matching(excluded, branch.unwanted, branch.unwanted_loose)
        left_out = select(excluded.c.recipe_id).where(*unwanted)
        conditions.append(documents.c.recipe_id.not_in(left_out))
    if len(branch.codes) < len(LANGUAGES):
        conditions.append(documents.c.language.in_(branch.codes))
    return conditions


def _filters(region, language, tag, licence) -> list:
    """The facets a search is narrowed to (values or bound parameters; None: not narrowed)."""
    conditions = []
    if region is not None:
        conditions.append(documents.c.region_slug == region)
    if language is not None:
        conditions.append(documents.c.language == language)
    if tag is not None:
        conditions.append(tag == any_(documents.c.tags))
    if licence is not None:
        conditions.append(documents.c.licence == licence)
    return conditions


def probes_statement(queries: list[Resolved], request: SearchRequest) -> tuple[Select, dict]:
    """Whether some recipe matches each query, in one row (one index probe per branch); and its values."""
    shapes = tuple(_branch_shapes(query) for query in queries)
    values = {name: getattr(request, name) for name in FACET_FILTERS}
    for number, query in enumerate(queries):
        values.update(_branch_values(query, prefix=f"probe_{number}_"))
    return _probes_statement(shapes, *[bool(getattr(request, name)) for name in FACET_FILTERS]), values


@functools.lru_cache(maxsize=128)
def _probes_statement(shapes: tuple, *present: bool) -> Select:
    narrowed = _filters(*[_bound(name, on, Text) for name, on in zip(FACET_FILTERS, present, strict=True)])
    return select(*[
        or_(*[exists().where(*_matches(branch), *narrowed)
              for branch in _bound_branches(branches, prefix=f"probe_{number}_")])
        for number, branches in enumerate(shapes)
    ])


# --- the search statement ---------------------------------------------------------------------
# Building a statement this size costs more than running it on a few thousand matches, so each
# shape of search (its branches, phrases, exclusions, facets, order) is built once, with bound
# parameters for the tsqueries, facets and page, and run with the values of each search.


def search_statement(query: Resolved, request: SearchRequest) -> tuple[Select, dict]:
    """The rows of the page's lineages, each with the number of lineages and the facets; and its values."""
    return _search_statement(_shape(query, request)), _values(query, request)


def statistics_statement(query: Resolved, request: SearchRequest) -> tuple[Select, dict]:
    """The number of lineages and the facets alone (for a page past the last one); and its values."""
    return _statistics_statement(_shape(query, request)), _values(query, request)


@dataclass(frozen=True)
class _Shape:
    """What the structure of a search statement depends on, and nothing else."""

    branches: tuple[tuple[tuple[str, ...], bool, bool, bool], ...]  # codes, phrase, excluded, excluded phrase
    ranked_languages: tuple[str, ...]  # the languages with a wanted tsquery
    region: bool
    language: bool
    tag: bool
    licence: bool
    recent: bool


def _shape(query: Resolved, request: SearchRequest) -> _Shape:
    ranked = tuple(code for code, tsquery in query.wanted.items() if tsquery)
    return _Shape(_branch_shapes(query), ranked, bool(request.region), bool(request.language),
                  bool(request.tag), bool(request.licence), request.sort == "recent")


def _branch_shapes(query: Resolved) -> tuple:
    """Each branch's languages, and whether it has a phrase, an exclusion, an excluded phrase."""
    return tuple(
        (codes, is_phrase(wanted), bool(unwanted), is_phrase(unwanted))
        for codes, wanted, unwanted in query.branches()
    )


def _values(query: Resolved, request: SearchRequest) -> dict:
    values = {
        **{name: getattr(request, name) for name in FACET_FILTERS},
        "page_size": request.per_page, "page_offset": request.offset,
        "candidates": CANDIDATES_PER_HIT * (request.offset + request.per_page),
    }
    values.update(_branch_values(query))
    for code, tsquery in query.wanted.items():
        if tsquery:
            values[f"rank_{code}"], values[f"first_word_{code}"] = tsquery, first_word_pattern(tsquery)
    return values


def _branch_values(query: Resolved, prefix: str = "") -> dict:
    values = {}
    for number, (_codes, wanted, unwanted) in enumerate(query.branches()):
        for role, tsquery in (("wanted", wanted), ("unwanted", unwanted)):
            values[f"{prefix}{role}_{number}"] = tsquery
            values[f"{prefix}{role}_loose_{number}"] = without_positions(tsquery)
    return values


def _bound(name: str, present: bool = True, type_=TSQUERY):
    return bindparam(name, type_=type_) if present else None


def _bound_branches(branches: tuple, prefix: str = "") -> list[_Branch]:
    """The branches of ``_branch_shapes``, their tsqueries bound by the names of ``_branch_values``."""
    return [
        _Branch(
            codes, _bound(f"{prefix}wanted_{number}"), _bound(f"{prefix}wanted_loose_{number}", phrase),
            _bound(f"{prefix}unwanted_{number}", excluded),
            _bound(f"{prefix}unwanted_loose_{number}", excluded_phrase),
        )
        for number, (codes, phrase, excluded, excluded_phrase) in enumerate(branches)
    ]


@functools.lru_cache(maxsize=256)
def _search_statement(shape: _Shape) -> Select:
    matched = _matched(shape)
    combinations = _combinations(matched)
    ranked = _ranked(matched, combinations, shape)
    key = ranked.c.updated_at if shape.recent else ranked.c.rank
    page = (
        select(ranked.c.recipe_id.label("leader_id"), ranked.c.root_id, ranked.c.rank)
        .where(ranked.c.position == 1).order_by(key.desc(), ranked.c.recipe_id)
        .limit(bindparam("page_size", type_=Integer)).offset(bindparam("page_offset", type_=Integer))
        .cte("page")
    )
    family = _family(matched, page)
    shown = documents.alias()
    return (
        select(
            family.c.root_id, family.c.position, family.c.members, page.c.rank.cast(Float),
            *[shown.c[name] for name in _SHOWN], _snippet(family, shown, shape).label("snippet"),
            *_statistics(matched, combinations),
        )
        .join(page, page.c.root_id == family.c.root_id)
        .join(shown, shown.c.recipe_id == family.c.recipe_id)
        .where(family.c.position <= MAX_VARIANTS_LISTED + 1)
        .order_by(family.c.root_id, family.c.position)
    )


def _family(matched, page):
    """The matches of the page's lineages: how many each lineage has, and their places in it (its
    leader first, then the most recent), read from every match so that no variant found is missed."""
    leader_first = case((matched.c.recipe_id == page.c.leader_id, 0), else_=1)
    place = (leader_first, matched.c.updated_at.desc(), matched.c.recipe_id)
    return (
        select(
            matched.c.recipe_id, matched.c.root_id,
            func.count().over(partition_by=matched.c.root_id).label("members"),
            func.row_number().over(partition_by=matched.c.root_id, order_by=place).label("position"),
        )
        .join(page, page.c.root_id == matched.c.root_id)
        .subquery("family")
    )


@functools.lru_cache(maxsize=64)
def _statistics_statement(shape: _Shape) -> Select:
    matched = _matched(shape)
    return select(*_statistics(matched, _combinations(matched)))


def _matched(shape: _Shape):
    """Every match, and whether its title matches: an index scan per branch, no text vector read."""
    narrowed = _filters(*[_bound(name, getattr(shape, name), Text) for name in FACET_FILTERS])
    parts = [
        select(
            *[documents.c[name] for name in _MATCHED],
            documents.c.title_vector.op("@@")(branch.wanted).label("title_match"),
        ).where(*_matches(branch), *narrowed)
        for branch in _bound_branches(shape.branches)
    ]
    return union_all(*parts).cte("matched")


def _rank_of(row, shape: _Shape):
    """ts_rank of a row's vector against the wanted tsquery of the row's language."""
    ranks = [
        (row.c.language == code, func.ts_rank(row.c.vector, _bound(f"rank_{code}")))
        for code in shape.ranked_languages
    ]
    return case(*ranks, else_=literal(0.0))


def _ranked(matched, combinations, shape: _Shape):
    """The candidates for the page, ranked, each with its place in its lineage.

    Ranking by the whole text reads each candidate's vector, so it is done for a bounded number of
    candidates: every match when there are few, else those whose titles match, the most recent
    first (or the most recent, sorted by date), enough for the pages up to the one asked for.
    """
    order = [matched.c.updated_at.desc()]
    if not shape.recent:
        order.insert(0, matched.c.title_match.desc())
    few = func.sum(combinations.c.n) <= EXACT_RANKING_LIMIT  # the number of matches, already counted
    enough = select(case((few, EXACT_RANKING_LIMIT), else_=bindparam("candidates", type_=Integer)))
    candidates = select(matched.c.recipe_id).order_by(*order, matched.c.recipe_id)
    candidates = candidates.limit(enough.scalar_subquery()).subquery()
    scored = documents.alias()
    rank = literal(0.0) if shape.recent else _rank_of(scored, shape)
    key = scored.c.updated_at if shape.recent else rank
    return (
        select(
            scored.c.recipe_id, scored.c.root_id, scored.c.updated_at, rank.label("rank"),
            func.row_number().over(partition_by=scored.c.root_id, order_by=(key.desc(), scored.c.recipe_id))
            .label("position"),
        )
        .join(candidates, candidates.c.recipe_id == scored.c.recipe_id)
        .cte("ranked")
    )


def _facet(values, name: str):
    """A JSON object of value -> count over a selectable of (value, n) rows, n matches each."""
    counted = select(values.c.value, func.sum(values.c.n).label("n")).where(values.c.value.is_not(None))
    counted = counted.group_by(values.c.value).subquery()
    counts = func.json_object_agg(counted.c.value, counted.c.n, type_=JSON)
    return select(counts).scalar_subquery().label(name)


def _combinations(matched):
    """The matches counted by facet set (one integer each, see ``postgres_facets``) in one pass: a few
    hundred sets at most, with their regions, languages, tags and licences."""
    counted = select(matched.c.facet_set_id, func.count().label("n")).group_by(matched.c.facet_set_id)
    counted = counted.subquery()
    return (
        select(
            facet_sets.c.region_slug,
            facet_sets.c.language,
            facet_sets.c.tags,
            facet_sets.c.licence,
            counted.c.n,
        )
        .join(facet_sets, facet_sets.c.id == counted.c.facet_set_id)
        .cte("combinations")
    )


def _statistics(matched, combinations) -> list:
    """The number of lineages, then the region, tag, language and licence facets, over the combinations."""
    total = select(func.count(matched.c.root_id.distinct())).scalar_subquery()
    tags = select(func.unnest(combinations.c.tags).label("value"), combinations.c.n).subquery()
    return [
        total.label("total"),
        _facet(select(combinations.c.region_slug.label("value"), combinations.c.n).subquery(), "regions"),
        _facet(tags, "tag_counts"),
        _facet(select(combinations.c.language.label("value"), combinations.c.n).subquery(), "languages"),
        _facet(select(combinations.c.licence.label("value"), combinations.c.n).subquery(), "licences"),
    ]


def _snippet(family, shown, shape: _Shape):
    """The passages of a lineage's best recipe where the wanted words are (ts_headline, marked)."""
    headlines = [
        (
            (family.c.position == 1) & (shown.c.language == code),
            func.ts_headline(
                configuration(code), _passage(shown, code), _bound(f"rank_{code}"), HEADLINE_OPTIONS
            ),
        )
        for code in shape.ranked_languages
    ]
    return case(*headlines, else_=None)


def _passage(shown, code: str):
    """The part of a recipe's text where its snippet is: from a little before the first wanted word
    (found by its beginning, lowercased and without accents) or from the start, cut after a word."""
    body = texts.c.body
    before = func.substring(func.lower(func.unaccent(body)), _bound(f"first_word_{code}", type_=Text))
    start = func.greatest(func.coalesce(func.length(before), 0) - PASSAGE_LEAD, 0) + 1
    # One character more than the passage tells whether the text goes on after it.
    window = select(func.substr(body, start, PASSAGE_LENGTH + 1).label("text"))
    window = window.where(texts.c.recipe_id == shown.c.recipe_id).correlate(shown)
    # OFFSET 0 keeps the window a subquery of its own: merged into the statement below, its text would
    # be computed for each of its three uses, the whole text lowercased and unaccented each time.
    window = window.offset(0).subquery("window")
    goes_on = func.length(window.c.text) > PASSAGE_LENGTH
    cut = _cut_after_a_word(func.left(window.c.text, PASSAGE_LENGTH))
    return select(case((goes_on, cut), else_=window.c.text)).scalar_subquery()


def _cut_after_a_word(passage):
    """The passage without its broken end (BROKEN_END: the last spaces and what follows them).

    A regular expression is tried at every space of what it reads, so the end is looked for in the
    passage's tail: when the tail's last spaces begin after its first character, they are the
    passage's last spaces too. Otherwise (a long last word, spaces across the tail's start) the whole
    passage is read, as it always was.
    """
    in_tail = func.substring(func.right(passage, CUT_TAIL), BROKEN_END)
    return case(
        (func.length(in_tail) < CUT_TAIL, func.left(passage, func.length(passage) - func.length(in_tail))),
        else_=func.regexp_replace(passage, BROKEN_END, ""),
    )
