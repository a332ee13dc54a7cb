"""Page views per second under gunicorn, against a bare Flask "hello world" served the same way.

For each database (SQLite, and PostgreSQL when ``LEVAIN_BENCH_POSTGRES_URL`` names a server, on a
scratch database made and dropped here), a scratch wiki holds ``CORPUS`` generated recipes
(``bench_search``'s corpus) and the demo's longest recipe. Gunicorn serves it (``wsgi:app``)
beside ``bench.hello:app``, with the same settings (``bench.serving``), on free 127.0.0.1 ports.
Two loads are measured against hello: the demo recipe over and over, and recipes drawn at random
among the ``CORPUS``, each read once before the rounds as by the readers of a wiki that has been
serving a while (its pages kept on the shelf, see ``wiki.page_cache``). In each round the same
client loads hello and both wiki loads in turn, for the same time, in an order that turns from
round to round; each row gives the median over rounds of the ratio measured side by side in one
round, the least disturbed by the machine's noise. The client is ``wrk`` when it is on the PATH
(with a small Lua script drawing the random addresses), else Python threads each holding an
``http.client`` keep-alive connection; it runs on the same machine as the servers and takes its
share of the cores, alike for all. Every server is stopped at the end, even when something fails.
"""

from __future__ import annotations

import http.client
import os
import random
import re
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from bench.bench_search import _populate as populate
from bench.common import (
    POSTGRES_URL_VARIABLE,
    Row,
    Scratch,
    backends,
    demo_text,
    guarded,
    median,
    progress,
    scratch,
    verdict,
)
from bench.serving import THREADS, WORKERS, Server, check_page, clean_environment, served, wiki_environment
from recipes.history.editing import create_recipe
from recipes.models import Recipe
from wiki.markdown import render_markdown

CLIENT_CONNECTIONS = 8
# Each worker compiles the templates on its first requests: the warm-up lets both workers do so.
ROUNDS, ROUND_SECONDS, WARMUP_SECONDS = 5, 3, 3
# wrk's own 2 s would count a slow answer on a busy machine (a page's first rendering) as an error.
REQUEST_TIMEOUT_SECONDS = 10
CORPUS = 10_000
GOAL_ONE, GOAL_RANDOM = 0.5, 0.4  # readers of one page at half the speed of "hello"; of any page, 0.4
BACKEND_NAMES = {"sqlite": "SQLite", "postgres": "PostgreSQL"}
# wrk's Lua script: each of its threads draws addresses at random from the file it is given.
RANDOM_PATHS_SCRIPT = """
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
local thread_number = 0
function setup(thread)
  thread_number = thread_number + 1
  thread:set("seed", thread_number)
end
function init(args)
  math.randomseed(os.time() * 100 + seed)
end
function request()
  return wrk.format("GET", paths[math.random(#paths)])
end
"""


@dataclass(frozen=True)
class Load:
    """What a client asks of a server: one address over and over, or addresses drawn at random."""

    port: int
    paths: tuple[str, ...]
    paths_file: Path | None = None  # the same addresses one a line, for wrk's script


def main() -> list[Row]:
    rows: list[Row] = []
    with scratch() as bench, served("bench.hello:app", clean_environment(), bench.folder / "log") as hello:
        for backend in backends():
            name = BACKEND_NAMES[backend]
            rows += guarded(f"page views under gunicorn ÷ hello world ({name})", _measure, backend, hello)
    if "postgres" not in backends():
        rows.append(("page views under gunicorn ÷ hello world (PostgreSQL)",
                     f"not measured: set {POSTGRES_URL_VARIABLE}", "—"))
    return rows


def _measure(backend: str, hello: Server) -> list[Row]:
    with scratch(backend) as bench:
        slug = _fill(bench)
        corpus = tuple(f"/recipes/recette-{number}" for number in range(1, CORPUS + 1))
        paths_file = bench.folder / "paths.txt"
        paths_file.write_text("\n".join(corpus) + "\n", encoding="utf-8")
        with served("wsgi:app", wiki_environment(bench), bench.folder / "wiki.log") as wiki:
            loads = {
                "hello": Load(hello.port, ("/",)),
                "one": Load(wiki.port, (f"/recipes/{slug}",)),
                "random": Load(wiki.port, corpus, paths_file),
            }
            progress(f"throughput ({BACKEND_NAMES[backend]}): every page read once…")
            _read_each_once(wiki.port, corpus)
            progress(f"throughput ({BACKEND_NAMES[backend]}): {ROUNDS} rounds of {ROUND_SECONDS} s per load…")
            rates = _measure_rates(loads, bench.folder)
    name = BACKEND_NAMES[backend]
    return [
        _row(rates, "one", GOAL_ONE, f"page views of one recipe under gunicorn ÷ hello world ({name})",
             "GET /recipes/{slug} of one recipe"),
        _row(rates, "random", GOAL_RANDOM,
             f"page views of random recipes among {CORPUS:,} under gunicorn ÷ hello world ({name})",
             f"GET /recipes/{{slug}} drawn at random among {CORPUS:,}"),
    ]


