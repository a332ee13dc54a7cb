"""Helpers the benchmarks share: a scratch database (and app), realistic edits, timers, the table.

Glossary:
- *row*: one line of the results table, ``(measure, figure, goal)``; the goal column ends with ✓ or ✗.
- *scratch*: a temporary folder with a migrated database in it (SQLite in the folder, or a database of
  its own on the PostgreSQL server named by ``LEVAIN_BENCH_POSTGRES_URL``), removed at the end.
- *bulk history*: revisions appended with SQL inserts instead of one ``save_edit`` each, for histories
  too long to build by saving (100,000 saves take far longer than the whole benchmark may).

Timings are wall-clock ``perf_counter`` seconds. The machines are shared and noisy, so the tables
show medians and 95th percentiles over repetitions, and compare ratios measured side by side.
"""

from __future__ import annotations

import math
import os
import random
import re
import sys
import tempfile
import time
import traceback
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, create_engine, func, insert, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from recipes.blobs import store_blob
from recipes.community.accounts import create_user
from recipes.database import make_engine, make_session_factory, write_transaction
from recipes.models import Recipe, Revision, User, utcnow
from recipes.queries import revision_content
from recipes.schema import upgrade_database
from wiki import create_app
from wiki.search import stop_index_writer

Row = tuple[str, str, str]

REPO_ROOT = Path(__file__).resolve().parent.parent
DEMO_DIR = REPO_ROOT / "recipes" / "demo"
# The demo's longest recipe (about 5 KB of Markdown): the size of a real, well-filled recipe.
DEMO_RECIPE = "copy-party.5.md"
POSTGRES_URL_VARIABLE = "LEVAIN_BENCH_POSTGRES_URL"
BENCH_PASSWORD = "bench password, never used to log in"
BULK_BATCH = 10_000
_WORD = re.compile(r"[^\W\d_]{4,}")


def demo_text(name: str = DEMO_RECIPE) -> str:
    """The Markdown of a demo recipe."""
    return (DEMO_DIR / name).read_text(encoding="utf-8")


def backends() -> list[str]:
    """The databases to measure on: SQLite always, PostgreSQL when a server is named."""
    return ["sqlite"] + (["postgres"] if os.environ.get(POSTGRES_URL_VARIABLE) else [])


@dataclass
class Scratch:
    """A temporary folder and a migrated, empty database; apps made on it are closed with it."""

    folder: Path
    url: str
    engine: Engine
    apps: list[Flask] = field(default_factory=list)

    @property
    def instance(self) -> Path:
        """The app's instance folder (where a default SQLite database lives)."""
        return self.folder / "instance"

    def session(self) -> Session:
        return make_session_factory(self.engine)()

    def app(self) -> Flask:
        """A Levain app on this database, without rate limits, edits live (no review)."""
        app = create_app(
            {
                "DATABASE_URL": self.url,
                "INSTANCE_PATH": str(self.instance),
                "SECRET_KEY": "bench-secret",
                "REVIEW_POLICY": "none",
                "RATELIMIT_ENABLED": False,
            }
        )
        self.apps.append(app)
        return app


@contextmanager
def scratch(backend: str = "sqlite") -> Iterator[Scratch]:
    """A scratch folder and database, removed (PostgreSQL: dropped) even when the benchmark fails."""
    with tempfile.TemporaryDirectory(prefix="levain-bench-") as folder:
        instance = Path(folder) / "instance"
        instance.mkdir()
        with _database(backend, instance) as url:
            engine = make_engine(url)
            upgrade_database(engine)
            bench = Scratch(Path(folder), url, engine)
            try:
                yield bench
            finally:
                for app in bench.apps:
                    stop_index_writer(app)
                    app.extensions["levain.engine"].dispose()
                engine.dispose()


@contextmanager
def _database(backend: str, instance: Path) -> Iterator[str]:
    if backend == "sqlite":
        # Where the app looks by default, so that a server started on the instance folder finds it.
        yield f"sqlite:///{instance / 'levain.db'}"
        return
    server = make_url(os.environ[POSTGRES_URL_VARIABLE])
    name = f"levain_bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def make_authors(session: Session, count: int = 1) -> list[User]:
    """Editors to sign the revisions with."""
    return [create_user(session, f"bench{n}", BENCH_PASSWORD, role="editor") for n in range(count)]


def small_edit(text: str, rng: random.Random) -> str:
    """The text after one small edit: a word replaced (mostly), inserted or removed, as people do."""
    words = list(_WORD.finditer(text))
    target = rng.choice(words)
    other = rng.choice(words).group()
    roll = rng.random()
    if roll < 0.1:
        change = f"{target.group()} {other}"
    elif roll < 0.2:
        change = ""
    elif all(word.group() == target.group() for word in words):
        change = f"{target.group()}s"  # a text of one distinct word has no other word to put instead
    else:
        while other == target.group():
            other = rng.choice(words).group()
        change = other
    return text[: target.start()] + change + text[target.end() :]


