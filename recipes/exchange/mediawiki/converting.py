"""Converting revisions ahead of the writing, in worker processes when there are many.

Each revision is converted on its own, and its Markdown rendered (``prepare``): the work of an import
that takes the most time, and that needs nothing but the text. On a large import it is done by a pool
of worker processes a few batches ahead of the writing, so that converting and writing go on at once.
The workers are forked: they start at once, and, unlike processes started afresh, never run the
program's main module again; they touch no database (its connections stay the parent's). A small
import, one whose renderer cannot be sent to another process, or one where processes cannot be
forked converts as it writes.
"""

from __future__ import annotations

import os
import pickle
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from itertools import islice
from multiprocessing import get_all_start_methods, get_context
from typing import TypeVar

from ... import validation
from ...errors import TooLarge
from ...history.revisions import Renderer
from .links import Links
from .wikitext import Conversion, convert_wikitext

T = TypeVar("T")
BATCH = 32  # revisions sent to a worker at once
MAX_WORKERS = 4
# Below this many revisions to convert, starting workers costs more than it saves.
PARALLEL_FROM = 500


@dataclass(frozen=True)
class Prepared:
    """A revision converted: its Markdown as a recipe's text and its HTML (None: too large)."""

    conversion: Conversion
    body: str | None
    html: str | None


def prepare(text: str, links: Links, render: Renderer) -> Prepared:
    conversion = convert_wikitext(text, links)
    try:
        body = validation.clean_body(conversion.markdown)
        return Prepared(conversion, body, render(body))
    except TooLarge:
        return Prepared(conversion, None, None)


def prepared_ahead(
    items: Iterable[tuple[T, str | None]], links: Links, render: Renderer, count: int
) -> Iterator[tuple[T, Prepared | None]]:
    """Each item with its text prepared (None where the text is None), in order.

    ``count`` is how many texts there are to prepare: workers are used from ``PARALLEL_FROM`` on.
    """
    workers = min(MAX_WORKERS, os.cpu_count() or 1)
    forking = "fork" in get_all_start_methods()
    if count < PARALLEL_FROM or workers < 2 or not forking or not _can_send(links, render):
        for item, text in items:
            yield item, prepare(text, links, render) if text is not None else None
        return
    pool = ProcessPoolExecutor(
        workers, mp_context=get_context("fork"), initializer=_start, initargs=(links, render)
    )
    try:
        yield from _pipelined(iter(items), pool, workers + 1)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _pipelined(items: Iterator, pool: ProcessPoolExecutor, depth: int) -> Iterator:
    """Keep ``depth`` batches converting while the earliest one's results are handed out."""
    window: deque[tuple[list, Future]] = deque()
    while True:
        batch = list(islice(items, BATCH))
        if batch:
            window.append((batch, pool.submit(_prepare_all, [text for _, text in batch])))
        if window and (len(window) > depth or not batch):
            done, results = window.popleft()
            yield from zip((item for item, _ in done), results.result(), strict=True)
        if not batch and not window:
            return


def _can_send(links: Links, render: Renderer) -> bool:
    try:
        pickle.dumps((links, render))
    except (pickle.PicklingError, AttributeError, TypeError):
        return False
    return True


# What a worker process converts with, set once when it starts.
_worker: tuple[Links, Renderer] | None = None


def _start(links: Links, render: Renderer) -> None:
    global _worker
    _worker = (links, render)


def _prepare_all(texts: list[str | None]) -> list[Prepared | None]:
    links, render = _worker
    return [prepare(text, links, render) if text is not None else None for text in texts]
