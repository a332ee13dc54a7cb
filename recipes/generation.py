"""The data generation: one number that every committed write to the database raises.

A process that keeps something derived from the database (the web layer keeps readers' pages) reads
it to learn, in one primary-key read, that nothing at all was written since it last checked; only
when something was must it find out whether what it keeps still holds. Any write counts, whatever
table it touches and however it was made (a session or a bare connection), so no kind of change can
be forgotten here.

The number is raised inside the writing transaction, just before its commit: a reader never sees a
new generation before the data written with it, nor that data under the old generation. A
transaction that changes the schema raises nothing: the table may not exist yet, and a new schema
comes with a restart of every process, which forgets what they kept.
"""

from __future__ import annotations

import threading

from sqlalchemy import Engine, event

from .models import DataGeneration

# Kept in a connection's info while its current transaction has written, or changed the schema.
WROTE, RESHAPED = "levain.wrote", "levain.reshaped"
WRITES = frozenset({"INSERT", "UPDATE", "DELETE", "REPLACE"})
SCHEMA_CHANGES = frozenset({"CREATE", "ALTER", "DROP"})
RAISE = f"UPDATE {DataGeneration.__tablename__} SET value = value + 1"
READ = f"SELECT value FROM {DataGeneration.__tablename__}"


def track_generation(engine: Engine) -> None:
    """Raise the generation in each transaction on the engine that wrote, just before it commits."""

    @event.listens_for(engine, "after_cursor_execute")
    def notice(connection, _cursor, statement, _parameters, _context, _executemany):
        kind = _kind(statement)
        if kind in WRITES:
            connection.info[WROTE] = True
        elif kind in SCHEMA_CHANGES:
            connection.info[RESHAPED] = True

    @event.listens_for(engine, "commit")
    def raise_generation(connection):
        if connection.invalidated:  # its commit fails anyway; the pool's check-in forgets it
            return
        if connection.info.get(WROTE) and not connection.info.get(RESHAPED):
            # On the driver's own cursor: inside the transaction being committed, unseen by the events.
            cursor = connection.connection.dbapi_connection.cursor()
            try:
                cursor.execute(RAISE)
            finally:
                cursor.close()
        _forget(connection.info)

    @event.listens_for(engine, "rollback")
    def forget(connection):
        # A connection the server dropped has no info left to read (reading it would reconnect in the
        # middle of a failed transaction); the pool's check-in below forgets it.
        if not connection.invalidated:
            _forget(connection.info)

    @event.listens_for(engine, "checkin")
    def forget_returned(_dbapi_connection, record):
        _forget(record.info)


class GenerationReader:
    """Reads the generation on connections of its own: one a thread, kept, in autocommit.

    It is read on every reader's view, so a read is one statement and one round trip to the server:
    no pool checkout with its ping, no transaction to begin and roll back, none of SQLAlchemy's
    compiling and result handling. A kept connection that fails (the server restarted, or dropped
    it) is closed and the read made again once on a fresh one from the pool, pinged as the pool
    pings; the engine's ``dispose`` closes every connection kept.
    """

    def __init__(self, engine: Engine):
        self._engine = engine
        self._local = threading.local()
        self._kept: set = set()  # every thread's connection, for ``close``
        self._lock = threading.Lock()
        event.listen(engine, "engine_disposed", lambda _engine: self.close())

    def read(self) -> int:
        """The generation now: it differs from one read earlier exactly when a write was committed since."""
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            try:
                return _select(connection)
            except self._engine.dialect.loaded_dbapi.Error:
                self._discard(connection)
        return _select(self._connect())

    def close(self) -> None:
        """Close every connection kept (each thread takes a fresh one on its next read)."""
        with self._lock:
            kept, self._kept = self._kept, set()
        for connection in kept:
            _close_quietly(connection)

    def _connect(self):
        pooled = self._engine.raw_connection()  # pinged by the pool: a live connection
        pooled.detach()  # ours from now on: the pool neither counts, resets nor closes it
        connection = pooled.dbapi_connection
        # Each statement sees what was committed before it, and leaves no transaction open.
        self._engine.dialect.set_isolation_level(connection, "AUTOCOMMIT")
        with self._lock:
            self._kept.add(connection)
        self._local.connection = connection
        return connection

    def _discard(self, connection) -> None:
        self._local.connection = None
        with self._lock:
            self._kept.discard(connection)
        _close_quietly(connection)


def _select(connection) -> int:
    cursor = connection.cursor()
    try:
        cursor.execute(READ)
        (value,) = cursor.fetchone()
    finally:
        cursor.close()
    return value


def _close_quietly(connection) -> None:
    try:
        connection.close()
    except Exception:  # noqa: BLE001 - a connection already broken needs no closing
        pass


def _kind(statement: str) -> str:
    words = statement.lstrip().split(None, 1)
    first = words[0].upper() if words else ""
    if first == "WITH":  # a common table expression ahead of the statement itself
        upper = statement.upper()
        return next((keyword for keyword in WRITES if keyword in upper), first)
    return first


def _forget(info: dict) -> None:
    info.pop(WROTE, None)
    info.pop(RESHAPED, None)
