"""Fixtures shared by the whole suite: a fresh database per test, on SQLite and on PostgreSQL.

SQLite is always tested. PostgreSQL is tested whenever ``LEVAIN_TEST_POSTGRES_URL`` names a server
(any database on it; the suite creates its own database there and drops it at the end). Under
``CI=true`` an unreachable PostgreSQL fails the run instead of being skipped.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from hypothesis import settings
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

# Every module that declares tables, so that Base.metadata names them all (see _EMPTIED).
import recipes.exchange.mediawiki.models  # noqa: F401
import recipes.search.models  # noqa: F401
from recipes.database import make_engine, make_session_factory
from recipes.models import Base
from recipes.schema import upgrade_database

POSTGRES_SERVER_URL = os.environ.get("LEVAIN_TEST_POSTGRES_URL")
IN_CI = os.environ.get("CI", "").lower() == "true"
BACKENDS = ["sqlite"] + (["postgres"] if POSTGRES_SERVER_URL else [])

# Property tests: the same examples on every run by default ("ci"); HYPOTHESIS_PROFILE=thorough (or
# --hypothesis-profile=thorough) tries thousands of new ones. Tests that set max_examples keep theirs.
settings.register_profile("ci", derandomize=True, deadline=None, max_examples=100)
settings.register_profile("thorough", deadline=None, max_examples=5000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_configure(config):
    if IN_CI and not POSTGRES_SERVER_URL:
        raise pytest.UsageError("CI=true needs LEVAIN_TEST_POSTGRES_URL: PostgreSQL is tested in CI.")


@pytest.fixture(scope="session", autouse=True)
def shared_template_code():
    """Every app the tests make in this process shares its compiled templates (tests/shared_templates.py)."""
    from flask import Flask

    from tests.shared_templates import SharedTemplateCode

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Flask, "jinja_options", {**Flask.jinja_options, "bytecode_cache": SharedTemplateCode()})
        yield


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> str:
    """A migrated, empty SQLite file that each test copies (faster than migrating each time)."""
    path = tmp_path_factory.mktemp("template") / "levain.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_database(engine)
    engine.dispose()
    return str(path)


@contextmanager
def new_postgres_database(prefix: str) -> Iterator[str]:
    """The URL of a new, empty database on the test PostgreSQL server, dropped at the end.

    An unreachable server skips the test (fails it under ``CI=true``).
    """
    server = make_url(POSTGRES_SERVER_URL)
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # noqa: BLE001 - any connection failure means "no server"
        admin.dispose()
        if IN_CI:
            pytest.fail(f"PostgreSQL at {server.render_as_string()} is unreachable: {error}")
        pytest.skip(f"PostgreSQL unreachable: {error}")
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_database():
    """A migrated database of the suite's own on the test PostgreSQL server, dropped at the end."""
    with new_postgres_database("levain_test") as url:
        engine = make_engine(url)
        upgrade_database(engine)
        unknown = set(inspect(engine).get_table_names()) - set(Base.metadata.tables) - {"alembic_version"}
        engine.dispose()
        assert not unknown, f"tests/conftest.py would not empty {sorted(unknown)}: import their models there"
        yield url


# The data generation keeps its one row: it only ever grows, from wherever it is.
_EMPTIED = [table for table in reversed(Base.metadata.sorted_tables) if table.name != "data_generation"]
# Recipes and revisions refer to each other: the recipes' pointers go first.
_UNLINK_RECIPES = (
    "UPDATE recipes SET head_revision_id = NULL, published_revision_id = NULL, fork_revision_id = NULL"
)
# Every id sequence starts again from 1, used by a row or only by a rolled-back insert.
_RESTART_IDS = "SELECT " + ", ".join(
    f"setval(pg_get_serial_sequence('\"{table.name}\"', '{table.autoincrement_column.name}'), 1, false)"
    for table in _EMPTIED
    if table.autoincrement_column is not None
)


