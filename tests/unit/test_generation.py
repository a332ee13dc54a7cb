"""The data generation: raised by every committed write, by nothing else, and seen by every process."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, text

from recipes.community import accounts
from recipes.database import make_engine, make_session_factory, write_transaction
from recipes.generation import read_generation
from recipes.history import editing
from recipes.models import Region


@pytest.fixture
def engine(db_url):
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


def test_a_committed_save_raises_the_generation(engine, render):
    before = read_generation(engine)
    with make_session_factory(engine)() as session:
        author = accounts.create_user(session, "camille", "un mot de passe assez long")
        editing.create_recipe(session, author=author, title="Copy party", body="Des prises.", render=render)
        session.commit()
    assert read_generation(engine) > before


def test_reading_and_a_rolled_back_write_leave_it_as_it_was(engine):
    before = read_generation(engine)
    with make_session_factory(engine)() as session:
        session.query(Region).all()
        session.commit()
        session.execute(insert(Region).values(slug="tregor", name="Trégor"))
        session.rollback()
    with engine.connect() as connection:
        connection.execute(insert(Region).values(slug="leon", name="Léon"))
        connection.rollback()
    assert read_generation(engine) == before


def test_a_write_on_a_bare_connection_counts_too(engine):
    before = read_generation(engine)
    with engine.begin() as connection:
        connection.execute(text("UPDATE recipes SET title = title WHERE 1 = 0"))
    assert read_generation(engine) == before + 1


def test_another_process_sees_the_write_when_it_is_committed_and_not_before(engine, db_url):
    elsewhere = make_engine(db_url)  # another server's connections to the same database
    try:
        before = read_generation(elsewhere)
        with make_session_factory(engine)() as session, write_transaction(session):
            session.execute(insert(Region).values(slug="tregor", name="Trégor"))
            assert read_generation(elsewhere) == before, "not before the commit"
        assert read_generation(elsewhere) == before + 1
    finally:
        elsewhere.dispose()
