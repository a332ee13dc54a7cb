"""The PostgreSQL search backend: documents in ``search_documents``, searched with ``tsvector``.

Every app server shares it; nothing is kept on local disk. A document's vector is made with its
language's configuration (``levain_french``, ``levain_english``: unaccent, then the stemmer), the
title weighted A and the text D, so that ``ts_rank`` puts title matches first; the title also has
a small vector of its own, cheap to test on every match. The text itself is in ``search_texts``,
read for snippets only, so that the rows a search reads for every match stay small; its region,
language and tags are counted through the number of its facet set (``postgres_facets``). Queries become
tsqueries in ``postgres_tsqueries``; the search is one statement of ``postgres_queries``.

Writers take a transaction-level advisory lock (with ``lock_timeout``) so that one at a time builds
documents from the committed state and writes them; a rebuild replaces every row in one
transaction, which readers see all at once when it commits.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from html import escape

from sqlalchemy import Select, bindparam, delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from . import outbox, postgres_facets, vocabulary
from . import postgres_queries as sql
from . import postgres_tsqueries as tsqueries
from .documents import SearchDocument, documents_for, iter_documents
from .interface import Hit, SearchRequest, SearchResults, SearchUnavailable, Variant
from .models import SearchDocumentRow as Document
from .models import SearchText
from .query import ParsedQuery

# An arbitrary number naming Levain's search writer lock among the database's advisory locks.
WRITER_LOCK_KEY = 0x4C65_7661
REBUILD_LOCK_TIMEOUT = 60.0
WRITE_BATCH = 200


class PostgresIndex:
    name = "postgres"

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
        if hidden:
            session.execute(delete(Document).where(Document.recipe_id.in_(hidden)))
        if not documents:
            return
        facet_sets = postgres_facets.numbers_of(session, documents)
        rows = [
            {**_row(doc), "facet_set_id": facet_sets[postgres_facets.signature_of(doc)], "text": _text(doc)}
            for doc in documents
        ]
        # The vectors are made from the bound title and text, in the same INSERT as the row.
        language, title, text = bindparam("language"), bindparam("title"), bindparam("text")
        values = {name: bindparam(name) for name in [*_row(documents[0]), "facet_set_id"]}
        values["vector"] = tsqueries.vector_of(language, title, text)
        values["title_vector"] = tsqueries.title_vector_of(language, title)
        _upsert(session, insert(Document).values(values), rows)
        _upsert(session, insert(SearchText).values(recipe_id=bindparam("recipe_id"), body=text), rows)
        vocabulary.remember(session, vocabulary.words_of(documents))

    def rebuild(self, session: Session, progress: Callable[[int], None] | None = None) -> int:
        if not self._lock(session, REBUILD_LOCK_TIMEOUT):
            raise SearchUnavailable("Another process is writing the search index; try again in a moment.")
        covered = outbox.all_row_ids(session)
        session.execute(delete(Document))
        postgres_facets.forget_all(session)
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

    def indexed_digests(self, session: Session) -> dict[int, str]:
        return dict(session.execute(select(Document.recipe_id, Document.digest)).all())

    def matches(
        self, session: Session, queries: Sequence[ParsedQuery], request: SearchRequest
    ) -> list[bool | None]:
        with _planned(session, queries) as resolved:
            asked = [r for r in resolved if r is not None]
            if not asked:
                return [None] * len(queries)
            answers = iter(session.execute(*sql.probes_statement(asked, request)).one())
        return [None if r is None else next(answers) for r in resolved]

    def search(self, session: Session, query: ParsedQuery, request: SearchRequest) -> SearchResults:
        with _planned(session, [query]) as (resolved,):
            if resolved is None:
                return SearchResults(request)
            rows = session.execute(*sql.search_statement(resolved, request)).all()
            if rows:
                statistics = rows[0][-5:]
            elif request.page > 1:  # past the last page: the statistics came with no row
                statistics = session.execute(*sql.statistics_statement(resolved, request)).one()
            else:
                return SearchResults(request)
        total, regions, tags, languages, licences = statistics
        return SearchResults(
            request,
            total=total,
            hits=_hits(rows, request),
            facets={
                "region": regions or {},
                "tag": tags or {},
                "language": languages or {},
                "licence": licences or {},
            },
        )


# Planner settings for the statements of a search (see _planned).
SEARCH_PLANNING = {
    "enable_seqscan": "off",
    "max_parallel_workers_per_gather": "0",
    "jit": "off",
    "plan_cache_mode": "force_custom_plan",
}


@contextmanager
def _planned(session: Session, queries: Sequence[ParsedQuery]) -> Iterator[list[tsqueries.Resolved | None]]:
    """The tsqueries of each query (None: no word to look for), for statements planned with the GIN
    index, in one process; the planner's settings are put back on leaving.

    The planner's estimate for a word it has no statistics on is high enough that, looking for a
    first match (EXISTS) or for many, it may read every row instead of asking the index: each test
    then reads a vector back from TOAST storage, and a search takes a second instead of milliseconds.
    Starting parallel workers, or compiling the statement (JIT), costs more than these short
    statements gain from them. Plans are made for each search's own words: the driver prepares a
    statement run often, and a generic plan knows nothing of how common the words are.
    The settings are changed by the statement that resolves the queries: one round trip less.
    """
    asked = [query for query in queries if not query.is_empty]
    if not asked:
        yield [None] * len(queries)
        return
    statement, values = tsqueries.resolve_statement(asked)
    row = session.execute(_changing_planning(statement), values).one()
    settings = len(SEARCH_PLANNING)
    before = row[-2 * settings : -settings]
    found = iter(tsqueries.resolved(row[: -2 * settings]))
    resolved = [None if query.is_empty else next(found) for query in queries]
    try:
        yield [None if r is None or r.is_empty else r for r in resolved]
    finally:
        previous = zip(SEARCH_PLANNING, before, strict=True)
        session.execute(select(*[func.set_config(name, value, True) for name, value in previous]))


@functools.lru_cache(maxsize=256)
def _changing_planning(statement: Select) -> Select:
    """The statement, then the planner's settings as they were, then their changes (SEARCH_PLANNING).

    PostgreSQL computes a select list in order: the settings are read before they are changed.
    """
    readings = [func.current_setting(name) for name in SEARCH_PLANNING]
    changes = [func.set_config(name, value, True) for name, value in SEARCH_PLANNING.items()]
    return statement.add_columns(*readings, *changes)


def _upsert(session: Session, statement, rows: list[dict]) -> None:
    """Run an INSERT for each row, replacing the row of the same recipe if there is one."""
    columns = {column.name: statement.excluded[column.name] for column in statement.table.columns}
    del columns["recipe_id"]
    session.execute(statement.on_conflict_do_update(index_elements=["recipe_id"], set_=columns), rows)


def _row(doc: SearchDocument) -> dict:
    return {
        "recipe_id": doc.recipe_id, "revision_id": doc.revision_id, "root_id": doc.root_id, "slug": doc.slug,
        "title": doc.title, "language": doc.language, "region_slug": doc.region_slug,
        "region_name": doc.region_name, "tags": list(doc.tags), "updated_at": doc.updated_at,
        "digest": doc.digest, "licence": doc.licence,
    }


def _text(doc: SearchDocument) -> str:
    return doc.body.replace(sql.MARK_START, " ").replace(sql.MARK_END, " ")


def _hits(rows, request: SearchRequest) -> list[Hit]:
    lineages: dict[int, list] = {}
    for row in rows:
        lineages.setdefault(row.root_id, []).append(row)
    recent = request.sort == "recent"

    def order(members: list) -> float:
        return -(members[0].updated_at.timestamp() if recent else members[0].rank)

    return [_hit(members, recent) for members in sorted(lineages.values(), key=order)]


def _hit(members: list, recent: bool) -> Hit:
    leader, others = members[0], members[1:]
    snippet = escape(leader.snippet or "", quote=False)
    return Hit(
        slug=leader.slug, title=leader.title, region_slug=leader.region_slug, region_name=leader.region_name,
        language=leader.language, tags=tuple(leader.tags),
        snippet=snippet.replace(sql.MARK_START, "<mark>").replace(sql.MARK_END, "</mark>"),
        score=0.0 if recent else round(leader.rank, 4), updated_at=leader.updated_at,
        variants=tuple(Variant(o.slug, o.title, o.region_slug, o.region_name) for o in others),
        variant_count=leader.members - 1,
    )
