"""One save over HTTP: the time from sending an edit to gunicorn to having its answer, on a searchable wiki.

A gunicorn server (the throughput bench's settings) serves a scratch wiki of ``CORPUS`` generated
recipes (``bench_search``'s corpus), its search index built. An editor saves small edits of one
recipe through the API (``PUT /api/v1/recipes/{slug}`` with a bearer token), one at a time with a
pause between them as a person leaves between two saves, and the median and p95 of the answers'
latencies are reported. After the last save, the time until a search finds the last edit's new word
says the index still follows the saves.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import time

from bench.bench_search import _populate as populate
from bench.bench_throughput import served
from bench.common import Row, Scratch, backends, guarded, median, ms, percentile, scratch, verdict
from recipes.community.accounts import create_user, issue_token
from recipes.search import open_index, prepare_index

CORPUS = 1_000
WARMUP_SAVES, MEASURED_SAVES = 5, 30
PAUSE_SECONDS = 0.25  # between two saves: an editor does not save twice in a quarter of a second
GOAL_MEDIAN, GOAL_VISIBLE = 0.040, 1.0
VISIBLE_TIMEOUT = 5.0
BACKEND_NAMES = {"sqlite": "SQLite", "postgres": "PostgreSQL"}


def main() -> list[Row]:
    rows: list[Row] = []
    for backend in backends():
        measure = f"one save over HTTP, {CORPUS:,} recipes indexed ({BACKEND_NAMES[backend]})"
        rows += guarded(measure, _measure, backend, measure)
    return rows


def _measure(backend: str, measure: str) -> list[Row]:
    with scratch(backend) as bench:
        slug, token = _wiki(bench, backend)
        environment = _environment(bench)
        with served("wsgi:app", environment, bench.folder / "wiki.log") as port:
            latencies, visible = _saves(port, slug, token)
    figure = (
        f"median {ms(median(latencies))} (p95 {ms(percentile(latencies, 0.95))}; {MEASURED_SAVES} saves, "
        f"{PAUSE_SECONDS} s apart; the last edit found by search {ms(visible)} after its answer)"
    )
    met = median(latencies) < GOAL_MEDIAN and visible < GOAL_VISIBLE
    return [(measure, figure, verdict(f"median < {ms(GOAL_MEDIAN)}, found < {GOAL_VISIBLE:.0f} s", met))]


def _wiki(bench: Scratch, backend: str) -> tuple[str, str]:
    """Fill the scratch wiki and build its index; the slug of the recipe to edit and an editor's token."""
    with bench.session() as session:
        populate(session, CORPUS)
        create_user(session, "editor", "bench password, never used to log in", role="editor")
        token = issue_token(session, "editor")
        index = open_index(
            "postgres" if backend == "postgres" else "whoosh", folder=bench.instance / "search",
            dialect=session.get_bind().dialect.name,
        )
        prepare_index(session, index)
    return "recette-1", token


def _environment(bench: Scratch) -> dict[str, str]:
    kept = {name: value for name, value in os.environ.items() if not name.startswith("LEVAIN_")}
    return kept | {
        "LEVAIN_INSTANCE_PATH": str(bench.instance), "LEVAIN_DATABASE_URL": bench.url,
        "LEVAIN_SECRET_KEY": "bench", "LEVAIN_REVIEW_POLICY": "none", "LEVAIN_RATELIMIT_ENABLED": "false",
    }


def _saves(port: int, slug: str, token: str) -> tuple[list[float], float]:
    """The latencies of the measured saves, and how long after the last one a search found it."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    recipe = _call(connection, "GET", f"/api/v1/recipes/{slug}", headers)
    number, text = recipe["head_revision"], recipe["body"]
    rng, latencies, word = random.Random(3), [], ""
    for save in range(WARMUP_SAVES + MEASURED_SAVES):
        if save:
            time.sleep(PAUSE_SECONDS)
        word = f"zorglub{save}x"
        text = f"{text.rsplit(' zorglub', 1)[0]} {word}"
        edit = {"body": text, "base_revision": number, "summary": f"Correction {rng.randrange(1000)}"}
        started = time.perf_counter()
        answer = _call(connection, "PUT", f"/api/v1/recipes/{slug}", headers, edit)
        if save >= WARMUP_SAVES:
            latencies.append(time.perf_counter() - started)
        number = answer["head_revision"]
    started = time.perf_counter()
    while not _call(connection, "GET", f"/api/v1/search?q={word}", headers)["total"]:
        if time.perf_counter() - started > VISIBLE_TIMEOUT:
            raise AssertionError(f"the edit with {word} was not found by search")
        time.sleep(0.01)
    connection.close()
    return latencies, time.perf_counter() - started


def _call(connection: http.client.HTTPConnection, method: str, path: str, headers: dict, body=None) -> dict:
    connection.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
    response = connection.getresponse()
    data = response.read()
    if response.status != 200:
        raise RuntimeError(f"{method} {path} answered {response.status}: {data[:200]!r}")
    return json.loads(data)
