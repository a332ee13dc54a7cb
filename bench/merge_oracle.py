"""Compare Levain's three-way merge with ``git merge-file -p --diff3`` on generated recipe edits.

Each case (see ``merge_cases``) is merged by both, and counted in one category:

- *equal to git*: both merge cleanly to the same text;
- *finer clean merge, right*: git conflicts (or merges otherwise), Levain merges to exactly both
  sides' edits applied, as generated or as a plain diff reads each side's text;
- *conflict where git merges*: Levain asks a person where git merged;
- *both conflict*;
- *corruption*: a clean merge that is neither git's nor both sides' edits applied: text nobody wrote;
- *crash*: merge3 raised.

Usage: ``python bench/merge_oracle.py [--cases 4000] [--seed 13] [--show 3]``; ``--show`` prints that
many corrupted cases in full. git must be on the PATH.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.merge_cases import MergeCase, generate_cases, merges_of_readings  # noqa: E402
from recipes.history.merge import merge3  # noqa: E402

CATEGORIES = (
    "equal to git",
    "finer clean merge, right",
    "conflict where git merges",
    "both conflict",
    "corruption",
    "crash",
)


def git_merge(folder: Path, case: MergeCase) -> str | None:
    """git's merged text, or None when it finds a conflict."""
    paths = []
    for name in ("ours", "base", "theirs"):
        path = folder / name
        path.write_text(getattr(case, name), encoding="utf-8")
        paths.append(str(path))
    done = subprocess.run(["git", "merge-file", "-p", "--diff3", *paths], capture_output=True, check=False)
    if done.returncode < 0 or done.returncode > 127:
        raise RuntimeError(f"git merge-file failed: {done.stderr.decode()}")
    return done.stdout.decode("utf-8") if done.returncode == 0 else None


def category(case: MergeCase, git: str | None) -> tuple[str, str | None]:
    """Where Levain's merge of the case falls, git's result being ``git``; and Levain's clean text."""
    try:
        result = merge3(case.base, case.ours, case.theirs)
    except Exception:  # noqa: BLE001 - a crash is a category of its own here
        return "crash", None
    if not result.clean:
        return ("both conflict" if git is None else "conflict where git merges"), None
    if result.text == git:
        return "equal to git", result.text
    if result.text == case.expected or result.text in merges_of_readings(case.base, case.ours, case.theirs):
        return "finer clean merge, right", result.text
    return "corruption", result.text


def run(count: int, seed: int, show: int) -> Counter[str]:
    counts: Counter[str] = Counter()
    with tempfile.TemporaryDirectory() as folder:
        for case in generate_cases(count, seed):
            git = git_merge(Path(folder), case)
            found, merged = category(case, git)
            counts[found] += 1
            if found == "corruption" and show > 0:
                show -= 1
                print(f"case {case.number} ({', '.join(case.kinds)}): {case!r}")
                print(f"Levain: {merged!r}\ngit: {git!r}\n")
    return counts


def table(counts: Counter[str], total: int) -> str:
    rows = ["| category | cases | share |", "|---|---:|---:|"]
    rows += [f"| {name} | {counts[name]} | {counts[name] / total:.1%} |" for name in CATEGORIES]
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--show", type=int, default=0, help="print this many corrupted cases")
    arguments = parser.parse_args()
    counts = run(arguments.cases, arguments.seed, arguments.show)
    print(f"{arguments.cases} cases, seed {arguments.seed}, against git merge-file -p --diff3\n")
    print(table(counts, arguments.cases))


if __name__ == "__main__":
    main()
