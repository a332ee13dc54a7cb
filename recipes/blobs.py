"""Content-addressed, compressed storage of texts and their rendered HTML.

A blob's id is the sha-256 of its text, so an unchanged save, a revert and a fork reuse the blob they
point at. A blob is stored either *whole* (zlib) or as a *delta*: zlib compressed with another blob's
text as preset dictionary, which makes a text that differs from its base by a few edits cost a few
dozen bytes. Deltas have two levels, like the frames of a video: a *mid* delta's base is a whole blob,
a *deep* delta's base is a mid delta. So loading any blob takes at most three decompressions, however
long the history, and a long run of small edits is mostly deep deltas of a few dozen bytes, each
measured against a recent text rather than one that has drifted far. A new mid delta is started when
a deep delta stops being tiny, a new whole blob when a mid delta stops paying.

A blob never changes once stored, so each process keeps the blobs it loaded lately (``BlobCache``, one
per database engine, bounded by the characters it holds): a page viewed again costs no query and no
decompression. ``read_blob`` always reads the database.
"""

from __future__ import annotations

import hashlib
import threading
import weakref
import zlib
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from .models import Blob

# A delta is kept only while it is much smaller than the text stored whole: deltas grow as a text
# drifts from its base. A mid delta pays up to a fifth of the whole; a deep delta is kept only while
# tiny, because past that a new mid delta makes every following deep delta small again (measured on
# 300 small edits of a 5 KB recipe, bench/bench_storage.py: 12.3% of the raw text with one level of
# deltas at 1/5, 5.5% with these two).
MID_DELTA_RATIO = 0.2
DEEP_DELTA_RATIO = 0.05
# zlib's window: a preset dictionary longer than this only helps with its last 32 KiB.
ZLIB_WINDOW = 32 * 1024
# Ids a query looks up at once (SQLite allows 32,766 parameters, PostgreSQL 65,535).
_IDS_PER_QUERY = 500
# Characters (text and HTML) of loaded blobs a process keeps per database: a few thousand recipes.
BLOB_CACHE_CHARS = 16 * 1024 * 1024


@dataclass(frozen=True)
class BlobContent:
    """A blob's text and the HTML rendered from it at save time."""

    id: str
    text: str
    html: str


