"""Gunicorn serving a benchmark's app: the settings every served benchmark shares, started and stopped.

``served`` runs a WSGI app from the virtual environment's gunicorn on a free 127.0.0.1 port (gthread,
``WORKERS`` × ``THREADS``, the deployment's worker class) and stops it at the end, even when something
fails. ``wiki_environment`` points a server at a scratch wiki; ``clean_environment`` is the
environment without any ``LEVAIN_*`` setting that would change what is measured.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.common import REPO_ROOT, Scratch

WORKERS, THREADS = 2, 4
START_TIMEOUT_SECONDS = 30
STOP_TIMEOUT_SECONDS = 10
GUNICORN = Path(sys.executable).parent / "gunicorn"


@dataclass(frozen=True)
class Server:
    """A gunicorn server started by ``served``: its port and its master process's id."""

    port: int
    pid: int

    def worker_pids(self) -> list[int]:
        """The ids of its workers, the processes whose parent is the master (read from /proc)."""
        workers = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # the process ended meanwhile
            if int(fields[1]) == self.pid:
                workers.append(int(stat.parent.name))
        return workers


def clean_environment() -> dict[str, str]:
    """This process's environment without any LEVAIN_* setting that would change what is measured."""
    return {name: value for name, value in os.environ.items() if not name.startswith("LEVAIN_")}


def wiki_environment(bench: Scratch) -> dict[str, str]:
    """The environment of a server of the scratch wiki."""
    # A fixed key: each worker would otherwise race to generate the instance's key file.
    return clean_environment() | {
        "LEVAIN_INSTANCE_PATH": str(bench.instance), "LEVAIN_DATABASE_URL": bench.url,
        "LEVAIN_SECRET_KEY": "bench",
    }


@contextmanager
def served(app: str, environment: dict[str, str], log: Path) -> Iterator[Server]:
    """Serve a WSGI app with gunicorn on a free 127.0.0.1 port; yield the server, stop it after."""
    port = _free_port()
    command = [
        str(GUNICORN), "--chdir", str(REPO_ROOT), "--bind", f"127.0.0.1:{port}", "--worker-class", "gthread",
        "--workers", str(WORKERS), "--threads", str(THREADS), "--log-level", "warning", app,
    ]
    with open(log, "wb") as log_file:
        server = subprocess.Popen(command, env=environment, stdout=log_file, stderr=subprocess.STDOUT)
    try:
        _wait_until_serving(server, port, log)
        yield Server(port, server.pid)
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


def check_page(port: int, path: str) -> None:
    """Ask for a page once; it must be answered 200."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()
    if response.status != 200:
        raise RuntimeError(f"GET {path} answered {response.status}")


