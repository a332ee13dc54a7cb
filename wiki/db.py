"""The database for the web layer: one engine per app, one session per request (or CLI command)."""

from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy.orm import Session

from recipes.database import make_engine, make_session_factory
from recipes.generation import GenerationReader


def init_app(app: Flask) -> None:
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["levain.engine"] = engine
    app.extensions["levain.sessions"] = make_session_factory(engine)
    app.extensions["levain.generation"] = GenerationReader(engine)
    app.teardown_appcontext(close_session)


def get_session() -> Session:
    """The session of the current request, opened on first use."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["levain.sessions"]()
    return g.db_session


def close_session(_exception: BaseException | None = None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def migrate(app: Flask) -> None:
    """Create or upgrade the schema of the app's database."""
    # Imported here: Alembic (some 10 MB) is for commands, never for serving a page.
    from recipes.schema import upgrade_database

    upgrade_database(app.extensions["levain.engine"], default_licence=app.config["LICENCES"][0])
