"""Configuration: defaults, ``LEVAIN_*`` environment variables, then a test's own settings.

``from_prefixed_env("LEVAIN")`` turns ``LEVAIN_DATABASE_URL`` into ``DATABASE_URL`` and parses values
as JSON where it can (``LEVAIN_SESSION_COOKIE_SECURE=true`` is a boolean).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask
from sqlalchemy.engine import make_url


class DefaultConfig:
    DATABASE_URL = None  # sqlite:///<instance>/levain.db unless set
    SEARCH_BACKEND = None  # whoosh, or postgres when the database is PostgreSQL
    REVIEW_POLICY = "new-accounts"
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # set LEVAIN_SESSION_COOKIE_SECURE=true behind HTTPS
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    WTF_CSRF_CHECK_DEFAULT = False  # checked in wiki.security, which exempts bearer-token requests
    WTF_CSRF_TIME_LIMIT = None  # a long edit must not lose its token
    DIFF_TIMEOUT = 1.0
    BABEL_DEFAULT_LOCALE = "fr"


def instance_path(test_config: dict | None) -> Path:
    """The instance folder: a test's, ``LEVAIN_INSTANCE_PATH``, or ``./instance``."""
    chosen = (test_config or {}).get("INSTANCE_PATH") or os.environ.get("LEVAIN_INSTANCE_PATH") or "instance"
    path = Path(chosen).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def load(app: Flask, test_config: dict | None) -> None:
    """Fill ``app.config`` from the defaults, the environment and the test configuration."""
    app.config.from_object(DefaultConfig)
    app.config.from_prefixed_env("LEVAIN")
    if test_config:
        app.config.update(test_config)
    instance = Path(app.instance_path)
    app.config["INSTANCE_PATH"] = str(instance)
    if not app.config.get("DATABASE_URL"):
        app.config["DATABASE_URL"] = f"sqlite:///{instance / 'levain.db'}"
    if not app.config.get("SEARCH_BACKEND"):
        is_postgres = make_url(app.config["DATABASE_URL"]).get_backend_name() == "postgresql"
        app.config["SEARCH_BACKEND"] = "postgres" if is_postgres else "whoosh"
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret_key(instance)


def _instance_secret_key(instance: Path) -> str:
    """Read the instance's secret key, generating it once (readable by its owner only)."""
    key_file = instance / "secret_key"
    if not key_file.exists():
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return key_file.read_text().strip()
