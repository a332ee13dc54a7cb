"""Engines and transactions: how Levain talks to SQLite and PostgreSQL.

SQLite runs in WAL mode with a busy timeout, and a transaction that will write starts with
``BEGIN IMMEDIATE``: a deferred transaction that reads and then writes fails at once with "database is
locked" when another writer went first, instead of waiting its turn. On PostgreSQL a write to a recipe
locks its row first (``recipes.history.revisions.lock_recipe``); its pool pings a connection before handing it
out, so that one the server dropped (a restart) is replaced unseen.

``database_failure`` tells a failure of the database itself (unreachable, busy past the timeout,
read-only or full storage), which the web layer answers with a 503 or a 507, from a bug.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from .generation import track_generation

WRITE_OPTION = "levain_write"
SQLITE_BUSY_TIMEOUT_MS = 30_000

# What failed, when the database failed and not the request: see ``database_failure``.
UNREACHABLE, BUSY, READ_ONLY, FULL = "unreachable", "busy", "read_only", "full"
# SQLite's primary result codes (an extended code keeps its primary code in its low byte).
SQLITE_FAILURES = {5: BUSY, 6: BUSY, 8: READ_ONLY, 10: UNREACHABLE, 13: FULL, 14: UNREACHABLE}
# PostgreSQL's SQLSTATE codes, whole or by class (the first two characters).
POSTGRES_FAILURES = {
    "08": UNREACHABLE,  # connection exception
    "57P01": UNREACHABLE,  # admin shutdown
    "57P02": UNREACHABLE,  # crash shutdown
    "57P03": UNREACHABLE,  # cannot connect now (starting up)
    "3D000": UNREACHABLE,  # the database does not exist (yet)
    "53100": FULL,  # disk full
    "53300": BUSY,  # too many connections
    "55P03": BUSY,  # lock not available
    "25006": READ_ONLY,  # read-only SQL transaction (a standby, or default_transaction_read_only)
}


def make_engine(url: str, **kwargs) -> Engine:
    """Create an engine for a database URL, configured for Levain's transactions."""
    if make_url(url).get_backend_name() == "sqlite":
        kwargs.setdefault("connect_args", {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        engine = create_engine(url, **kwargs)
        _configure_sqlite(engine)
    else:
        kwargs.setdefault("pool_pre_ping", True)
        engine = create_engine(url, **kwargs)
    track_generation(engine)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" event emit BEGIN itself, so that it can choose IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        writing = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Return the session factory; objects stay readable after commit (views render them)."""
    return sessionmaker(engine, expire_on_commit=False)


def begin_write(session: Session) -> None:
    """Start a write transaction on the session, ending any read-only one it had open.

    Call it before the first read of a read-then-write operation, so that on SQLite the whole
    operation holds the write lock and sees the latest committed state.
    """
    if session.in_transaction():
        session.commit()
    session.connection(execution_options={WRITE_OPTION: True})


@contextmanager
def write_transaction(session: Session) -> Iterator[None]:
    """Run a block in a write transaction: committed at its end, rolled back whole if it raises."""
    begin_write(session)
    try:
        yield
        session.commit()
    except BaseException:
        session.rollback()
        raise


def database_failure(error: BaseException) -> str | None:
    """Why the database failed (UNREACHABLE, BUSY, READ_ONLY or FULL), or None when it is not its fault."""
    if isinstance(error, DisconnectionError):
        return UNREACHABLE
    if not isinstance(error, DBAPIError):
        return None
    if error.connection_invalidated:
        return UNREACHABLE
    original = error.orig
    if isinstance(original, sqlite3.Error):
        code = getattr(original, "sqlite_errorcode", None)
        return SQLITE_FAILURES.get(code & 0xFF) if code is not None else None
    sqlstate = getattr(original, "sqlstate", None)
    if sqlstate is None:
        # psycopg says nothing more of a server it could not reach or a connection that broke.
        return UNREACHABLE if isinstance(error, OperationalError | InterfaceError) else None
    return POSTGRES_FAILURES.get(sqlstate) or POSTGRES_FAILURES.get(sqlstate[:2])
