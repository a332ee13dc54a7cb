"""The database schema is created and changed only by the Alembic migrations in ``migrations/``.

They are installed as the package ``recipes.migrations``, found through it wherever Levain is installed.
On PostgreSQL a migration runs under an advisory lock held until its transaction ends, so that
several servers starting at once migrate one after the other: the first brings the schema up, the
others find it there and have nothing left to do.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

MIGRATIONS_DIR = files("recipes.migrations")
# The key of the PostgreSQL advisory lock that migrations take ("levain" read as a number).
MIGRATION_LOCK_KEY = int.from_bytes(b"levain", "big")


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return config


def _lock_migrations(connection: Connection) -> None:
    """Wait for any other migration of this database to finish (PostgreSQL; SQLite has one writer)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})


def upgrade_database(engine: Engine, revision: str = "head", *, default_licence: str | None = None) -> None:
    """Bring the database schema up to ``revision`` (the newest by default).

    ``default_licence``: the licence recipes that exist get when the migration giving recipes a licence runs.
    """
    config = alembic_config(engine)
    config.attributes["default_licence"] = default_licence
    with engine.begin() as connection:
        _lock_migrations(connection)
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade_database(engine: Engine, revision: str) -> None:
    """Take the database schema back down to ``revision`` (``base``: no table at all)."""
    config = alembic_config(engine)
    with engine.begin() as connection:
        _lock_migrations(connection)
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def current_migration(engine: Engine) -> str | None:
    """The revision the database's schema is at, or None for a database never migrated."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


@cache
def newest_migration() -> str:
    """The newest revision the migrations know (read once: the health check asks often)."""
    return ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()


def known_migrations() -> list[str]:
    """Every revision the migrations know, oldest first."""
    script = ScriptDirectory(str(MIGRATIONS_DIR))
    return [revision.revision for revision in reversed(list(script.walk_revisions()))]
