"""The wiki as it runs in production, for system tests: gunicorn serving ``wsgi:app`` in a subprocess.

Glossary:
- *site*: an instance folder and a database of its own (SQLite in the folder, or a PostgreSQL
  database created on the server named by ``LEVAIN_TEST_POSTGRES_URL`` and dropped at the end),
  prepared with ``levain init`` as an administrator would.
- *server*: ``gunicorn 'wsgi:app'`` with several workers on a free 127.0.0.1 port, started in a
  process group of its own so that a test can stop it, or kill it outright (master and workers).
- *editor*: an account with a personal API token; editors talk to the server over real HTTP.

The servers log to a file in the test's folder; a test reads it to check what reached the log.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from recipes.community import accounts
from recipes.database import make_engine, make_session_factory
from tests.conftest import BACKENDS, new_postgres_database

REPO_ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
WORKERS = 4
# A wait for the server to come up, not a measure: several workers booting on a machine busy with
# the rest of the suite can take a while.
START_TIMEOUT_SECONDS = 90
STOP_TIMEOUT_SECONDS = 10
REQUEST_TIMEOUT_SECONDS = 60
EDITOR_PASSWORD = "a long password nobody types"


@dataclass
class Site:
    """An instance folder and its database URL, with the environment a server or command runs in."""

    instance: Path
    url: str
    engines: list[Engine] = field(default_factory=list)

    @property
    def backend(self) -> str:
        return make_url(self.url).get_backend_name()

    def environment(self) -> dict[str, str]:
        inherited = {name: value for name, value in os.environ.items() if not name.startswith("LEVAIN_")}
        return inherited | {
            "LEVAIN_INSTANCE_PATH": str(self.instance),
            "LEVAIN_DATABASE_URL": self.url,
            # A fixed key: each worker would otherwise race to generate the instance's key file.
            "LEVAIN_SECRET_KEY": "system-test-secret",
            "LEVAIN_REVIEW_POLICY": "none",
            "LEVAIN_RATELIMIT_ENABLED": "false",
        }

    def levain(self, *args: str) -> subprocess.CompletedProcess:
        """Run a ``levain`` command on this site; its output is kept for the test to read."""
        return subprocess.run(
            [str(BIN / "levain"), *args],
            env=self.environment(),
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )

    def engine(self) -> Engine:
        """An engine on the site's database, for the test's own checks (disposed at the end)."""
        engine = make_engine(self.url)
        self.engines.append(engine)
        return engine

    def add_editors(self, count: int) -> list[str]:
        """Create ``count`` editors; return a personal API token for each."""
        with make_session_factory(self.engine())() as session:
            tokens = []
            for number in range(count):
                name = f"editor{number:02d}"
                accounts.create_user(session, name, EDITOR_PASSWORD, role="editor")
                tokens.append(accounts.issue_token(session, name))
            return tokens

    def close(self) -> None:
        for engine in self.engines:
            engine.dispose()


@pytest.fixture(params=BACKENDS)
def site(request, tmp_path):
    """A fresh site, made ready with ``levain init``, once per database."""
    instance = tmp_path / "instance"
    instance.mkdir()
    if request.param == "sqlite":
        yield from _ready_site(Site(instance, f"sqlite:///{instance / 'levain.db'}"))
        return
    with new_postgres_database("levain_system") as url:
        yield from _ready_site(Site(instance, url))


def _ready_site(site: Site):
    initialised = site.levain("init")
    assert initialised.returncode == 0, initialised.stderr
    try:
        yield site
    finally:
        site.close()


class Server:
    """gunicorn serving the site with ``WORKERS`` sync workers, in a process group of its own.

    ``options`` go on gunicorn's command line before the app (``--config`` …); ``settings`` are
    environment variables added to the site's.
    """

    def __init__(
        self,
        site: Site,
        log: Path,
        *,
        workers: int = WORKERS,
        options: tuple[str, ...] = (),
        settings: dict | None = None,
    ):
        self.site = site
        self.log = log
        self.port = free_port()
        self.workers = workers
        self.options = options
        self.settings = settings or {}
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [str(BIN / "gunicorn"), "--chdir", str(REPO_ROOT), *self.options]
        command += ["--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers)]
        command += ["--timeout", str(REQUEST_TIMEOUT_SECONDS), "wsgi:app"]
        with open(self.log, "ab") as log_file:
            self.process = subprocess.Popen(
                command,
                env=self.site.environment() | self.settings,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._wait_until_serving()

    def _wait_until_serving(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited with status {self.process.returncode}:\n{self.log_text()}"
                )
            try:
                if call(self.port, "GET", "/api/v1/regions", timeout=5)[0] == 200:
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not answer within {START_TIMEOUT_SECONDS} s:\n{self.log_text()}")

    def stop(self) -> None:
        """Stop gracefully (SIGTERM to the whole group), killing what is still there after a while."""
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        """Kill the master and every worker at once, as a power cut or the OOM killer would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        _wait_for_group_to_end(self.process.pid)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


