"""Settings are checked at start-up; a rate-limit store that does not answer never fails a request."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PASSWORD, close_app, csrf_token_of
from tests.http.test_rate_limits import create_recipe, failed_logins, token_for
from tests.unit.test_cli import free_port
from wiki import create_app
from wiki.config import SettingError

LEVAIN = Path(sys.executable).with_name("levain")
ACCEPTED_POLICIES = "accepted values: none, new-accounts, all."


def make_app(tmp_path, **settings):
    return create_app({"INSTANCE_PATH": str(tmp_path / "instance"), "SECRET_KEY": "x", **settings})


@pytest.mark.parametrize(
    ("setting", "value", "named"),
    [
        ("REVIEW_POLICY", "new_accounts", f"LEVAIN_REVIEW_POLICY is 'new_accounts'; {ACCEPTED_POLICIES}"),
        ("SEARCH_BACKEND", "elastic", "LEVAIN_SEARCH_BACKEND is 'elastic'; accepted values: whoosh, post"),
        ("SEARCH_BACKEND", "postgres", "LEVAIN_SEARCH_BACKEND is 'postgres'; accepted values: whoosh"),
        ("DATABASE_URL", "mysql://db/levain", "LEVAIN_DATABASE_URL is 'mysql://db/levain'"),
        ("DATABASE_URL", "not a url", "LEVAIN_DATABASE_URL is 'not a url'"),
        ("RATELIMIT_STORAGE_URI", "redis//localhost", "LEVAIN_RATELIMIT_STORAGE_URI is 'redis//localhost'"),
        ("RATELIMIT_SAVES", "thirty a minute", "LEVAIN_RATELIMIT_SAVES is 'thirty a minute'"),
        ("TRUSTED_PROXIES", -1, "LEVAIN_TRUSTED_PROXIES is -1"),
        ("TRUSTED_PROXIES", "one", "LEVAIN_TRUSTED_PROXIES is 'one'"),
        ("SESSION_COOKIE_SECURE", "yes", "LEVAIN_SESSION_COOKIE_SECURE is 'yes'; accepted values: true"),
    ],
)
def test_an_unknown_value_stops_the_app_naming_the_variable(tmp_path, setting, value, named):
    with pytest.raises(SettingError) as refused:
        make_app(tmp_path, **{setting: value})
    assert named in str(refused.value)


def run_levain(tmp_path, *args: str, **variables: str) -> subprocess.CompletedProcess:
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("LEVAIN_")}
    environment = inherited | {"LEVAIN_INSTANCE_PATH": str(tmp_path / "instance"), **variables}
    return subprocess.run(
        [str(LEVAIN), *args], env=environment, capture_output=True, text=True, timeout=60, cwd=tmp_path
    )


def test_levain_stops_at_a_typo_with_one_line_and_no_traceback(tmp_path):
    result = run_levain(tmp_path, "init", LEVAIN_REVIEW_POLICY="new_accounts")
    assert result.returncode == 1
    assert f"LEVAIN_REVIEW_POLICY is 'new_accounts'; {ACCEPTED_POLICIES}" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "instance" / "levain.db").exists()


def test_a_misspelled_setting_is_warned_about_naming_the_setting_it_resembles(tmp_path):
    result = run_levain(
        tmp_path, "db", "current",
        LEVAIN_REVEIW_POLICY="all", LEVAIN_TRUSTED_PROXY="1", LEVAIN_RATELIMIT_ENABLED="false",
    )
    assert result.returncode == 0
    warning = "LEVAIN_{} is not a setting Levain knows and is ignored: is it LEVAIN_{}?"
    assert warning.format("REVEIW_POLICY", "REVIEW_POLICY") in result.stderr
    assert warning.format("TRUSTED_PROXY", "TRUSTED_PROXIES") in result.stderr
    assert "RATELIMIT_ENABLED" not in result.stderr  # Flask-Limiter's own setting


def test_gunicorn_refuses_to_start_the_app_with_a_typo(tmp_path):
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("LEVAIN_")}
    environment = inherited | {
        "LEVAIN_INSTANCE_PATH": str(tmp_path / "instance"),
        "LEVAIN_SEARCH_BACKEND": "elastic",
        "LEVAIN_SECRET_KEY": "x",
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    result = subprocess.run(
        [str(gunicorn), "--bind", f"127.0.0.1:{free_port()}", "--workers", "1", "wsgi:app"],
        env=environment, capture_output=True, text=True, timeout=60, cwd=Path(__file__).parents[2],
    )
    assert result.returncode != 0
    assert "LEVAIN_SEARCH_BACKEND is 'elastic'; accepted values: whoosh, postgres." in result.stderr


def test_a_generated_secret_key_on_postgresql_is_warned_about(tmp_path, caplog):
    url = "postgresql+psycopg://nobody@127.0.0.1:1/levain"
    with caplog.at_level(logging.WARNING):
        app = create_app({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": url})
    close_app(app)
    assert any("LEVAIN_SECRET_KEY is not set" in r.getMessage() for r in caplog.records)
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        create_app({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": url, "SECRET_KEY": "shared"})
    assert not any("LEVAIN_SECRET_KEY" in r.getMessage() for r in caplog.records)


# --- a rate-limit store that does not answer -------------------------------------------------------


@pytest.fixture
def refused_redis(limited):
    """An app whose rate limits live in a Redis that refuses connections (nothing listens there)."""
    return limited(RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{free_port()}/0")


def test_logins_saves_and_searches_are_served_when_redis_refuses(refused_redis, caplog):
    client = refused_redis.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    headers = token_for(refused_redis, "ada")
    with caplog.at_level(logging.WARNING, logger="flask-limiter"):
        assert failed_logins(client, 3) == [401] * 3
        token = csrf_token_of(client)
        logged_in = client.post("/login", data={"username": "ada", "password": PASSWORD, "csrf_token": token})
        assert logged_in.status_code in (302, 303)
        slug = create_recipe(client, headers)
        edit = {"body": "# Deux\n", "summary": "s", "base_revision": 1}
        assert client.put(f"/api/v1/recipes/{slug}", json=edit, headers=headers).status_code == 200
        assert client.get("/search?q=repair").status_code == 200
        assert client.get("/api/v1/search?q=repair").status_code == 200
    assert any("storage unreachable" in r.getMessage() for r in caplog.records)


def test_limits_still_hold_in_each_process_while_redis_refuses(refused_redis):
    assert failed_logins(refused_redis.test_client(), 11)[-1] == 429
