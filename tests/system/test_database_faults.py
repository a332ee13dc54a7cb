"""A database that is down, read-only or full: a clear 503 or 507, one log line, nothing half-written.

The wiki must not need a restart when the database comes back: each request tries again, and on
PostgreSQL the pool replaces a connection the server dropped. A save that could not be written keeps
the editor's text on the page and leaves no trace in the database; the next save, once there is
room again, works.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
import string
import uuid

import psycopg
import pytest
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from recipes.database import database_failure, make_engine
from recipes.models import Blob, Recipe, Revision, SearchOutbox
from recipes.schema import upgrade_database
from tests.conftest import PASSWORD, POSTGRES_SERVER_URL, close_app, csrf_token_of
from tests.system.conftest import free_port
from wiki.db import get_session
from wiki.search import refresh_index

needs_postgres = pytest.mark.skipif(not POSTGRES_SERVER_URL, reason="LEVAIN_TEST_POSTGRES_URL is not set")
UNREACHABLE_MESSAGE = "cannot reach its database"
# Pages speak the reader's language (French by default); these checks read the English sentences.
IN_ENGLISH = {"Accept-Language": "en"}


def make_app(url: str, tmp_path):
    from wiki import create_app

    return create_app(
        {
            "TESTING": True,
            "DATABASE_URL": url,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "SECRET_KEY": "test-secret",
            "REVIEW_POLICY": "none",
            "RATELIMIT_ENABLED": False,
        }
    )


def database_log_lines(caplog, failure: str) -> list[str]:
    return [record.getMessage() for record in caplog.records if f"database {failure}" in record.getMessage()]


def assert_unavailable(client, caplog) -> None:
    """A page and an API call both answer 503 with a sentence; each leaves one log line, no traceback."""
    caplog.clear()
    page = client.get("/", headers=IN_ENGLISH)
    assert page.status_code == 503
    assert UNREACHABLE_MESSAGE in page.get_data(as_text=True)
    answer = client.get("/api/v1/recipes")
    assert answer.status_code == 503
    assert answer.get_json()["error"]["code"] == "unavailable"
    assert UNREACHABLE_MESSAGE in answer.get_json()["error"]["message"]
    assert len(database_log_lines(caplog, "unreachable")) == 2
    assert not [record for record in caplog.records if record.exc_info]


def test_sqlite_database_that_cannot_be_opened_answers_503_until_it_can(tmp_path, caplog):
    folder = tmp_path / "not-there-yet"
    url = f"sqlite:///{folder / 'levain.db'}"
    app = make_app(url, tmp_path)
    client = app.test_client()

    assert_unavailable(client, caplog)

    folder.mkdir()
    engine = make_engine(url)
    upgrade_database(engine)
    engine.dispose()
    assert client.get("/api/v1/recipes").status_code == 200
    assert client.get("/").status_code == 200
    close_app(app)


@needs_postgres
def test_postgres_server_that_does_not_answer_gives_503(tmp_path, caplog):
    nobody = make_url(POSTGRES_SERVER_URL).set(host="127.0.0.1", port=free_port())
    app = make_app(nobody.render_as_string(hide_password=False), tmp_path)

    assert_unavailable(app.test_client(), caplog)
    close_app(app)


@pytest.fixture
def later_postgres_database():
    """The URL of a PostgreSQL database that does not exist yet, and a function that creates it."""
    server = make_url(POSTGRES_SERVER_URL)
    name = f"levain_later_{uuid.uuid4().hex[:12]}"
    url = server.set(database=name).render_as_string(hide_password=False)
    admin = create_engine(server, isolation_level="AUTOCOMMIT")

    def create() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        engine = make_engine(url)
        upgrade_database(engine)
        engine.dispose()

    yield url, create, admin
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@needs_postgres
def test_postgres_recovers_without_restart(later_postgres_database, tmp_path, caplog):
    url, create, admin = later_postgres_database
    app = make_app(url, tmp_path)
    lose_connection = []

    @app.before_request
    def lose_the_connection_when_asked():
        if lose_connection:
            lose_connection.clear()
            get_session().execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))

    client = app.test_client()
    assert_unavailable(client, caplog)

    create()
    assert client.get("/api/v1/recipes").status_code == 200

    # The server drops every connection of the wiki (a restart): the pool notices and reconnects.
    name = make_url(url).database
    with admin.connect() as connection:
        connection.execute(
            text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"),
            {"name": name},
        )
    assert client.get("/api/v1/recipes").status_code == 200

    # The connection goes away in the middle of a request: that request gets a 503, the next one works.
    caplog.clear()
    lose_connection.append(True)
    answer = client.get("/api/v1/recipes")
    assert answer.status_code == 503
    assert answer.get_json()["error"]["code"] == "unavailable"
    assert len(database_log_lines(caplog, "unreachable")) == 1
    assert client.get("/api/v1/recipes").status_code == 200
    close_app(app)


# --- read-only and full storage on save (SQLite) ----------------------------------------------------


@pytest.fixture
def wiki(sqlite_template, tmp_path):
    """A SQLite wiki with one recipe, a logged-in editor and the same editor's API token."""
    from recipes.community import accounts
    from recipes.history import editing
    from wiki.markdown import render_markdown

    path = tmp_path / "levain.db"
    shutil.copyfile(sqlite_template, path)
    app = make_app(f"sqlite:///{path}", tmp_path)
    with app.extensions["levain.sessions"]() as session:
        author = accounts.create_user(session, "alice", PASSWORD, role="editor")
        token = accounts.issue_token(session, "alice")
        editing.create_recipe(
            session, author=author, title="Repair café", body="Apporter ses objets.\n", render=render_markdown
        )
    client = app.test_client()
    login = {"username": "alice", "password": PASSWORD, "csrf_token": csrf_token_of(client)}
    assert client.post("/login", data=login).status_code in (302, 303)
    refresh_index(app)  # the recipe's outbox row, applied now rather than by the writer thread mid-test
    yield app, client, token
    close_app(app)


