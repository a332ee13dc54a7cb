"""The PostgreSQL search backend: documents in ``search_documents``, searched with ``tsvector``.

Every app server shares it; nothing is kept on local disk. A document's vector is made with its
language's configuration (``levain_french``, ``levain_english``: unaccent, then the stemmer), the
title weighted A and the text D, so that ``ts_rank`` puts title matches first. A query is compiled
per language with ``phraseto_tsquery`` (a stop word gives an empty query, which combines as
nothing) and matched only against recipes of that language. Lineages are grouped, facets counted
and snippets made (``ts_headline``) by the database, in two statements per search.

Writers take a transaction-level advisory lock (with ``lock_timeout``) so that one at a time builds
documents from the committed state and writes them; a rebuild replaces every row in one
transaction, which readers see all at once when it commits.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from html import escape

from sqlalchemy import Float, and_, case, delete, exists, func, literal, literal_column, or_, select, update
from sqlalchemy.dialects.postgresql import REGCONFIG, insert
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, aliased

from ..models import LANGUAGES
from . import outbox, vocabulary
from .documents import SearchDocument, documents_for, iter_documents
from .interface import Hit, SearchRequest, SearchResults, SearchUnavailable, Variant
from .models import SearchDocumentRow
from .query import Atom, Clause, ParsedQuery

CONFIGURATIONS = {"fr": "levain_french", "en": "levain_english"}
# An arbitrary number naming Levain's search writer lock among the database's advisory locks.
WRITER_LOCK_KEY = 0x4C65_7661
REBUILD_LOCK_TIMEOUT = 60.0
WRITE_BATCH = 200
MAX_VARIANTS_LISTED = 12
SNIPPET_SOURCE_LENGTH = 20_000
# Matches are marked with two control characters (stripped from every document's text) and turned
# into <mark> after the snippet is escaped: ts_headline itself escapes nothing.
MARK_START, MARK_END = "\x01", "\x02"
HEADLINE_OPTIONS = (
    f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=35, MinWords=15, ShortWord=3, "
    'MaxFragments=2, FragmentDelimiter=" … "'
)

Document = SearchDocumentRow


def _configuration(language: str):
    return literal(CONFIGURATIONS[language], REGCONFIG)


def _vector_of(row):
    """The weighted tsvector of a row of ``search_documents``, in its language's configuration."""
    configuration = case(
        *[(row.language == language, _configuration(language)) for language in LANGUAGES[1:]],
        else_=_configuration(LANGUAGES[0]),
    )
    # Weights are of type "char", which an untyped SQL literal becomes and a bound string does not.
    title = func.setweight(func.to_tsvector(configuration, row.title), literal_column("'A'"))
    body = func.setweight(func.to_tsvector(configuration, row.body), literal_column("'D'"))
    return title.op("||")(body)


def _atom(atom: Atom, language: str):
    return func.phraseto_tsquery(_configuration(language), atom.text)


def _any(queries: list):
    return functools.reduce(func.tsquery_or, queries)


def _clause(clause: Clause, language: str):
    return _any([_atom(atom, language) for atom in clause.atoms])


def _wanted(parsed: ParsedQuery, language: str):
    """The tsquery of what a parsed query asks for, in one language's configuration (for ranking)."""
    return functools.reduce(func.tsquery_and, [_clause(clause, language) for clause in parsed.positive])


def _tsquery(parsed: ParsedQuery, language: str):
    """The tsquery of a parsed query, exclusions included, in one language's configuration."""
    query = _wanted(parsed, language)
    if parsed.excluded:
        excluded = _any([_clause(clause, language) for clause in parsed.excluded])
        query = func.tsquery_and(query, func.tsquery_not(excluded))
    return query