def bulk_history(
    session: Session,
    recipe: Recipe,
    authors: list[User],
    count: int,
    *,
    distinct_texts: int,
    render: Callable[[str], str],
    seed: int = 1,
) -> None:
    """Append ``count`` revisions of small edits to a recipe with SQL inserts of Revision rows.

    ``distinct_texts`` texts, each a small edit of the one before, are stored through ``store_blob``
    (so delta compression is real); the revisions walk through them forth and back, as edits and
    reverts do, so that every revision differs from its parent by one small edit.
    """
    rng = random.Random(seed)
    texts = _edit_chain(session, recipe, rng, distinct_texts, render)
    with write_transaction(session):
        head = session.get(Revision, recipe.head_revision_id)
        first_id = session.scalar(select(func.max(Revision.id))) + 1
        rows = []
        for offset in range(count):
            blob, size = texts[_forth_and_back(offset, len(texts))]
            parent = rows[-1] if rows else {"id": head.id, "size": head.size}
            rows.append(
                {
                    "id": first_id + offset, "recipe_id": recipe.id, "number": head.number + 1 + offset,
                    "parent_id": parent["id"], "blob_id": blob, "title": head.title,
                    "author_id": rng.choice(authors).id, "summary": "Petite correction", "kind": "edit",
                    "status": "approved", "size": size, "size_delta": size - parent["size"],
                    "created_at": head.created_at + timedelta(minutes=offset + 1),
                }
            )
        for start in range(0, count, BULK_BATCH):
            session.execute(insert(Revision), rows[start : start + BULK_BATCH])
        _move_head(session, recipe, rows[-1])


def _edit_chain(
    session: Session, recipe: Recipe, rng: random.Random, length: int, render: Callable[[str], str]
) -> list[tuple[str, int]]:
    """Store ``length`` texts, each a small edit of the previous one; return (blob id, size) of each."""
    with write_transaction(session):
        head = session.get(Revision, recipe.head_revision_id)
        previous, current = head.blob_id, revision_content(session, head).text
        chain = []
        for _ in range(length):
            current = small_edit(current, rng)
            previous = store_blob(session, current, render, hint=previous)
            chain.append((previous, len(current)))
    return chain


def _forth_and_back(offset: int, length: int) -> int:
    """The index of the ``offset``-th step of a walk 0, 1 … length-1, length-2 … 0, 1 …"""
    if length == 1:
        return 0
    step = offset % (2 * length - 2)
    return step if step < length else 2 * length - 2 - step


def _move_head(session: Session, recipe: Recipe, last: dict) -> None:
    if session.get_bind().dialect.name == "postgresql":
        # The ids were given explicitly: the sequence must be told, or the next save would reuse one.
        session.execute(text("SELECT setval(pg_get_serial_sequence('revisions', 'id'), :id)"), last)
    session.execute(
        update(Recipe)
        .where(Recipe.id == recipe.id)
        .values(
            head_number=last["number"], head_revision_id=last["id"], published_revision_id=last["id"],
            updated_at=utcnow(),
        )
    )


def timed(function: Callable[..., object], *args, **kwargs) -> float:
    """Seconds one call of ``function(*args, **kwargs)`` takes."""
    start = time.perf_counter()
    function(*args, **kwargs)
    return time.perf_counter() - start


def timed_get(client: FlaskClient, address: str) -> tuple[float, TestResponse]:
    """Seconds a GET through the Flask test client takes, and its response, which must be a 200."""
    start = time.perf_counter()
    response = client.get(address)
    seconds = time.perf_counter() - start
    if response.status_code != 200:
        raise AssertionError(f"GET {address} answered {response.status_code}")
    return seconds, response


def median(values: list[float]) -> float:
    return percentile(values, 0.5)


def percentile(values: list[float], fraction: float) -> float:
    """The value below which ``fraction`` of the values lie (nearest rank; ``0.95`` is the p95)."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1))
    return ordered[rank]


def ms(seconds: float) -> str:
    """A duration in milliseconds, with the precision its size deserves."""
    milliseconds = seconds * 1000
    if milliseconds < 10:
        return f"{milliseconds:.2f} ms"
    if milliseconds < 100:
        # A round goal reads "< 50 ms", not "< 50.0 ms".
        return f"{milliseconds:.1f}".removesuffix(".0") + " ms"
    return f"{milliseconds:,.0f} ms"


def spread(values: list[float]) -> str:
    """Median and p95 of durations, for the figure column."""
    return f"{ms(median(values))} (p95 {ms(percentile(values, 0.95))})"


def verdict(goal: str, met: bool) -> str:
    """The goal column: the goal, then ✓ when met or ✗ when not."""
    return f"{goal} {'✓' if met else '✗'}"


def guarded(measure: str, measurement: Callable[..., list[Row]], *args) -> list[Row]:
    """Run ``measurement(*args)``; if it fails, one row saying why instead of stopping the whole run."""
    try:
        return measurement(*args)
    except Exception as error:  # noqa: BLE001 - any failure becomes a row of the table
        traceback.print_exc(file=sys.stderr)
        reason = " ".join(str(error).split())[:160] or type(error).__name__
        return [(measure, f"failed: {reason}", "—")]


def progress(message: str) -> None:
    """Say what the run is doing, on standard error (standard output is for the table)."""
    print(message, file=sys.stderr, flush=True)


def markdown_table(rows: list[Row]) -> str:
    """The rows as a Markdown table with the columns measure, figure and goal."""
    lines = ["| measure | figure | goal |", "| --- | --- | --- |"]
    for row in rows:
        cells = (cell.replace("|", "\\|").replace("\n", " ") for cell in row)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
