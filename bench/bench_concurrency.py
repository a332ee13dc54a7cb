"""Saves per second, and how long each save waits, with editors saving the same recipe at once
under gunicorn with 4 workers.

The workload of the concurrency test (``tests/system/test_concurrent_editors.py``), timed: each
editor saves over HTTP, each save based on the last text it read, so that most saves are merged with
those made meanwhile and some conflict. Twenty editors saving 50 times each measure the rate, on
SQLite, and on PostgreSQL when ``LEVAIN_BENCH_POSTGRES_URL`` names a server; eight editors saving 15
times each, on SQLite, measure what one editor waits for a save among others. The figures count every
answered save (a new revision or a 409 conflict); a save that got anything else, or a history that is
not one chain, fails.
"""

from __future__ import annotations

import time
from collections import Counter

from bench.bench_saves import BACKEND_NAMES
from bench.common import Row, backends, guarded, median, ms, percentile, scratch, verdict
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
# A busy afternoon on one recipe: the latency one editor sees.
FEW_EDITORS, FEW_SAVES_EACH = 8, 15
LATENCY_MEASURE = (
    f"save latency, {FEW_EDITORS} editors × {FEW_SAVES_EACH} saves on a recipe at once, "
    f"gunicorn {WORKERS} workers"
)
LATENCY_GOAL_SECONDS = 0.150


def main() -> list[Row]:
    rows: list[Row] = []
    for backend in backends():
        measure = f"{MEASURE} ({BACKEND_NAMES[backend]})"
        rows += guarded(measure, _measure, backend, measure)
    measure = f"{LATENCY_MEASURE} (SQLite)"
    rows += guarded(measure, _measure_latency, measure)
    return rows


def _measure(backend: str, measure: str) -> list[Row]:
    saves, elapsed = _saves_at_once(backend, EDITORS, SAVES_EACH)
    errors = sum(1 for save in saves if save.status not in (200, 409))
    goal = verdict("every save a revision or a 409, no error", errors == 0)
    return [(measure, _figure(saves, elapsed, errors), goal)]


def _measure_latency(measure: str) -> list[Row]:
    saves, _ = _saves_at_once("sqlite", FEW_EDITORS, FEW_SAVES_EACH)
    assert all(save.status in (200, 409) for save in saves), "every save a revision or a 409"
    waits = [save.seconds for save in saves]
    figure = f"median {ms(median(waits))} (p95 {ms(percentile(waits, 0.95))}; {len(waits)} saves)"
    goal = f"median < {LATENCY_GOAL_SECONDS * 1000:.0f} ms"
    return [(measure, figure, verdict(goal, median(waits) < LATENCY_GOAL_SECONDS))]


def _saves_at_once(backend: str, editors: int, saves_each: int) -> tuple[list[Save], float]:
    """Every save of ``editors`` editors saving ``saves_each`` times at once, and the seconds it took."""
    with scratch(backend) as bench:
        site = Site(bench.instance, bench.url)
        tokens = site.add_editors(editors)
        server = Server(site, bench.folder / "gunicorn.log")
        server.start()
        try:
            slug = create_workshop(server.port, tokens[0], editors)
            started = time.perf_counter()
            saves = editors_at_once(server.port, slug, tokens, saves_each)
            elapsed = time.perf_counter() - started
        finally:
            server.stop()
            site.close()
        assert_single_chain(bench.engine, slug)
    return saves, elapsed


def _figure(saves: list[Save], elapsed: float, errors: int) -> str:
    outcomes = Counter("conflict" if s.status == 409 else "merged" if s.merged else "saved" for s in saves)
    return (
        f"{len(saves) / elapsed:.1f} saves/s ({len(saves)} saves in {elapsed:.1f} s: "
        f"{outcomes['saved']} on the head, {outcomes['merged']} merged, {outcomes['conflict']} conflicts, "
        f"{errors} errors)"
    )