def _read_each_once(port: int, paths: tuple[str, ...]) -> None:
    """Read every page once, as the readers of a wiki serving for a while have: its pages are kept."""
    remaining = list(paths)
    lock = threading.Lock()

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                if not remaining:
                    break
                path = remaining.pop()
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"GET {path} answered {response.status}")
        connection.close()

    clients = [threading.Thread(target=client) for _ in range(CLIENT_CONNECTIONS)]
    for thread in clients:
        thread.start()
    for thread in clients:
        thread.join()


def _fill(bench: Scratch) -> str:
    """The corpus, then the demo's longest recipe (headings, lists, links), whose slug is returned."""
    with bench.session() as session:
        populate(session, CORPUS)
        author = session.get(Recipe, 1).published_revision.author
        return create_recipe(
            session, author=author, title="Copy party", body=demo_text(), render=render_markdown
        ).recipe.slug


def _row(rates: dict[str, list[float]], name: str, goal: float, measure: str, asked: str) -> Row:
    # Each round loads every server back to back: its ratio is the least disturbed by the machine's noise.
    ratio = median([wiki / hello for wiki, hello in zip(rates[name], rates["hello"], strict=True)])
    client = "wrk" if shutil.which("wrk") else f"Python client, {CLIENT_CONNECTIONS} keep-alive connections"
    figure = (
        f"{ratio:.2f} (median of {ROUNDS} rounds; {median(rates[name]):,.0f} req/s for {asked} vs "
        f"{median(rates['hello']):,.0f} req/s for hello world; gunicorn gthread, {WORKERS} workers × "
        f"{THREADS} threads; {client}, {CLIENT_CONNECTIONS} connections; {ROUND_SECONDS} s each per round; "
        f"load average {os.getloadavg()[0]:.2f} at the end)"
    )
    return (measure, figure, verdict(f"≥ {goal}", ratio >= goal))


def _measure_rates(loads: dict[str, Load], folder: Path) -> dict[str, list[float]]:
    """Requests per second of each load in each round: all loaded in turn, the order turning each round."""
    script = folder / "random_paths.lua"
    script.write_text(RANDOM_PATHS_SCRIPT, encoding="utf-8")
    for load in loads.values():
        check_page(load.port, load.paths[0])
        _load(load, WARMUP_SECONDS, script)
    rates: dict[str, list[float]] = {name: [] for name in loads}
    names = sorted(loads)
    for round_number in range(ROUNDS):
        turn = round_number % len(names)
        for name in names[turn:] + names[:turn]:
            rates[name].append(_load(loads[name], ROUND_SECONDS, script) / ROUND_SECONDS)
    return rates


def _load(load: Load, seconds: float, script: Path) -> int:
    """Load a server for ``seconds``; return how many requests were answered 200."""
    if shutil.which("wrk"):
        return _load_with_wrk(load, seconds, script)
    return _load_with_threads(load, seconds)


def _load_with_wrk(load: Load, seconds: float, script: Path) -> int:
    command = [
        "wrk", f"--threads={min(CLIENT_CONNECTIONS, os.cpu_count() or 1)}",
        f"--connections={CLIENT_CONNECTIONS}", f"--duration={seconds}s",
        f"--timeout={REQUEST_TIMEOUT_SECONDS}s",
        f"http://127.0.0.1:{load.port}{load.paths[0]}",
    ]
    environment = None
    if load.paths_file is not None:
        command[1:1] = ["--script", str(script)]
        environment = os.environ | {"BENCH_PATHS": str(load.paths_file)}
    done = subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=seconds + 30, env=environment
    )
    if "Non-2xx" in done.stdout or "Socket errors" in done.stdout:
        raise RuntimeError(f"wrk saw errors: {' '.join(done.stdout.split())}")
    return int(re.search(r"(\d+) requests in", done.stdout).group(1))


def _load_with_threads(load: Load, seconds: float) -> int:
    deadline = time.perf_counter() + seconds
    answered = [0] * CLIENT_CONNECTIONS
    failures: list[str] = []

    def client(slot: int) -> None:
        rng = random.Random(slot)
        connection = http.client.HTTPConnection("127.0.0.1", load.port, timeout=30)
        while time.perf_counter() < deadline:
            path = rng.choice(load.paths)
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                # The server closed an idle keep-alive connection: open another.
                connection.close()
                continue
            if response.status != 200:
                failures.append(f"GET {path} answered {response.status}")
                break
            answered[slot] += 1
        connection.close()

    clients = [threading.Thread(target=client, args=(slot,)) for slot in range(CLIENT_CONNECTIONS)]
    for thread in clients:
        thread.start()
    for thread in clients:
        thread.join()
    if failures:
        raise RuntimeError(failures[0])
    return sum(answered)
