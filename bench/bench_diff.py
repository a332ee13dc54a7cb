"""Diffs of 100 KB texts: a few changed paragraphs render fast; two unrelated texts stop at the timeout.

The texts are made of sentences drawn from the demo recipes' words (seeded, so every run diffs the
same texts). The ordinary case changes a few paragraphs of a 100 KB text; the pathological one diffs
two unrelated 100 KB texts, whose shared vocabulary makes the word-level diff search long: the
timeout must cut it off, and the coarser diff it returns must still spell both texts exactly.
"""

from __future__ import annotations

import random
import re
import time

from flask.testing import FlaskClient

from bench.common import (
    DEMO_DIR,
    Row,
    Scratch,
    guarded,
    make_authors,
    median,
    ms,
    scratch,
    small_edit,
    spread,
    timed,
    timed_get,
    verdict,
)
from recipes.history.diffing import ADDED, KEPT, REMOVED, DiffRow, diff_ops, diff_rows, hunks, split_lines
from recipes.history.editing import create_recipe, save_edit
from wiki.config import DefaultConfig
from wiki.markdown import render_markdown

TEXT_BYTES = 100_000
CHANGED_PARAGRAPHS = 4
EDITS_PER_PARAGRAPH = 3
REPETITIONS = 15
PATHOLOGICAL_REPETITIONS = 3
GOAL_SECONDS = 0.050
TIMEOUT = DefaultConfig.DIFF_TIMEOUT
# Past the timeout, what is left (pairing lines, building rows) must not take long either.
PATHOLOGICAL_GOAL_SECONDS = TIMEOUT + 0.5


def main() -> list[Row]:
    old = generated_text(seed=1)
    edited = with_changed_paragraphs(old, random.Random(2))
    unrelated = generated_text(seed=3)
    rows = guarded("diff of 100 KB texts, a few paragraphs changed", _ordinary, old, edited)
    rows += guarded("diff of two unrelated 100 KB texts", _pathological, old, unrelated)
    rows += guarded("diff pages of 100 KB revisions", _pages, old, edited, unrelated)
    return rows


def generated_text(seed: int) -> str:
    """About 100 KB of Markdown paragraphs (with a heading now and then) in the demo recipes' words."""
    rng = random.Random(seed)
    demo = " ".join(path.read_text("utf-8") for path in sorted(DEMO_DIR.glob("*.md")))
    words = sorted(set(re.findall(r"[^\W\d_]{2,}", demo)))
    paragraphs: list[str] = []
    size = 0
    while size < TEXT_BYTES:
        if len(paragraphs) % 8 == 0:
            paragraph = "## " + " ".join(rng.choices(words, k=rng.randint(2, 5))).capitalize()
        else:
            sentences = (" ".join(rng.choices(words, k=rng.randint(6, 18))) for _ in range(rng.randint(3, 6)))
            paragraph = " ".join(sentence.capitalize() + "." for sentence in sentences)
        paragraphs.append(paragraph)
        size += len(paragraph.encode("utf-8")) + 2
    return "\n\n".join(paragraphs) + "\n"


def with_changed_paragraphs(text: str, rng: random.Random) -> str:
    """The text with a few paragraphs edited in places and one new paragraph inserted."""
    paragraphs = text.split("\n\n")
    for index in rng.sample(range(len(paragraphs)), CHANGED_PARAGRAPHS):
        for _ in range(EDITS_PER_PARAGRAPH):
            paragraphs[index] = small_edit(paragraphs[index], rng)
    paragraphs.insert(rng.randrange(len(paragraphs)), "Un nouveau paragraphe, ajouté au milieu du texte.")
    return "\n\n".join(paragraphs)


def _rows_and_hunks(old: str, new: str) -> None:
    hunks(diff_rows(old, new, timeout=TIMEOUT))


def _ordinary(old: str, new: str) -> list[Row]:
    _rows_and_hunks(old, new)
    timings = [timed(_rows_and_hunks, old, new) for _ in range(REPETITIONS)]
    measure = f"diff of 100 KB texts, {CHANGED_PARAGRAPHS + 1} paragraphs changed, diff_rows + hunks"
    return [(measure, spread(timings), verdict(f"< {ms(GOAL_SECONDS)}", median(timings) < GOAL_SECONDS))]


