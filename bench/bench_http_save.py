"""One save over HTTP: the time from sending an edit to gunicorn to having its answer, on a searchable wiki.

Two gunicorn servers (the throughput bench's settings) each serve a scratch wiki of ``CORPUS``
generated recipes (``bench_search``'s corpus), its search index built: ``wsgi:app``, whose saves
leave the index to the outbox writer thread, and ``bench.inline_index:app``, whose saving requests
write the index before answering, as Levain did before. An editor saves small edits of one recipe
through the API (``PUT /api/v1/recipes/{slug}`` with a bearer token) on each server in turn, one at
a time with a pause between them as a person leaves between two saves; the medians and p95s of the
answers' latencies are reported. After the last save, the time until a search finds the last edit's
new word says the index still follows the saves.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import time

from bench.bench_search import _populate as populate
from bench.common import Row, Scratch, backends, guarded, median, ms, percentile, scratch, verdict
from bench.serving import served
from recipes.community.accounts import create_user, issue_token
from recipes.search import open_index, prepare_index

CORPUS = 1_000
SLUG = "recette-1"  # the corpus's first recipe, the one edited
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
    with scratch(backend) as bench, scratch(backend) as before:
        tokens = {"wiki": _wiki(bench, backend), "inline": _wiki(before, backend)}
        with (
            served("wsgi:app", _environment(bench), bench.folder / "wiki.log") as wiki,
            served("bench.inline_index:app", _environment(before), before.folder / "wiki.log") as old,
        ):
            latencies, inline, visible = _saves({"wiki": wiki.port, "inline": old.port}, tokens)
    figure = (
        f"median {ms(median(latencies))} (p95 {ms(percentile(latencies, 0.95))}) against "
        f"{ms(median(inline))} (p95 {ms(percentile(inline, 0.95))}) with the index written in the request; "
        f"{MEASURED_SAVES} saves each, {PAUSE_SECONDS} s apart, alternating; the last edit found by search "
        f"{ms(visible)} after its answer"
    )
    met = median(latencies) < GOAL_MEDIAN and visible < GOAL_VISIBLE
    return [(measure, figure, verdict(f"median < {ms(GOAL_MEDIAN)}, found < {GOAL_VISIBLE:.0f} s", met))]


def _wiki(bench: Scratch, backend: str) -> str:
    """Fill the scratch wiki and build its index; return an editor's API token."""
    with bench.session() as session:
        populate(session, CORPUS)
        create_user(session, "editor", "bench password, never used to log in", role="editor")
        token = issue_token(session, "editor")
        index = open_index(
            "postgres" if backend == "postgres" else "whoosh", folder=bench.instance / "search",
            dialect=session.get_bind().dialect.name,
        )
        prepare_index(session, index)
    return token


def _environment(bench: Scratch) -> dict[str, str]:
    kept = {name: value for name, value in os.environ.items() if not name.startswith("LEVAIN_")}
    return kept | {
        "LEVAIN_INSTANCE_PATH": str(bench.instance), "LEVAIN_DATABASE_URL": bench.url,
        "LEVAIN_SECRET_KEY": "bench", "LEVAIN_REVIEW_POLICY": "none", "LEVAIN_RATELIMIT_ENABLED": "false",
    }


def _saves(ports: dict[str, int], tokens: dict[str, str]) -> tuple[list[float], list[float], float]:
    """The latencies of the measured saves on each server (``wiki``, ``inline``), and how long after the
    wiki's last save a search found it."""
    json_type = {"Content-Type": "application/json"}
    headers = {name: {"Authorization": f"Bearer {tokens[name]}", **json_type} for name in ports}
    heads = {}
    for name, port in ports.items():
        recipe = _call(port, "GET", f"/api/v1/recipes/{SLUG}", headers[name])
        heads[name] = (recipe["head_revision"], recipe["body"])
    rng, word = random.Random(3), ""
    latencies: dict[str, list[float]] = {name: [] for name in ports}
    for save in range(WARMUP_SAVES + MEASURED_SAVES):
        for name in sorted(ports, reverse=save % 2 == 1):
            time.sleep(PAUSE_SECONDS)
            number, text = heads[name]
            word = f"zorglub{save}x"
            text = f"{text.rsplit(' zorglub', 1)[0]} {word}"
            edit = {"body": text, "base_revision": number, "summary": f"Correction {rng.randrange(1000)}"}
            started = time.perf_counter()
            answer = _call(ports[name], "PUT", f"/api/v1/recipes/{SLUG}", headers[name], edit)
            if save >= WARMUP_SAVES:
                latencies[name].append(time.perf_counter() - started)
            heads[name] = (answer["head_revision"], text)
    started = time.perf_counter()
    while not _call(ports["wiki"], "GET", f"/api/v1/search?q={word}", headers["wiki"])["total"]:
        if time.perf_counter() - started > VISIBLE_TIMEOUT:
            raise AssertionError(f"the edit with {word} was not found by search")
        time.sleep(0.01)
    return latencies["wiki"], latencies["inline"], time.perf_counter() - started


def _call(port: int, method: str, path: str, headers: dict, body=None) -> dict:
    """One request on a connection of its own: gunicorn closes a kept-alive one idle for 2 s."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
        response = connection.getresponse()
        data = response.read()
    finally:
        connection.close()
    if response.status != 200:
        raise RuntimeError(f"{method} {path} answered {response.status}: {data[:200]!r}")
    return json.loads(data)
