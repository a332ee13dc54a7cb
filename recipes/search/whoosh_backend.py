"""The embedded search backend: a Whoosh index in ``<instance>/search/``.

Layout: ``search/CURRENT`` names the index folder in use (``search/index-…``); ``search/WRITER.lock``
is held by whoever writes — the outbox writer of any process, or a rebuild — so that documents are
built from the database and written to the index one writer at a time (two writers interleaving
could write an older state of a recipe over a newer one). A writer that cannot get the lock within
its timeout leaves the outbox for the next one: it never fails the request that saved.

A rebuild writes a new folder while holding the lock, points CURRENT at it (an atomic rename), drops
the outbox rows its snapshot covered, applies those written meanwhile, and deletes older folders but
the previous one (a process may still be reading it). A missing or unreadable index is rebuilt on
first use.
"""

from __future__ import annotations

import os
import random
import secrets
import shutil
import time
import warnings
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import whoosh.util
from sqlalchemy.orm import Session
from whoosh import index as whoosh_index
from whoosh.query import And
from whoosh.searching import Searcher
from whoosh.util.filelock import FileLock, try_for

from ..database import begin_write
from . import outbox, vocabulary
from . import whoosh_schema as schema
from .documents import documents_for, iter_documents
from .interface import SearchRequest, SearchResults, SearchUnavailable
from .query import ParsedQuery
from .whoosh_reading import ColumnCache, SearcherPool, grouped_results, search_filter
from .whoosh_schema import compile_query, document_fields
from .whoosh_storage import IndexStorage

POINTER_FILE = "CURRENT"
LOCK_FILE = "WRITER.lock"
FOLDER_PREFIX = "index-"
# How long a rebuild (or a search finding no index) waits for another writer to finish.
REBUILD_LOCK_TIMEOUT = 60.0
# Whoosh sorts a rebuild's postings in memory up to this size, then merges sorted runs from disk:
# at 10,000 recipes 64 MB kept the peak of a rebuild alone at 172 MB against 729 MB with 512, at the
# same speed (whoosh_schema.RememberingStemFilter paid for the smaller sorts).
REBUILD_MEMORY_MB = 64
# The outbox writer adds a small segment per batch and merges the small ones only once there are
# this many: merging at every commit made each save's index write several times slower.
MERGE_AT_SEGMENTS = 8

# Whoosh names new segments and temporary files from the global `random`, which anyone in the
# process may seed (property-test runners reseed it for every example): two writers then pick the
# name of an existing segment and the commit fails. Names drawn from the OS cannot repeat that way.
whoosh.util.random = random.SystemRandom()


