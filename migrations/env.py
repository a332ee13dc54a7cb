"""Alembic environment: runs migrations on the connection Levain hands over, or on a URL."""

from alembic import context
from sqlalchemy import create_engine

import recipes.exchange.mediawiki.models  # noqa: F401 - the MediaWiki import's tables too
import recipes.search.models  # noqa: F401 - the search tables belong to the metadata compared
from recipes.models import Base, UTCDateTime

config = context.config
target_metadata = Base.metadata


def render_item(type_, obj, autogen_context):
    """Write Levain's UTC timestamps as plain timezone-aware DateTime columns in migrations."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run_migrations(connection)
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        run_migrations(connection)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Levain's migrations run online only: use `levain init`.")
run_online()
