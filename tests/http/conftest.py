"""Fixtures of the HTTP tests beyond the suite's own (tests/conftest.py)."""

from __future__ import annotations

import pytest

from tests.http.test_rate_limits import limited_app
from wiki.search import stop_index_writer


@pytest.fixture
def limited(db_url, tmp_path):
    """Make apps with rate limits switched on and settings of the test's own: ``limited(**settings)``."""
    made = []

    def make(**settings):
        app = limited_app(db_url, tmp_path / f"limited{len(made)}", **settings)
        made.append(app)
        return app

    yield make
    for app in made:
        stop_index_writer(app)
        app.extensions["levain.engine"].dispose()