class PostgresIndex:
    name = "postgres"

    # --- writing -----------------------------------------------------------------------------

    def _lock(self, session: Session, timeout: float) -> bool:
        """Take the writer lock for this transaction, waiting at most ``timeout`` seconds."""
        session.commit()
        session.execute(select(func.set_config("lock_timeout", f"{max(1, int(timeout * 1000))}ms", True)))
        try:
            session.execute(select(func.pg_advisory_xact_lock(WRITER_LOCK_KEY)))
        except OperationalError:  # lock_not_available: another writer holds it
            session.rollback()
            return False
        session.execute(select(func.set_config("lock_timeout", "0", True)))
        return True

    def apply_outbox(self, session: Session, *, lock_timeout: float) -> int:
        applied = 0
        for _ in range(outbox.MAX_ROUNDS):
            if not self._lock(session, lock_timeout):
                break
            rows = outbox.pending_rows(session)
            if rows:
                documents, hidden = documents_for(session, {recipe_id for _row, recipe_id in rows})
                self.write_documents(session, documents, hidden)
                outbox.forget(session, [row_id for row_id, _recipe in rows])
            session.commit()
            if not rows:
                break
            applied += len(rows)
        return applied

    def write_documents(
        self, session: Session, documents: list[SearchDocument], hidden: set[int] = frozenset()
    ) -> None:
        """Insert or replace these documents and delete the hidden ones, in the caller's transaction."""
        ids = [doc.recipe_id for doc in documents]
        if hidden:
            session.execute(delete(Document).where(Document.recipe_id.in_(hidden)))
        if not documents:
            return
        rows = [_row(doc) for doc in documents]
        statement = insert(Document)
        columns = {name: statement.excluded[name] for name in rows[0] if name != "recipe_id"}
        session.execute(statement.on_conflict_do_update(index_elements=["recipe_id"], set_=columns), rows)
        session.execute(
            update(Document).where(Document.recipe_id.in_(ids)).values(vector=_vector_of(Document))
        )
        vocabulary.remember(session, vocabulary.words_of(documents))

    def rebuild(self, session: Session, progress: Callable[[int], None] | None = None) -> int:
        if not self._lock(session, REBUILD_LOCK_TIMEOUT):
            raise SearchUnavailable("Another process is writing the search index; try again in a moment.")
        covered = outbox.all_row_ids(session)
        session.execute(delete(Document))
        vocabulary.forget_all(session)
        batch, count = [], 0
        for doc in iter_documents(session):
            batch.append(doc)
            if len(batch) == WRITE_BATCH:
                count += self._write_batch(session, batch, progress)
                batch = []
        count += self._write_batch(session, batch, progress)
        outbox.forget(session, covered)
        session.commit()
        self.apply_outbox(session, lock_timeout=REBUILD_LOCK_TIMEOUT)
        return count

    def _write_batch(self, session: Session, batch: list[SearchDocument], progress) -> int:
        self.write_documents(session, batch)
        if progress is not None and batch:
            progress(len(batch))
        return len(batch)

    # --- reading -----------------------------------------------------------------------------

    def indexed_digests(self, session: Session) -> dict[int, str]:
        return dict(session.execute(select(Document.recipe_id, Document.digest)).all())

    def matches(self, session: Session, query: ParsedQuery, request: SearchRequest) -> bool | None:
        if query.is_empty:
            return None
        tsqueries = _tsqueries(query)
        words = sum(func.numnode(tsquery) for tsquery in tsqueries.values())
        found = exists().where(_matching(tsqueries), *_filters(request))
        word_count, matched = session.execute(select(words, found)).one()
        return matched if word_count else None

    def search(self, session: Session, query: ParsedQuery, request: SearchRequest) -> SearchResults:
        if query.is_empty:
            return SearchResults(request)
        tsqueries = _tsqueries(query)
        # ts_rank scores a query with exclusions as 0: rank by what is asked for only.
        wanted = {language: _wanted(query, language) for language in LANGUAGES}
        ranked, matched = _ranked(tsqueries, wanted, request)
        total, regions, tags, languages = session.execute(_statistics(ranked, matched)).one()
        rows = session.execute(_page(ranked, wanted, request)).all()
        return SearchResults(
            request,
            total=total,
            hits=_hits(rows, request),
            facets={"region": regions or {}, "tag": tags or {}, "language": languages or {}},
        )


def _row(doc: SearchDocument) -> dict:
    return {
        "recipe_id": doc.recipe_id,
        "revision_id": doc.revision_id,
        "root_id": doc.root_id,
        "slug": doc.slug,
        "title": doc.title,
        "language": doc.language,
        "region_slug": doc.region_slug,
        "region_name": doc.region_name,
        "tags": "\n".join(doc.tags),
        "updated_at": doc.updated_at,
        "body": doc.body.replace(MARK_START, " ").replace(MARK_END, " "),
        "digest": doc.digest,
    }


def _tsqueries(query: ParsedQuery) -> dict:
    return {language: _tsquery(query, language) for language in LANGUAGES}


def _matching(tsqueries: dict):
    """Recipes matched by the tsquery of their own language."""
    return or_(
        *[
            and_(Document.language == language, Document.vector.op("@@")(tsquery))
            for language, tsquery in tsqueries.items()
        ]
    )


def _filters(request: SearchRequest) -> list:
    filters = []
    if request.region:
        filters.append(Document.region_slug == request.region)
    if request.language:
        filters.append(Document.language == request.language)
    if request.tag:
        filters.append(func.strpos("\n" + Document.tags + "\n", f"\n{request.tag}\n") > 0)
    return filters