def _wait_for_group_to_end(group: int) -> None:
    deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)


@pytest.fixture
def server(site, tmp_path):
    """The site served by gunicorn; stopped at the end of the test, whatever happens."""
    served = Server(site, tmp_path / "gunicorn.log")
    served.start()
    yield served
    served.stop()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def call(
    port: int,
    method: str,
    path: str,
    *,
    token: str | None = None,
    body: dict | None = None,
    timeout: float = REQUEST_TIMEOUT_SECONDS,
) -> tuple[int, dict | str]:
    """One HTTP request on a new connection; the status and the JSON answer (or the text if not JSON)."""
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
        response = connection.getresponse()
        raw = response.read().decode("utf-8", errors="replace")
    finally:
        connection.close()
    try:
        return response.status, json.loads(raw)
    except ValueError:
        return response.status, raw


def index_agrees(site: Site, server: Server) -> subprocess.CompletedProcess:
    """Let the server apply the outbox (a search does), then run ``levain search check``."""
    status, answer = call(server.port, "GET", "/api/v1/search?q=atelier")
    assert status == 200, answer
    return site.levain("search", "check")


def revision_chain(engine: Engine, slug: str) -> list[tuple[int, int, int | None]]:
    """(number, id, parent id) of every revision of a recipe, by number."""
    query = text(
        "SELECT r.number, r.id, r.parent_id FROM revisions r JOIN recipes p ON p.id = r.recipe_id "
        "WHERE p.slug = :slug ORDER BY r.number"
    )
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(query, {"slug": slug})]


def assert_single_chain(engine: Engine, slug: str) -> int:
    """Revisions numbered 1..N without gaps, each the child of the one before; return N."""
    chain = revision_chain(engine, slug)
    assert [number for number, _id, _parent in chain] == list(range(1, len(chain) + 1))
    assert chain[0][2] is None
    for (_n, previous_id, _p), (number, _id, parent_id) in pairwise(chain):
        assert parent_id == previous_id, f"revision {number} is not the child of revision {number - 1}"
    with engine.connect() as connection:
        head = connection.execute(
            text("SELECT head_number FROM recipes WHERE slug = :s"), {"s": slug}
        ).scalar()
    assert head == len(chain)
    return len(chain)


def revision_body(engine: Engine, slug: str, number: int) -> str:
    """The text of a revision, read from the database as the wiki stores it."""
    from recipes.queries import get_recipe, get_revision, revision_content

    with make_session_factory(engine)() as session:
        recipe = get_recipe(session, slug)
        return revision_content(session, get_revision(session, recipe, number)).text


# --- editors saving the same recipe at once --------------------------------------------------------

SHARED_LINES = 3


