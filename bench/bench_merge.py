"""Three-way merges of large texts: scattered edits merge fast; texts rewritten on both sides end fast.

The texts are the diff benchmark's generated Markdown (seeded). Scattered edits: two sides each edit
a few paragraphs of a 100 KB text. Rewritten: both sides shuffle the paragraphs and change every
one of them, at 100 KB and at about 500 KB; the merge must end as a conflict long before the diff
timeout, not search for common words in huge hunks.
"""

from __future__ import annotations

import random

from bench.bench_diff import generated_text, with_changed_paragraphs
from bench.common import Row, guarded, median, ms, spread, timed, verdict
from recipes.history.merge import merge3

REPETITIONS = 9
SCATTERED_GOAL_SECONDS = 0.050
REWRITTEN_GOAL_SECONDS = 0.300
LARGE_COPIES = 5
ADDED_WORDS = ["encore", "ensuite", "doucement", "bien", "enfin"]


def main() -> list[Row]:
    base = generated_text(seed=1)
    rows = guarded("merge of 100 KB texts, scattered edits", _scattered, base)
    rows += guarded("merge of 100 KB texts rewritten on both sides", _rewritten, base, "100 KB")
    large = "".join(generated_text(seed=seed) for seed in range(1, LARGE_COPIES + 1))
    rows += guarded("merge of 500 KB texts rewritten on both sides", _rewritten, large, "500 KB")
    return rows


def _scattered(base: str) -> list[Row]:
    ours = with_changed_paragraphs(base, random.Random(2))
    theirs = with_changed_paragraphs(base, random.Random(3))
    result = merge3(base, ours, theirs)
    timings = [timed(merge3, base, ours, theirs) for _ in range(REPETITIONS)]
    measure = f"merge3 of 100 KB texts, edits scattered on both sides ({len(result.conflicts)} conflicts)"
    goal = verdict(f"< {ms(SCATTERED_GOAL_SECONDS)}", median(timings) < SCATTERED_GOAL_SECONDS)
    return [(measure, spread(timings), goal)]


def rewritten(text: str, rng: random.Random) -> str:
    """The paragraphs of the text shuffled, each one edited (a word added at its end)."""
    paragraphs = text.split("\n\n")
    rng.shuffle(paragraphs)
    return "\n\n".join(f"{paragraph} {rng.choice(ADDED_WORDS)}" for paragraph in paragraphs)


def _rewritten(base: str, size: str) -> list[Row]:
    ours, theirs = rewritten(base, random.Random(4)), rewritten(base, random.Random(5))
    # The first merge finds each line's words (words.py keeps them): it is shown apart from the rest.
    first = timed(merge3, base, ours, theirs)
    result = merge3(base, ours, theirs)
    timings = [timed(merge3, base, ours, theirs) for _ in range(3)]
    measure = f"merge3 of {size} texts rewritten on both sides ({len(result.conflicts)} conflicts)"
    goal = verdict(f"< {ms(REWRITTEN_GOAL_SECONDS)}", median(timings) < REWRITTEN_GOAL_SECONDS)
    return [(measure, f"{spread(timings)}; first merge {ms(first)}", goal)]