class StorageFault:
    """Runs a PRAGMA on every connection the app's pool hands out while the fault is on."""

    def __init__(self, app, on: str, off: str):
        self.engine = app.extensions["levain.engine"]
        self.on, self.off = on, off
        self.active = False
        event.listen(self.engine, "checkout", self._apply)

    def _apply(self, dbapi_connection, _record, _proxy) -> None:
        dbapi_connection.execute(self.on if self.active else self.off)

    def remove(self) -> None:
        event.remove(self.engine, "checkout", self._apply)


def stored_counts(app) -> tuple:
    """What a save writes: revisions, blobs, outbox rows, and the recipe's head."""
    with app.extensions["levain.sessions"]() as session:
        return tuple(
            session.scalar(query)
            for query in (
                select(func.count(Revision.id)),
                select(func.count()).select_from(Blob),
                select(func.count(SearchOutbox.id)),
                select(Recipe.head_number),
            )
        )


def an_edit(length: int = 60_000) -> str:
    """A text that takes room even compressed (random letters), so that the database must grow."""
    rng = random.Random(length)
    words = ("".join(rng.choice(string.ascii_lowercase) for _ in range(8)) for _ in range(length // 9))
    return "Texte de l'éditrice : " + " ".join(words) + "\n"


FAULTS = {
    # SQLite refuses to grow the file past max_page_count, as with a full disk (SQLITE_FULL).
    "full": ("PRAGMA max_page_count = 1", "PRAGMA max_page_count = 2147483646", 507, "storage_full"),
    # A read-only connection, as on a read-only file system (SQLITE_READONLY); root ignores chmod.
    "read_only": ("PRAGMA query_only = ON", "PRAGMA query_only = OFF", 503, "unavailable"),
}


@pytest.mark.parametrize("failure", FAULTS)
def test_save_on_storage_that_cannot_be_written_keeps_the_text(wiki, caplog, failure):
    app, client, token = wiki
    on, off, status, code = FAULTS[failure]
    fault = StorageFault(app, on, off)
    edit_page = "/recipes/repair-cafe/edit"
    form = {
        "csrf_token": csrf_token_of(client, edit_page),
        "title": "Repair café",
        "base_revision": "1",
        "summary": "Tout le texte",
        "body": an_edit(),
    }
    before = stored_counts(app)

    fault.active = True
    caplog.clear()
    page = client.post(edit_page, data=form, headers=IN_ENGLISH)
    assert page.status_code == status
    html = page.get_data(as_text=True)
    assert form["body"].split()[-1] in html and "nothing was saved" in html
    answer = client.put(
        "/api/v1/recipes/repair-cafe",
        headers={"Authorization": f"Bearer {token}"},
        json={"body": form["body"], "base_revision": 1},
    )
    assert answer.status_code == status
    assert answer.get_json()["error"]["code"] == code
    assert len(database_log_lines(caplog, failure)) == 2
    fault.active = False
    assert stored_counts(app) == before

    saved = client.post(edit_page, data=form)
    assert saved.status_code == 303
    revisions, _blobs, _outbox, head = stored_counts(app)
    assert (revisions, head) == (before[0] + 1, 2)
    assert form["body"].split()[-1] in client.get("/api/v1/recipes/repair-cafe").get_json()["body"]
    fault.remove()


# --- which failures are the database's (the same on both databases, without a server) --------------


def sqlite_error(code: int) -> sqlite3.OperationalError:
    error = sqlite3.OperationalError("failure")
    error.sqlite_errorcode = code
    return error


@pytest.mark.parametrize(
    ("original", "failure"),
    [
        (psycopg.errors.DiskFull("no space left on device"), "full"),
        (psycopg.errors.ReadOnlySqlTransaction("read-only transaction"), "read_only"),
        (psycopg.errors.AdminShutdown("terminating connection"), "unreachable"),
        (psycopg.errors.TooManyConnections("too many clients"), "busy"),
        (psycopg.OperationalError("connection refused"), "unreachable"),
        (psycopg.errors.UndefinedTable("no such table"), None),
        (sqlite_error(13), "full"),
        (sqlite_error(8 | 3 << 8), "read_only"),  # SQLITE_READONLY_ROLLBACK, an extended code
        (sqlite_error(5), "busy"),
        (sqlite_error(1), None),  # SQLITE_ERROR: a bug in a statement, not the database's fault
    ],
)
def test_failures_of_the_database_are_told_from_bugs(original, failure):
    assert database_failure(OperationalError("SELECT 1", {}, original)) == failure