def workshop_text(editors: int) -> str:
    """A recipe with a line of its own for each editor and a few lines everyone may change.

    A blank line separates any two lines, so that edits of different lines merge (adjacent ones
    would be one region of the three-way merge, and a conflict).
    """
    own = "".join(f"- poste {number:02d} : libre\n\n" for number in range(editors))
    shared = "".join(f"- commun {number} : libre\n\n" for number in range(SHARED_LINES))
    return f"Chaque poste a sa ligne ; les lignes communes sont à tout le monde.\n\n{own}{shared}"


def create_workshop(port: int, token: str, editors: int) -> str:
    """Create the recipe the editors will save; return its slug."""
    draft = {"title": "Atelier vélo partagé", "body": workshop_text(editors), "summary": "Création"}
    status, answer = call(port, "POST", "/api/v1/recipes", token=token, body=draft)
    assert status == 201, answer
    return answer["slug"]


@dataclass(frozen=True)
class Save:
    """One save an editor sent: the lines it wrote, and how the server answered."""

    marker: str
    lines: tuple[str, ...]
    status: int  # 0 when no answer came (the connection failed)
    answer: dict | str
    revision: int | None = None
    merged: bool = False
    seconds: float = 0.0  # from sending the save to its answer


def _edited(body: str, editor: int, marker: str, shared: int | None) -> tuple[str, tuple[str, ...]]:
    """The body with the editor's own line (and a shared line, if any) rewritten to carry ``marker``."""
    prefixes = [f"- poste {editor:02d} : "] + ([f"- commun {shared} : "] if shared is not None else [])
    lines = body.split("\n")
    written = []
    for prefix in prefixes:
        index = next(i for i, line in enumerate(lines) if line.startswith(prefix))
        lines[index] = prefix + marker
        written.append(lines[index])
    return "\n".join(lines), tuple(written)


def edit_repeatedly(
    port: int,
    slug: str,
    token: str,
    editor: int,
    saves: int,
    *,
    done: list[Save],
    shared_share: float = 0.2,
    stop: threading.Event | None = None,
) -> None:
    """Save ``saves`` edits in a row into ``done``, each based on the last text this editor read.

    After a save the answer is the new base; after a conflict the editor reads the recipe again. A
    fifth of the edits (``shared_share``) also rewrite one of the shared lines, so that some conflict.
    Each save is appended as soon as it is answered: what a failing editor did before is kept.
    """
    rng = random.Random(editor)
    base: dict | None = None
    for number in range(saves):
        if stop is not None and stop.is_set():
            break
        marker = f"e{editor:02d}s{number:03d}"
        shared = rng.randrange(SHARED_LINES) if rng.random() < shared_share else None
        try:
            if base is None:
                status, base = call(port, "GET", f"/api/v1/recipes/{slug}")
                if status != 200:
                    done.append(Save(marker, (), status, base))
                    base = None
                    continue
            body, lines = _edited(base["body"], editor, marker, shared)
            edit = {"body": body, "base_revision": base["revision"], "summary": marker}
            sent = time.perf_counter()
            status, answer = call(port, "PUT", f"/api/v1/recipes/{slug}", token=token, body=edit)
            seconds = time.perf_counter() - sent
        except (OSError, http.client.HTTPException) as error:
            done.append(Save(marker, (), 0, repr(error)))
            base = None
            continue
        saved = status == 200 and isinstance(answer, dict)
        revision, merged = (answer["revision"], answer.get("merged", False)) if saved else (None, False)
        done.append(Save(marker, lines, status, answer, revision, merged, seconds))
        base = answer if saved else None


def editors_at_once(port: int, slug: str, tokens: list[str], saves: int, **options) -> list[Save]:
    """Every editor saving ``saves`` times, all at once, one thread each; every save they sent."""
    results: list[list[Save]] = [[] for _ in tokens]
    threads = [
        threading.Thread(
            target=edit_repeatedly,
            args=(port, slug, token, editor, saves),
            kwargs={"done": results[editor], **options},
        )
        for editor, token in enumerate(tokens)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [save for saves_of_one in results for save in saves_of_one]
