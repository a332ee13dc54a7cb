"""A consistent copy of a running wiki's database: SQLite's online backup API, or advice for PostgreSQL.

SQLite copies the database page by page under one read transaction, so the copy is the state of one
moment even while people save; it is written beside the target and renamed into place, so a failed
backup never leaves a half-written file under the target's name. PostgreSQL has its own tool for
that, ``pg_dump``: Levain says how to use it rather than pretend to do its job.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlalchemy import Engine

from ..errors import Invalid


class BackupUnsupported(Invalid):
    """This database is backed up with its own tools; the message says how."""


def backup_database(engine: Engine, target: Path) -> int:
    """Copy the SQLite database of ``engine`` to ``target``; return the size of the copy in bytes."""
    if engine.dialect.name != "sqlite":
        raise BackupUnsupported(pg_dump_advice(engine))
    source_path = engine.url.database
    if source_path and Path(source_path).resolve() == target.resolve():
        raise Invalid("The backup must go to another file than the database itself.")
    partial = target.with_name(target.name + ".partial")
    raw = engine.raw_connection()
    try:
        copy = sqlite3.connect(partial)
        try:
            raw.driver_connection.backup(copy)
            if copy.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise Invalid("The copy failed SQLite's integrity check; the database may be damaged.")
        finally:
            copy.close()
        os.replace(partial, target)
    finally:
        raw.close()
        partial.unlink(missing_ok=True)
    return target.stat().st_size


def pg_dump_advice(engine: Engine) -> str:
    """How to back up this PostgreSQL database with pg_dump (the URL without its password)."""
    url = engine.url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return (
        "On PostgreSQL, back up with pg_dump, which copies a consistent snapshot of a running database: "
        f"pg_dump --format=custom --file=levain.dump '{url}' (restore with pg_restore). "
        "`levain export` also writes the whole wiki in a portable file."
    )
