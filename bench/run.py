"""Run every benchmark (``bench/bench_*.py``, in name order) and print one Markdown table for the README.

Each module's ``main()`` returns rows ``(measure, figure, goal)``. A module that fails, even at import,
gives one row "failed: reason" and the run goes on. The table goes to standard output, preceded by
a line naming the date, the machine and the Python version; progress and tracebacks go to standard
error. ``make bench`` runs this file with the project's virtual environment.
"""

from __future__ import annotations

import datetime
import importlib
import os
import platform
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
# Run as a script, only bench/ is on the path; the modules import each other as ``bench.*``.
sys.path.insert(0, str(BENCH_DIR.parent))

from bench.common import Row, guarded, markdown_table, progress  # noqa: E402


def cpu_model() -> str:
    """The CPU's model name as /proc/cpuinfo gives it, or what the platform module knows."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def header() -> str:
    """The line above the table: when, on what, with which Python."""
    return (
        f"Levain benchmarks, {datetime.date.today().isoformat()}: {cpu_model()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}"
    )


def run_module(name: str) -> list[Row]:
    """Import ``bench.<name>`` and return its rows; a failure becomes a row."""

    def measure() -> list[Row]:
        return importlib.import_module(f"bench.{name}").main()

    start = time.perf_counter()
    progress(f"running {name}…")
    rows = guarded(name, measure)
    progress(f"{name}: {time.perf_counter() - start:.1f} s")
    return rows


def main() -> None:
    names = sorted(path.stem for path in BENCH_DIR.glob("bench_*.py"))
    rows = [row for name in names for row in run_module(name)]
    print(header())
    print()
    print(markdown_table(rows))


if __name__ == "__main__":
    main()