def blob_id(text: str) -> str:
    """Return the content address of a text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _compress(data: bytes, dictionary: bytes | None) -> bytes:
    if dictionary is None:
        compressor = zlib.compressobj(9)
    else:
        compressor = zlib.compressobj(9, zdict=dictionary[-ZLIB_WINDOW:])
    return compressor.compress(data) + compressor.flush()


def _decompress(data: bytes, dictionary: bytes | None) -> bytes:
    if dictionary is None:
        return zlib.decompress(data)
    decompressor = zlib.decompressobj(zdict=dictionary[-ZLIB_WINDOW:])
    return decompressor.decompress(data) + decompressor.flush()


def store_blob(session: Session, text: str, render: Callable[[str], str], hint: str | None = None) -> str:
    """Store a text (if new) with its rendered HTML and return its id.

    ``hint`` is the id of a blob the text probably resembles (the previous head): the bases it stands
    on are tried as the preset dictionary of a delta. The Markdown is rendered only for a new blob.
    """
    new_id = blob_id(text)
    if session.get(Blob, new_id) is not None:
        return new_id
    row, _ = _encode(new_id, text, render(text), _frames_of(session, hint))
    table = Blob.__table__
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(insert(table).values(**row).on_conflict_do_nothing(index_elements=["id"]))
    return new_id


def store_blobs(
    session: Session, texts: Sequence[str], render: Callable[[str], str], hint: str | None = None
) -> list[str]:
    """Store texts that follow one another (the revisions of one history) and return their ids.

    Each is stored as ``store_blob`` would, each new one tried as a delta of the bases of the one
    before it (the first, of ``hint``'s), but in two statements for them all: one to find those
    already stored, one to insert the others. The Markdown is rendered only for new blobs.
    """
    ids = [blob_id(text) for text in texts]
    stored = set()
    for start in range(0, len(ids), _IDS_PER_QUERY):
        chunk = ids[start : start + _IDS_PER_QUERY]
        stored.update(session.scalars(select(Blob.id).where(Blob.id.in_(chunk))))
    frames = _frames_of(session, hint)
    rows: dict[str, dict] = {}
    for text, new_id in zip(texts, ids, strict=True):
        if new_id in stored or new_id in rows:
            continue
        rows[new_id], frames = _encode(new_id, text, render(text), frames)
    if rows:
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        statement = insert(Blob.__table__).on_conflict_do_nothing(index_elements=["id"])
        session.execute(statement, list(rows.values()))
    return ids


@dataclass(frozen=True)
class _Frame:
    """A blob a new delta may be based on, with its text and HTML as bytes."""

    id: str
    text: bytes
    html: bytes


# The bases a new blob may stand on: the whole blob, and the mid delta on it if there is one.
_Frames = tuple[_Frame, ...]


def _frames_of(session: Session, hint: str | None) -> _Frames:
    """The whole blob and mid delta that ``hint`` is, or stands on (a deep delta is no base)."""
    if hint is None or (blob := session.get(Blob, hint)) is None:
        return ()
    chain = [blob]
    while chain[0].base_id is not None:
        chain.insert(0, session.get(Blob, chain[0].base_id))
    frames: list[_Frame] = []
    for blob in chain[:2]:
        dictionary = frames[-1] if frames else None
        text = _decompress(blob.text_z, dictionary.text if dictionary else None)
        html = _decompress(blob.html_z, dictionary.html if dictionary else None)
        frames.append(_Frame(blob.id, text, html))
    return tuple(frames)


def _encode(new_id: str, text: str, html: str, frames: _Frames) -> tuple[dict, _Frames]:
    """The row storing a new blob, and the frames the next blob of its history may stand on.

    The deepest base first: a deep delta on the mid delta if it is tiny, else a mid delta on the whole
    blob if it pays, else the blob whole.
    """
    text_bytes, html_bytes = text.encode("utf-8"), html.encode("utf-8")
    whole = {
        "id": new_id,
        "size": len(text),
        "base_id": None,
        "text_z": _compress(text_bytes, None),
        "html_z": _compress(html_bytes, None),
    }
    whole_size = len(whole["text_z"]) + len(whole["html_z"])
    for depth, ratio in ((2, DEEP_DELTA_RATIO), (1, MID_DELTA_RATIO)):
        if len(frames) < depth:
            continue
        base = frames[depth - 1]
        delta = dict(
            whole,
            base_id=base.id,
            text_z=_compress(text_bytes, base.text),
            html_z=_compress(html_bytes, base.html),
        )
        if len(delta["text_z"]) + len(delta["html_z"]) < whole_size * ratio:
            # A mid delta is a base for what follows; a deep one leaves the frames as they were.
            next_frames = frames if depth == 2 else (frames[0], _Frame(new_id, text_bytes, html_bytes))
            return delta, next_frames
    return whole, (_Frame(new_id, text_bytes, html_bytes),)


class BlobCache:
    """The blobs loaded lately, least recently used first out; safe to share between threads."""

    def __init__(self, max_chars: int = BLOB_CACHE_CHARS):
        self.max_chars = max_chars
        self._blobs: OrderedDict[str, BlobContent] = OrderedDict()
        self._chars = 0
        self._lock = threading.Lock()

    def get(self, id_: str) -> BlobContent | None:
        with self._lock:
            content = self._blobs.get(id_)
            if content is not None:
                self._blobs.move_to_end(id_)
            return content

    def put(self, content: BlobContent) -> None:
        size = len(content.text) + len(content.html)
        if size > self.max_chars:
            return
        with self._lock:
            if content.id in self._blobs:
                return
            self._blobs[content.id] = content
            self._chars += size
            while self._chars > self.max_chars:
                _, evicted = self._blobs.popitem(last=False)
                self._chars -= len(evicted.text) + len(evicted.html)


# One cache per database: the same text may have been rendered differently in another database.
_caches: weakref.WeakKeyDictionary[Engine, BlobCache] = weakref.WeakKeyDictionary()
_caches_lock = threading.Lock()


def blob_cache(session: Session) -> BlobCache:
    """The blob cache of the session's database."""
    bind = session.get_bind()
    engine = bind.engine if isinstance(bind, Connection) else bind
    with _caches_lock:
        cache = _caches.get(engine)
        if cache is None:
            cache = _caches[engine] = BlobCache()
        return cache


def load_blob(session: Session, id_: str) -> BlobContent:
    """A blob's text and HTML, from the cache or else from the database."""
    cache = blob_cache(session)
    content = cache.get(id_)
    if content is None:
        content = read_blob(session, id_)
        cache.put(content)
    return content


def read_blob(session: Session, id_: str) -> BlobContent:
    """Read a blob's text and HTML from the database: at most three decompressions, whatever the history."""
    blob = session.get(Blob, id_)
    if blob is None:
        raise LookupError(f"blob {id_} is missing")
    base_text = base_html = None
    if blob.base_id is not None:
        base = read_blob(session, blob.base_id)
        base_text, base_html = base.text.encode("utf-8"), base.html.encode("utf-8")
    return BlobContent(
        id=blob.id,
        text=_decompress(blob.text_z, base_text).decode("utf-8"),
        html=_decompress(blob.html_z, base_html).decode("utf-8"),
    )


def stored_size(session: Session, ids: list[str]) -> int:
    """Return the bytes stored for these blobs (compressed text and HTML), for storage reports."""
    rows = session.execute(select(Blob.text_z, Blob.html_z).where(Blob.id.in_(set(ids))))
    return sum(len(t) + len(h) for t, h in rows)
