"""Saves per second with 20 editors saving the same recipe at once, under gunicorn with 4 workers.

The workload of the concurrency test (``tests/system/test_concurrent_editors.py``), timed: each
editor saves 50 times over HTTP, each save based on the last text it read, so that most saves are
merged with those made meanwhile and some conflict. Measured on SQLite, and on PostgreSQL when
``LEVAIN_BENCH_POSTGRES_URL`` names a server. The figure counts every answered save (a new revision
or a 409 conflict); a save that got anything else, or a history that is not one chain, fails.
"""

from __future__ import annotations

import time
from collections import Counter

from bench.bench_saves import BACKEND_NAMES
from bench.common import Row, backends, guarded, scratch, verdict
from tests.system.conftest import (
    WORKERS,
    Save,
    Server,
    Site,
    assert_single_chain,
    create_workshop,
    editors_at_once,
)

EDITORS = 20
SAVES_EACH = 50
MEASURE = f"concurrent saves, {EDITORS} editors × {SAVES_EACH} saves on a recipe, gunicorn {WORKERS} workers"


def main() -> list[Row]:
    rows: list[Row] = []
    for backend in backends():
        measure = f"{MEASURE} ({BACKEND_NAMES[backend]})"
        rows += guarded(measure, _measure, backend, measure)
    return rows


def _measure(backend: str, measure: str) -> list[Row]:
    with scratch(backend) as bench:
        site = Site(bench.instance, bench.url)
        tokens = site.add_editors(EDITORS)
        server = Server(site, bench.folder / "gunicorn.log")
        server.start()
        try:
            slug = create_workshop(server.port, tokens[0], EDITORS)
            started = time.perf_counter()
            saves = editors_at_once(server.port, slug, tokens, SAVES_EACH)
            elapsed = time.perf_counter() - started
        finally:
            server.stop()
            site.close()
        assert_single_chain(bench.engine, slug)
    errors = sum(1 for save in saves if save.status not in (200, 409))
    goal = verdict("every save a revision or a 409, no error", errors == 0)
    return [(measure, _figure(saves, elapsed, errors), goal)]


def _figure(saves: list[Save], elapsed: float, errors: int) -> str:
    outcomes = Counter("conflict" if s.status == 409 else "merged" if s.merged else "saved" for s in saves)
    return (
        f"{len(saves) / elapsed:.1f} saves/s ({len(saves)} saves in {elapsed:.1f} s: "
        f"{outcomes['saved']} on the head, {outcomes['merged']} merged, {outcomes['conflict']} conflicts, "
        f"{errors} errors)"
    )
