"""Fixtures of the HTTP tests beyond the suite's own (tests/conftest.py)."""

from __future__ import annotations

import pytest

from tests.conftest import close_app
from tests.http.test_rate_limits import limited_app


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
        close_app(app)


@pytest.fixture
def bearer(api_token):
    """``bearer("camille", "contributor")``: make the account, return headers with its token."""

    def make(name: str, role: str) -> dict:
        return {"Authorization": f"Bearer {api_token(name, role)}"}

    return make