def _ranked(tsqueries: dict, wanted: dict, request: SearchRequest):
    """The matching recipes (CTE ``matched``) and their place in their lineage (CTE ``ranked``)."""
    rank = case(
        *[
            (Document.language == language, func.ts_rank(Document.vector, query))
            for language, query in wanted.items()
        ],
        else_=literal(0.0),
    )
    matched = (
        select(
            Document.recipe_id,
            Document.root_id,
            Document.region_slug,
            Document.language,
            Document.tags,
            Document.updated_at,
            rank.label("rank"),
        )
        .where(_matching(tsqueries), *_filters(request))
        .cte("matched")
    )
    key = matched.c.updated_at if request.sort == "recent" else matched.c.rank
    ranked = select(
        matched.c.recipe_id,
        matched.c.root_id,
        matched.c.updated_at,
        matched.c.rank,
        func.row_number()
        .over(partition_by=matched.c.root_id, order_by=(key.desc(), matched.c.recipe_id))
        .label("position"),
        func.count().over(partition_by=matched.c.root_id).label("members"),
    ).cte("ranked")
    return ranked, matched


def _facet(values):
    """A JSON object of value -> count over a one-column selectable of values."""
    counted = select(values.c.value, func.count().label("n")).where(values.c.value.is_not(None))
    counted = counted.group_by(values.c.value).subquery()
    return select(func.json_object_agg(counted.c.value, counted.c.n)).scalar_subquery()


def _statistics(ranked, matched):
    """One row: the number of lineages, then the region, tag and language facets."""
    total = select(func.count()).select_from(ranked).where(ranked.c.position == 1).scalar_subquery()
    regions = select(matched.c.region_slug.label("value")).subquery()
    tags = select(func.unnest(func.string_to_array(matched.c.tags, "\n")).label("value")).subquery()
    languages = select(matched.c.language.label("value")).subquery()
    return select(total, _facet(regions), _facet(tags), _facet(languages))


def _snippet(ranked, shown, tsqueries: dict):
    """The passages of a lineage's best recipe where the words matched (ts_headline, marked)."""
    return case(
        *[
            (
                and_(ranked.c.position == 1, shown.language == language),
                func.ts_headline(
                    _configuration(language),
                    func.left(shown.body, SNIPPET_SOURCE_LENGTH),
                    tsquery,
                    HEADLINE_OPTIONS,
                ),
            )
            for language, tsquery in tsqueries.items()
        ],
        else_=None,
    )


def _page(ranked, tsqueries: dict, request: SearchRequest):
    """The lineages of the requested page: each one's best recipe, with its snippet, and its variants."""
    key = ranked.c.updated_at if request.sort == "recent" else ranked.c.rank
    leaders = (
        select(ranked.c.root_id)
        .where(ranked.c.position == 1)
        .order_by(key.desc(), ranked.c.recipe_id)
        .limit(request.per_page)
        .offset(request.offset)
    )
    shown = aliased(Document)
    return (
        select(
            ranked.c.root_id,
            ranked.c.position,
            ranked.c.members,
            ranked.c.rank.cast(Float),
            shown.updated_at,
            shown.slug,
            shown.title,
            shown.region_slug,
            shown.region_name,
            shown.language,
            shown.tags,
            _snippet(ranked, shown, tsqueries).label("snippet"),
        )
        .join(shown, shown.recipe_id == ranked.c.recipe_id)
        .where(ranked.c.root_id.in_(leaders), ranked.c.position <= MAX_VARIANTS_LISTED + 1)
        .order_by(ranked.c.root_id, ranked.c.position)
    )


def _hits(rows, request: SearchRequest) -> list[Hit]:
    lineages: dict[int, list] = {}
    for row in rows:
        lineages.setdefault(row.root_id, []).append(row)
    recent = request.sort == "recent"
    ordered = sorted(
        lineages.values(),
        key=lambda members: -(members[0].updated_at.timestamp() if recent else members[0].rank),
    )
    return [_hit(members, recent) for members in ordered]


def _hit(members: list, recent: bool) -> Hit:
    leader, others = members[0], members[1:]
    snippet = escape(leader.snippet or "", quote=False)
    snippet = snippet.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    return Hit(
        slug=leader.slug,
        title=leader.title,
        region_slug=leader.region_slug,
        region_name=leader.region_name,
        language=leader.language,
        tags=tuple(leader.tags.split("\n")) if leader.tags else (),
        snippet=snippet,
        score=0.0 if recent else round(leader.rank, 4),
        updated_at=leader.updated_at,
        variants=tuple(Variant(o.slug, o.title, o.region_slug, o.region_name) for o in others),
        variant_count=leader.members - 1,
    )
