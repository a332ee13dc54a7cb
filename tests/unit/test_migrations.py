"""The schema is made only by the Alembic migrations, and they make exactly the models' schema."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from recipes.database import make_engine
from recipes.models import Base
from recipes.schema import alembic_config, upgrade_database


def test_migrations_produce_exactly_the_models_schema(db_url):
    engine = make_engine(db_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    engine.dispose()


def test_upgrading_twice_is_harmless(db_url):
    engine = make_engine(db_url)
    upgrade_database(engine)
    upgrade_database(engine)
    assert "revisions" in inspect(engine).get_table_names()
    engine.dispose()


def test_the_migrations_form_a_single_line_of_history(db_url):
    from alembic.script import ScriptDirectory

    engine = make_engine(db_url)
    scripts = ScriptDirectory.from_config(alembic_config(engine))
    assert len(scripts.get_heads()) == 1
    engine.dispose()