def _empty_postgres(url: str) -> None:
    """Delete every row (but the data generation's) and start the ids from 1 again.

    Rows are deleted, not truncated: TRUNCATE gives each of the two dozen tables new files, about
    0.3 s a test, while a test leaves a few rows in a few tables, which DELETE removes in
    milliseconds. Children go before parents. The audit log refuses DELETE (a trigger keeps it
    append-only), so it alone is truncated, when a test wrote to it.
    """
    engine = create_engine(url)
    with engine.begin() as connection:
        has_rows = ", ".join(f'EXISTS (SELECT 1 FROM "{table.name}")' for table in _EMPTIED)
        flags = connection.execute(text(f"SELECT {has_rows}")).one()
        filled = [table for table, flag in zip(_EMPTIED, flags, strict=True) if flag]
        if any(table.name == "recipes" for table in filled):
            connection.execute(text(_UNLINK_RECIPES))
        for table in filled:
            verb = "TRUNCATE" if table.name == "audit_log" else "DELETE FROM"
            connection.execute(text(f'{verb} "{table.name}"'))
        connection.execute(text(_RESTART_IDS))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path) -> str:
    """The URL of a fresh, migrated, empty database, once per backend."""
    if request.param == "sqlite":
        path = tmp_path / "levain.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("postgres_database")
    _empty_postgres(url)
    return url


@pytest.fixture
def session(db_url):
    """A domain session on a fresh database, for unit tests of ``recipes/`` without Flask."""
    engine = make_engine(db_url)
    session = make_session_factory(engine)()
    yield session
    session.close()
    engine.dispose()


def plain_render(text: str) -> str:
    """A stand-in renderer for domain tests that do not care about Markdown."""
    return "<pre>" + text.replace("&", "&amp;").replace("<", "&lt;") + "</pre>"


@pytest.fixture
def render():
    return plain_render


@pytest.fixture
def app_settings() -> dict:
    """Settings a test module adds to (or changes in) the test app's: override this fixture there."""
    return {}


@pytest.fixture
def app(db_url, tmp_path, app_settings):
    from wiki import create_app

    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": db_url,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "SECRET_KEY": "test-secret",
            "REVIEW_POLICY": "none",
            "RATELIMIT_ENABLED": False,
            **app_settings,
        }
    )
    yield app
    close_app(app)


def close_app(app) -> None:
    """Drop a test's app: stop its index writer thread (which may hold a connection), then its engine."""
    from wiki.search import stop_index_writer

    stop_index_writer(app)
    app.extensions["levain.engine"].dispose()


@pytest.fixture
def client(app):
    """A test client whose requests ask for the English interface, the language the assertions read."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


PASSWORD = "correct horse battery"


@pytest.fixture
def make_user(app):
    """Create an account directly in the domain: ``make_user("alice", role="editor")``."""
    from recipes.community import accounts

    def make(name: str, role: str = "editor", password: str = PASSWORD):
        with app.extensions["levain.sessions"]() as session:
            return accounts.create_user(session, name, password, role=role)

    return make


def csrf_token_of(client, path: str = "/login") -> str:
    """The CSRF token the site hands out, read from the ``csrf-token`` meta tag of a page."""
    import re

    html = client.get(path).get_data(as_text=True)
    match = re.search(r'<meta name="csrf-token" content="([^"]+)"', html)
    assert match, f"no csrf-token meta tag on {path}"
    return match.group(1)


@pytest.fixture
def login(client, make_user):
    """Log the test client in as a (new) user of the given role; returns its CSRF token."""

    def log_in(name: str = "alice", role: str = "editor") -> str:
        make_user(name, role=role)
        token = csrf_token_of(client)
        response = client.post("/login", data={"username": name, "password": PASSWORD, "csrf_token": token})
        assert response.status_code in (302, 303), response.get_data(as_text=True)
        return csrf_token_of(client, "/")

    return log_in


@pytest.fixture
def api_token(app, make_user):
    """Create a user and return a personal API token for it."""
    from recipes.community import accounts

    def issue(name: str = "bot", role: str = "editor") -> str:
        make_user(name, role=role)
        with app.extensions["levain.sessions"]() as session:
            return accounts.issue_token(session, name)

    return issue