def _pathological(old: str, new: str) -> list[Row]:
    """Both the ops (the API's diff) and the rows (the pages') of two unrelated texts."""
    ops_timings, rows_timings, exact = [], [], True
    for _ in range(PATHOLOGICAL_REPETITIONS):
        start = time.perf_counter()
        ops = diff_ops(old, new, timeout=TIMEOUT)
        ops_timings.append(time.perf_counter() - start)
        start = time.perf_counter()
        rows = diff_rows(old, new, timeout=TIMEOUT)
        hunks(rows)
        rows_timings.append(time.perf_counter() - start)
        # What the timeout cut short may differ from one run to the next: each must be exact.
        exact = exact and _ops_spell(ops, old, new) and _rows_spell(rows, old, new)
    slowest = max(median(ops_timings), median(rows_timings))
    figure = (
        f"diff_ops {spread(ops_timings)}; diff_rows + hunks {spread(rows_timings)}; "
        f"{len(ops)} ops; ops and rows reproduce both texts: {'yes' if exact else 'NO'}"
    )
    goal = f"cut off by the {TIMEOUT:g} s timeout (< {PATHOLOGICAL_GOAL_SECONDS:g} s), still exact"
    measure = "diff of two unrelated 100 KB texts, diff_ops and diff_rows + hunks"
    return [(measure, figure, verdict(goal, exact and slowest < PATHOLOGICAL_GOAL_SECONDS))]


def _ops_spell(ops: list[tuple[int, str]], old: str, new: str) -> bool:
    """Kept and removed texts give the old text, kept and added the new one."""
    old_side = "".join(text for kind, text in ops if kind in (KEPT, REMOVED))
    new_side = "".join(text for kind, text in ops if kind in (KEPT, ADDED))
    return old_side == old and new_side == new


def _rows_spell(rows: list[DiffRow], old: str, new: str) -> bool:
    """The rows' old sides give the old text's lines, their new sides the new text's lines."""
    old_lines = ["".join(s.text for s in row.old) for row in rows if row.old_number is not None]
    new_lines = ["".join(s.text for s in row.new) for row in rows if row.new_number is not None]
    return old_lines == split_lines(old) and new_lines == split_lines(new)


def _pages(old: str, edited: str, unrelated: str) -> list[Row]:
    """``GET /recipes/{slug}/diff`` through the test client: revisions 1→2 (ordinary), 2→3 (unrelated)."""
    with scratch() as bench:
        slug = _recipe_with_revisions(bench, [old, edited, unrelated])
        client = bench.app().test_client()
        ordinary = _page_timings(client, f"/recipes/{slug}/diff?from=1&to=2", REPETITIONS)
        pathological = _page_timings(client, f"/recipes/{slug}/diff?from=2&to=3", PATHOLOGICAL_REPETITIONS)
    return [
        (
            "diff page of 100 KB revisions, a few paragraphs changed (test client)",
            spread(ordinary),
            verdict(f"< {ms(GOAL_SECONDS)}", median(ordinary) < GOAL_SECONDS),
        ),
        (
            "diff page of two unrelated 100 KB revisions (test client)",
            spread(pathological),
            verdict(f"< {PATHOLOGICAL_GOAL_SECONDS:g} s", median(pathological) < PATHOLOGICAL_GOAL_SECONDS),
        ),
    ]


def _recipe_with_revisions(bench: Scratch, texts: list[str]) -> str:
    with bench.session() as session:
        author = make_authors(session)[0]
        slug = create_recipe(
            session, author=author, title="Cent kilooctets", body=texts[0], render=render_markdown
        ).recipe.slug
        for number, text in enumerate(texts[1:], start=1):
            save_edit(session, slug, author=author, body=text, base_revision=number, render=render_markdown)
    return slug


def _page_timings(client: FlaskClient, address: str, repetitions: int) -> list[float]:
    """Time a page after one warm-up request."""
    timed_get(client, address)
    return [timed_get(client, address)[0] for _ in range(repetitions)]