class WhooshIndex:
    name = "whoosh"

    def __init__(self, folder: Path | str):
        self.folder = Path(folder)
        self._opened: tuple[str, whoosh_index.Index] | None = None
        self._columns = ColumnCache()
        self._searchers = SearcherPool()
        # Searchers kept open are closed when this object goes, even if nobody calls close().
        weakref.finalize(self, self._searchers.close)

    # --- folders, locks and recovery -------------------------------------------------------

    @contextmanager
    def _writer_lock(self, timeout: float) -> Iterator[bool]:
        """Hold the writer lock if it comes within ``timeout`` seconds; yields whether it did."""
        self.folder.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.folder / LOCK_FILE))
        acquired = try_for(lock.acquire, timeout=timeout, delay=0.02)
        try:
            yield acquired
        finally:
            if acquired:
                lock.release()

    def _current_name(self) -> str | None:
        try:
            name = (self.folder / POINTER_FILE).read_text().strip()
        except OSError:
            return None
        return name if name.startswith(FOLDER_PREFIX) and "/" not in name else None

    def _open_current(self) -> whoosh_index.Index | None:
        """The index CURRENT names, or None when it is missing or cannot be read."""
        name = self._current_name()
        if name is None:
            return None
        if self._opened is not None and self._opened[0] == name:
            return self._opened[1]
        with warnings.catch_warnings():
            # Whoosh leaves a file open when a damaged file makes it fail; it is closed (with a
            # ResourceWarning) as the error is dropped, here: that is expected, not a leak to report.
            warnings.simplefilter("ignore", ResourceWarning)
            ix = _readable_index(self.folder / name)
        if ix is not None:
            self._opened = (name, ix)
        return ix

    def _index(self, session: Session) -> whoosh_index.Index:
        """The current index, rebuilt first when it is missing or damaged."""
        ix = self._open_current()
        if ix is not None:
            return ix
        with self._writer_lock(REBUILD_LOCK_TIMEOUT) as acquired:
            if not acquired:
                raise SearchUnavailable("The search index is being rebuilt; try again in a moment.")
            return self._open_current() or self._rebuild_locked(session, None)[1]

    @contextmanager
    def _searcher(self, session: Session) -> Iterator[Searcher]:
        ix = self._index(session)
        searcher = self._searchers.take(ix)
        try:
            yield searcher
        finally:
            self._searchers.give_back(ix, searcher)

    def close(self) -> None:
        """Close the searchers kept open between searches."""
        self._searchers.close()

    # --- writing -----------------------------------------------------------------------------

    def apply_outbox(self, session: Session, *, lock_timeout: float) -> int:
        with self._writer_lock(lock_timeout) as acquired:
            if not acquired:
                return 0
            ix = self._open_current()
            if ix is None:
                return self._rebuild_locked(session, None)[0]
            return self._drain(session, ix)

    def _drain(self, session: Session, ix: whoosh_index.Index) -> int:
        """Apply the outbox, a batch per round; the caller holds the writer lock."""
        applied = 0
        for _ in range(outbox.MAX_ROUNDS):
            session.commit()  # read what is committed now, not an older snapshot
            rows = outbox.pending_rows(session)
            if not rows:
                break
            documents, hidden = documents_for(session, {recipe_id for _row, recipe_id in rows})
            session.commit()
            with _writing(ix) as writer:
                writer.merge = len(writer.segments) >= MERGE_AT_SEGMENTS
                for doc in documents:
                    writer.update_document(**document_fields(doc))
                for recipe_id in hidden:
                    writer.delete_by_term(schema.RECIPE_ID, str(recipe_id))
            begin_write(session)
            vocabulary.remember(session, vocabulary.words_of(documents))
            outbox.forget(session, [row_id for row_id, _recipe in rows])
            session.commit()
            applied += len(rows)
        return applied

    def rebuild(self, session: Session, progress: Callable[[int], None] | None = None) -> int:
        with self._writer_lock(REBUILD_LOCK_TIMEOUT) as acquired:
            if not acquired:
                raise SearchUnavailable("Another process is writing the search index; try again in a moment.")
            return self._rebuild_locked(session, progress)[0]

    def _rebuild_locked(
        self, session: Session, progress: Callable[[int], None] | None
    ) -> tuple[int, whoosh_index.Index]:
        session.commit()
        covered = outbox.all_row_ids(session)
        name = f"{FOLDER_PREFIX}{time.strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(3)}"
        path = self.folder / name
        path.mkdir(parents=True)
        ix = IndexStorage(path).create_index(schema.SCHEMA)
        count, words = 0, set()
        with _writing(ix, limitmb=REBUILD_MEMORY_MB) as writer:
            for doc in iter_documents(session):
                writer.add_document(**document_fields(doc))
                words |= vocabulary.words_of([doc])
                count += 1
                if progress is not None:
                    progress(1)
        previous = self._current_name()
        self._point_to(name)
        begin_write(session)
        vocabulary.forget_all(session)
        vocabulary.remember(session, words)
        outbox.forget(session, covered)
        session.commit()
        self._drain(session, ix)
        self._remove_folders_but(name, previous)
        return count, ix

    def _point_to(self, name: str) -> None:
        temporary = self.folder / f"{POINTER_FILE}.{secrets.token_hex(4)}"
        temporary.write_text(name)
        os.replace(temporary, self.folder / POINTER_FILE)

    def _remove_folders_but(self, *keep: str | None) -> None:
        for path in self.folder.glob(f"{FOLDER_PREFIX}*"):
            if path.name not in keep:
                shutil.rmtree(path, ignore_errors=True)

    # --- reading -----------------------------------------------------------------------------

    def indexed_digests(self, session: Session) -> dict[int, str]:
        with self._searcher(session) as searcher:
            reader = searcher.reader()
            if reader.doc_count_all() == 0:  # an index without segments has no columns to read
                return {}
            ids, digests = reader.column_reader(schema.RECIPE_ID), reader.column_reader(schema.DIGEST)
            return {int(ids[docnum]): digests[docnum].decode() for docnum in reader.all_doc_ids()}

    def matches(
        self, session: Session, queries: Sequence[ParsedQuery], request: SearchRequest
    ) -> list[bool | None]:
        restriction = search_filter(request)
        with self._searcher(session) as searcher:
            return [_any_match(searcher, compile_query(query), restriction) for query in queries]

    def search(self, session: Session, query: ParsedQuery, request: SearchRequest) -> SearchResults:
        compiled = compile_query(query)
        if compiled is None:
            return SearchResults(request)
        recent = request.sort == "recent"
        with self._searcher(session) as searcher:
            results = searcher.search(
                compiled.query,
                filter=search_filter(request),
                limit=None,
                sortedby=schema.UPDATED if recent else None,
                reverse=recent,
            )
            ranked = [(docnum, 0.0 if recent else score) for docnum, score in results.items()]
            return grouped_results(searcher, self._columns.columns(searcher), ranked, compiled, request)


@contextmanager
def _writing(ix: whoosh_index.Index, **options) -> Iterator:
    """A Whoosh writer committed at the end of the block, and cancelled on any failure.

    Whoosh's own ``with ix.writer()`` does not cancel when the commit itself fails, which leaves
    its write lock taken: every later writer of the process would then fail with a LockError.
    """
    writer = ix.writer(**options)
    try:
        yield writer
        writer.commit()
    except BaseException:
        try:
            writer.cancel()
        finally:
            if writer.writelock is not None and writer.writelock.fd is not None:
                writer.writelock.release()
        raise


def _any_match(searcher: Searcher, compiled, restriction) -> bool | None:
    """Whether a compiled query matches some document (None when it has no word to look for)."""
    if compiled is None:
        return None
    query = compiled.query if restriction is None else And([compiled.query, restriction])
    # The first matching document is enough: nothing is scored or counted.
    return next(iter(searcher.docs_for_query(query)), None) is not None


def _readable_index(path: Path) -> whoosh_index.Index | None:
    """The index in ``path`` if every one of its files can be opened and it has today's fields, else None.

    An index made by an older Levain, with other fields (before licences, say), is rebuilt like a damaged one.
    """
    try:
        ix = IndexStorage(path).open_index()
        ix.searcher().close()  # opens every segment: a missing or truncated file shows here
    except Exception:  # noqa: BLE001 - a damaged index fails in many ways; it is derived data, rebuilt
        return None
    if set(ix.schema.names()) != set(schema.SCHEMA.names()):
        ix.close()
        return None
    return ix
