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


def read_generation(engine: Engine) -> int:
    """The generation now: it differs from one read earlier exactly when a write was committed since.

    Read on the driver's connection from the pool: it is read on every reader's view, and the
    statement needs neither a transaction nor SQLAlchemy's compiling and result handling.
    """
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute(READ)
        (value,) = cursor.fetchone()
        cursor.close()
        return value
    finally:
        connection.close()  # back to the pool, which ends the driver's transaction


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
