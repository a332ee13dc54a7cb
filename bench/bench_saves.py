"""Saving is O(1) in history length: a save on a 10,000-revision recipe against one on a 10-revision one.

Both recipes start from the same demo text; their histories are bulk-inserted (see
``common.bulk_history``). The saves themselves go through ``recipes.history.editing.save_edit`` with the real
Markdown renderer, alternating between the two recipes (and which goes first) so that the machine's
noise falls on both alike. Each save gets a fresh session, as each request does.
"""

from __future__ import annotations

import random

from sqlalchemy.orm import Session

from bench.common import (
    Row,
    Scratch,
    backends,
    bulk_history,
    demo_text,
    guarded,
    make_authors,
    median,
    ms,
    percentile,
    scratch,
    small_edit,
    timed,
    verdict,
)
from recipes.history.editing import create_recipe, save_edit
from recipes.models import User
from recipes.queries import get_recipe, revision_content
from wiki.markdown import render_markdown

SHORT_HISTORY, LONG_HISTORY = 10, 10_000
DISTINCT_TEXTS = 200
WARMUP_ROUNDS, MEASURED_ROUNDS = 5, 60
GOAL_RATIO = 1.2
BACKEND_NAMES = {"sqlite": "SQLite", "postgres": "PostgreSQL"}


def main() -> list[Row]:
    rows: list[Row] = []
    for backend in backends():
        measure = f"save latency, {LONG_HISTORY:,} vs {SHORT_HISTORY} revisions ({BACKEND_NAMES[backend]})"
        rows += guarded(measure, _measure, backend, measure)
    return rows


def _measure(backend: str, measure: str) -> list[Row]:
    with scratch(backend) as bench:
        with bench.session() as session:
            author = make_authors(session)[0]
            slugs = {n: _recipe_with_history(session, author, n) for n in (SHORT_HISTORY, LONG_HISTORY)}
        latencies = _interleaved_saves(bench, author, slugs)
    short, long = latencies[SHORT_HISTORY], latencies[LONG_HISTORY]
    ratio = median(long) / median(short)
    figure = (
        f"{ratio:.2f}× (median {ms(median(long))} vs {ms(median(short))}; "
        f"p95 {ms(percentile(long, 0.95))} vs {ms(percentile(short, 0.95))}; {MEASURED_ROUNDS} saves each; "
        f"histories bulk-inserted with SQL)"
    )
    return [(measure, figure, verdict(f"≤ {GOAL_RATIO}×", ratio <= GOAL_RATIO))]


def _recipe_with_history(session: Session, author: User, length: int) -> str:
    outcome = create_recipe(
        session, author=author, title=f"Copy party en {length} révisions", body=demo_text(),
        render=render_markdown,
    )
    bulk_history(
        session, outcome.recipe, [author], length - 1, distinct_texts=min(DISTINCT_TEXTS, length - 1),
        render=render_markdown,
    )
    return outcome.recipe.slug


def _interleaved_saves(bench: Scratch, author: User, slugs: dict[int, str]) -> dict[int, list[float]]:
    """Save small edits on both recipes in turn; the latencies of the measured rounds, per history length."""
    rng = random.Random(7)
    texts = {}
    with bench.session() as session:
        for length, slug in slugs.items():
            texts[length] = _head_text(session, slug)
    latencies: dict[int, list[float]] = {length: [] for length in slugs}
    for round_number in range(WARMUP_ROUNDS + MEASURED_ROUNDS):
        order = sorted(slugs, reverse=round_number % 2 == 1)
        for length in order:
            number, text = texts[length]
            edited = small_edit(text, rng)
            with bench.session() as session:
                seconds = timed(
                    save_edit, session, slugs[length], author=author, body=edited, base_revision=number,
                    render=render_markdown, summary="Petite correction",
                )
            texts[length] = (number + 1, edited)
            if round_number >= WARMUP_ROUNDS:
                latencies[length].append(seconds)
    return latencies


def _head_text(session: Session, slug: str) -> tuple[int, str]:
    recipe = get_recipe(session, slug)
    return recipe.head_number, revision_content(session, recipe.head_revision).text
