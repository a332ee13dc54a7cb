"""Page views per second under gunicorn, against a bare Flask "hello world" served the same way.

Two gunicorn servers from the virtual environment run side by side on free 127.0.0.1 ports with the
same settings: ``wsgi:app`` on a temporary instance folder holding a demo-sized recipe, and
``bench.hello:app``. The same client loads each in turn for the same time, twice, alternating: ``wrk``
when it is on the PATH, else Python threads each holding an ``http.client`` keep-alive connection. The
client runs on the same machine as the servers and takes its share of the cores, alike for both.
Both servers are stopped at the end, even when something fails.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.common import REPO_ROOT, Row, Scratch, demo_text, make_authors, median, scratch, verdict
from recipes.history.editing import create_recipe
from wiki.markdown import render_markdown

WORKERS, THREADS = 2, 4
CLIENT_CONNECTIONS = 8
# Each worker compiles the templates on its first requests: the warm-up lets both workers do so.
ROUNDS, ROUND_SECONDS, WARMUP_SECONDS = 5, 3, 3
START_TIMEOUT_SECONDS = 30
STOP_TIMEOUT_SECONDS = 10
GOAL_RATIO = 0.5  # readers at half the speed of a static "hello" page
GUNICORN = Path(sys.executable).parent / "gunicorn"


def main() -> list[Row]:
    with scratch() as bench:
        slug = _demo_recipe(bench)
        with (
            served("wsgi:app", _wiki_environment(bench), bench.folder / "wiki.log") as wiki_port,
            served("bench.hello:app", _clean_environment(), bench.folder / "hello.log") as hello_port,
        ):
            targets = {"wiki": (wiki_port, f"/recipes/{slug}"), "hello": (hello_port, "/")}
            rates = _measure(targets)
    # Each round loads both servers back to back: its ratio is the least disturbed by the machine's noise.
    ratio = median([wiki / hello for wiki, hello in zip(rates["wiki"], rates["hello"], strict=True)])
    client = "wrk" if shutil.which("wrk") else f"Python client, {CLIENT_CONNECTIONS} keep-alive connections"
    figure = (
        f"{ratio:.2f} (median of {ROUNDS} rounds; {median(rates['wiki']):,.0f} req/s for "
        f"GET /recipes/{{slug}} vs {median(rates['hello']):,.0f} req/s for hello world; gunicorn gthread, "
        f"{WORKERS} workers × {THREADS} threads; {client}; {ROUND_SECONDS} s each per round)"
    )
    measure = "page views under gunicorn, relative to a bare Flask hello world"
    return [(measure, figure, verdict(f"≥ {GOAL_RATIO}", ratio >= GOAL_RATIO))]


def _demo_recipe(bench: Scratch) -> str:
    with bench.session() as session:
        author = make_authors(session)[0]
        return create_recipe(
            session, author=author, title="Copy party", body=demo_text(), render=render_markdown
        ).recipe.slug


def _clean_environment() -> dict[str, str]:
    """This process's environment without any LEVAIN_* setting that would change what is measured."""
    return {name: value for name, value in os.environ.items() if not name.startswith("LEVAIN_")}


def _wiki_environment(bench: Scratch) -> dict[str, str]:
    # A fixed key: each worker would otherwise race to generate the instance's key file.
    return _clean_environment() | {"LEVAIN_INSTANCE_PATH": str(bench.instance), "LEVAIN_SECRET_KEY": "bench"}


@contextmanager
def served(app: str, environment: dict[str, str], log: Path) -> Iterator[int]:
    """Serve a WSGI app with gunicorn on a free 127.0.0.1 port; yield the port, stop the server after."""
    port = _free_port()
    command = [
        str(GUNICORN), "--chdir", str(REPO_ROOT), "--bind", f"127.0.0.1:{port}", "--worker-class", "gthread",
        "--workers", str(WORKERS), "--threads", str(THREADS), "--log-level", "warning", app,
    ]
    with open(log, "wb") as log_file:
        server = subprocess.Popen(command, env=environment, stdout=log_file, stderr=subprocess.STDOUT)
    try:
        _wait_until_serving(server, port, log)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_serving(server: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            tail = " ".join(log.read_text(errors="replace").split()[-40:])
            raise RuntimeError(f"gunicorn exited with status {server.returncode}: {tail}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not listen on port {port} within {START_TIMEOUT_SECONDS} s")


def _measure(targets: dict[str, tuple[int, str]]) -> dict[str, list[float]]:
    """Requests per second of each target in each round: both loaded in turn, first one then the other."""
    for port, path in targets.values():
        _check_page(port, path)
        _load(port, path, WARMUP_SECONDS)
    rates: dict[str, list[float]] = {name: [] for name in targets}
    for round_number in range(ROUNDS):
        for name in sorted(targets, reverse=round_number % 2 == 1):
            rates[name].append(_load(*targets[name], ROUND_SECONDS) / ROUND_SECONDS)
    return rates


def _check_page(port: int, path: str) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()
    if response.status != 200:
        raise RuntimeError(f"GET {path} answered {response.status}")


def _load(port: int, path: str, seconds: float) -> int:
    """Load a server for ``seconds``; return how many requests were answered 200."""
    if shutil.which("wrk"):
        return _load_with_wrk(port, path, seconds)
    return _load_with_threads(port, path, seconds)


def _load_with_wrk(port: int, path: str, seconds: float) -> int:
    command = [
        "wrk", f"--threads={min(CLIENT_CONNECTIONS, os.cpu_count() or 1)}",
        f"--connections={CLIENT_CONNECTIONS}", f"--duration={seconds}s", f"http://127.0.0.1:{port}{path}",
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 30).stdout
    if "Non-2xx" in output or "Socket errors" in output:
        raise RuntimeError(f"wrk saw errors: {' '.join(output.split())}")
    return int(re.search(r"(\d+) requests in", output).group(1))


def _load_with_threads(port: int, path: str, seconds: float) -> int:
    deadline = time.perf_counter() + seconds
    answered = [0] * CLIENT_CONNECTIONS
    failures: list[str] = []

    def client(slot: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.perf_counter() < deadline:
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
