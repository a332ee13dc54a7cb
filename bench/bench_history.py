"""A 100,000-revision history: its pages at several depths, and old revisions' texts, in bounded time.

The history is bulk-inserted with SQL into a file-based SQLite database under a temporary folder (saving
100,000 times through ``save_edit`` would take far longer than the whole benchmark may): revisions of
small edits whose blobs are stored through ``store_blob`` (see ``common.bulk_history``). Pages are
timed through the Flask test client, the full request (routing, query, template) but no network; the
depths take turns so that noise falls on all of them alike.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from bench.common import (
    Row,
    Scratch,
    bulk_history,
    demo_text,
    guarded,
    make_authors,
    median,
    ms,
    progress,
    scratch,
    spread,
    timed,
    timed_get,
    verdict,
)
from recipes.blobs import read_blob
from recipes.history.editing import create_recipe
from recipes.models import Recipe
from recipes.queries import get_recipe, get_revision, history
from wiki.markdown import render_markdown

REVISIONS = 100_000
DISTINCT_TEXTS = 1_000
AUTHORS = 5
PAGE_SIZE = 50
REPETITIONS = 30
CONTENT_REPETITIONS = 100
PAGE_GOAL_SECONDS = 0.010
# Any revision loads with at most three decompressions: the slowest depth within this of the fastest.
CONTENT_SPREAD_GOAL = 2.0
# ``before`` of each page timed: the newest page, one in the middle, the one ending at revision 1.
DEPTHS = {"first page": None, "middle": REVISIONS // 2, "near revision 1": PAGE_SIZE + 1}
CONTENT_DEPTHS = (REVISIONS, REVISIONS // 2, 1)


def main() -> list[Row]:
    with scratch() as bench:
        slug = _build(bench)
        label = f"{REVISIONS:,} revisions bulk-inserted with SQL over {DISTINCT_TEXTS:,} blobs, SQLite file"
        rows = guarded(f"history query ({label})", _domain_pages, bench, slug, label)
        rows += guarded(f"history page ({label})", _http_pages, bench, slug, label)
        rows += guarded(f"revision text load ({label})", _revision_loads, bench, slug, label)
    return rows


def _build(bench: Scratch) -> str:
    """Make the long history; return the recipe's slug."""
    start = time.perf_counter()
    with bench.session() as session:
        authors = make_authors(session, AUTHORS)
        title = "Copy party au long cours"
        recipe = create_recipe(
            session, author=authors[0], title=title, body=demo_text(), render=render_markdown
        ).recipe
        bulk_history(
            session, recipe, authors, REVISIONS - 1, distinct_texts=DISTINCT_TEXTS, render=render_markdown
        )
    progress(f"  history of {REVISIONS:,} revisions built in {time.perf_counter() - start:.0f} s")
    return recipe.slug


def _domain_pages(bench: Scratch, slug: str, label: str) -> list[Row]:
    """``recipes.queries.history``, 50 rows, at each depth."""
    with bench.session() as session:
        recipe = get_recipe(session, slug)
    timings = _by_depth(lambda before: _history_page(bench, recipe, before))
    return _depth_rows(f"history query, {PAGE_SIZE} rows, queries.history ({label})", timings)


def _history_page(bench: Scratch, recipe: Recipe, before: int | None) -> float:
    with bench.session() as session:
        start = time.perf_counter()
        page = history(session, recipe, limit=PAGE_SIZE, before=before)
        seconds = time.perf_counter() - start
    if len(page.items) != PAGE_SIZE:
        raise AssertionError(f"a history page before {before} has {len(page.items)} rows")
    return seconds


def _http_pages(bench: Scratch, slug: str, label: str) -> list[Row]:
    """``GET /recipes/{slug}/history?before=N`` through the test client, at each depth."""
    client = bench.app().test_client()

    def page(before: int | None) -> float:
        address = f"/recipes/{slug}/history" + (f"?before={before}" if before else "")
        seconds, response = timed_get(client, address)
        shown = response.get_data(as_text=True).count("data-number=")
        if shown != PAGE_SIZE:
            raise AssertionError(f"{address} shows {shown} revisions, not {PAGE_SIZE}")
        return seconds

    timings = _by_depth(page)
    return _depth_rows(f"history page, GET /recipes/{{slug}}/history, test client ({label})", timings)


def _by_depth(measure: Callable[[int | None], float]) -> dict[str, list[float]]:
    """Time ``measure(before)`` at every depth in turn, after one warm-up round."""
    timings: dict[str, list[float]] = {depth: [] for depth in DEPTHS}
    for repetition in range(REPETITIONS + 1):
        for depth, before in DEPTHS.items():
            seconds = measure(before)
            if repetition:
                timings[depth].append(seconds)
    return timings


def _depth_rows(measure: str, timings: dict[str, list[float]]) -> list[Row]:
    figure = "; ".join(f"{depth} {spread(values)}" for depth, values in timings.items())
    slowest = max(median(values) for values in timings.values())
    goal = f"< {ms(PAGE_GOAL_SECONDS)} (median) at every depth"
    return [(measure, figure, verdict(goal, slowest < PAGE_GOAL_SECONDS))]


def _revision_loads(bench: Scratch, slug: str, label: str) -> list[Row]:
    """``recipes.blobs.read_blob`` on revisions at several depths, each in a fresh session.

    ``read_blob`` always reads the database: ``load_blob`` would answer from its cache after the first
    round, and the measure is of a load from storage.
    """
    with bench.session() as session:
        recipe = get_recipe(session, slug)
        revisions = {number: get_revision(session, recipe, number) for number in CONTENT_DEPTHS}
    timings: dict[int, list[float]] = {number: [] for number in CONTENT_DEPTHS}
    for _ in range(CONTENT_REPETITIONS):
        for number, revision in revisions.items():
            with bench.session() as session:
                timings[number].append(timed(read_blob, session, revision.blob_id))
    medians = [median(values) for values in timings.values()]
    figure = "; ".join(f"revision {number:,} {spread(values)}" for number, values in timings.items())
    ratio = max(medians) / min(medians)
    measure = f"revision text load from the database, blobs.read_blob ({label})"
    goal = f"bounded: slowest depth ≤ {CONTENT_SPREAD_GOAL:.0f}× fastest (here {ratio:.2f}×)"
    return [(measure, figure, verdict(goal, ratio <= CONTENT_SPREAD_GOAL))]
