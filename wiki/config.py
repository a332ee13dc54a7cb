"""Configuration: defaults, ``LEVAIN_*`` environment variables, then a test's own settings.

``from_prefixed_env("LEVAIN")`` turns ``LEVAIN_DATABASE_URL`` into ``DATABASE_URL`` and parses values
as JSON where it can (``LEVAIN_SESSION_COOKIE_SECURE=true`` is a boolean).

Settings are checked once loaded, so that a typo stops ``levain`` and the app at start-up with a
``SettingError`` naming the variable and what it accepts, rather than failing later, request by request.
A variable whose name is a typo of a setting's (``LEVAIN_REVEIW_POLICY``) would be ignored without a
word, the default taking its place: it is warned about, naming the setting it resembles.
"""

from __future__ import annotations

import difflib
import os
import secrets
from pathlib import Path

from flask import Flask
from flask_limiter.constants import ConfigVars
from limits import parse_many
from limits.storage import SCHEMES as RATELIMIT_STORAGE_SCHEMES
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from recipes.community.policy import REVIEW_POLICIES
from recipes.licences.rules import DEFAULT_OFFERED, LICENCES, parse_offered
from recipes.search.service import BACKENDS as SEARCH_BACKENDS

DATABASE_BACKENDS = ("sqlite", "postgresql")
# Levain's settings that no default names (the budgets are the config_key of wiki.security's limits);
# with the defaults, Flask's and Flask-Limiter's, the names a LEVAIN_ variable may carry without being
# taken for a typo.
SETTINGS_WITHOUT_DEFAULT = (
    "INSTANCE_PATH", "SECRET_KEY", "RATELIMIT_SAVES", "RATELIMIT_PREVIEWS", "RATELIMIT_REGIONS",
    "RATELIMIT_COMMENTS",
)
LIMITER_SETTINGS = frozenset(value for name, value in vars(ConfigVars).items() if name.isupper())
PREFIX = "LEVAIN_"
# A rate-limit store that does not answer must not hold requests up: it is given up on quickly.
REDIS_TIMEOUTS = {"socket_connect_timeout": 1.0, "socket_timeout": 1.0}


class DefaultConfig:
    DATABASE_URL = None  # sqlite:///<instance>/levain.db unless set
    SEARCH_BACKEND = None  # whoosh, or postgres when the database is PostgreSQL
    REVIEW_POLICY = "new-accounts"
    LICENCES = ",".join(DEFAULT_OFFERED)  # offered for new recipes, the first the default; read as a tuple
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # An unreachable store: each process counts in memory meanwhile, and the limiter says so in the log.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    TRUSTED_PROXIES = 0  # how many reverse proxies in front set X-Forwarded-For and X-Forwarded-Proto
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
    # The map's background tiles ({z}/{x}/{y} template) and the credit they must carry; an empty
    # MAP_TILES shows the events' points without a background (an intranet without tiles).
    MAP_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    MAP_ATTRIBUTION = (
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
    )


def instance_path(test_config: dict | None) -> Path:
    """The instance folder: a test's, ``LEVAIN_INSTANCE_PATH``, or ``./instance``."""
    chosen = (test_config or {}).get("INSTANCE_PATH") or os.environ.get("LEVAIN_INSTANCE_PATH") or "instance"
    path = Path(chosen).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def load(app: Flask, test_config: dict | None) -> None:
    """Fill ``app.config`` from the defaults, the environment and the test configuration."""
    app.config.from_object(DefaultConfig)
    known = {*app.config, *SETTINGS_WITHOUT_DEFAULT, *LIMITER_SETTINGS}
    for variable, setting in misspelled_settings(os.environ, known):
        app.logger.warning("%s is not a setting Levain knows and is ignored: is it %s?", variable, setting)
    app.config.from_prefixed_env(PREFIX.rstrip("_"))
    if test_config:
        app.config.update(test_config)
    instance = Path(app.instance_path)
    app.config["INSTANCE_PATH"] = str(instance)
    if not app.config.get("DATABASE_URL"):
        app.config["DATABASE_URL"] = f"sqlite:///{instance / 'levain.db'}"
    if not app.config.get("SEARCH_BACKEND"):
        is_postgres = _database_backend(app.config["DATABASE_URL"]) == "postgresql"
        app.config["SEARCH_BACKEND"] = "postgres" if is_postgres else "whoosh"
    check(app.config)
    if _is_redis(app.config["RATELIMIT_STORAGE_URI"]):
        chosen = app.config.get("RATELIMIT_STORAGE_OPTIONS", {})
        app.config["RATELIMIT_STORAGE_OPTIONS"] = REDIS_TIMEOUTS | chosen
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret_key(instance)
        if _database_backend(app.config["DATABASE_URL"]) == "postgresql":
            app.logger.warning(
                "LEVAIN_SECRET_KEY is not set: this server signs sessions with the key of its own instance "
                "folder, so a visitor logged in on one server is logged out on another. Give every "
                "server the same LEVAIN_SECRET_KEY."
            )


def misspelled_settings(environment: dict[str, str], known: set[str]) -> list[tuple[str, str]]:
    """``(variable, setting)`` for each ``LEVAIN_`` variable that names no setting but is close to the
    name of one of Levain's (a typo); other unknown names (a setting of Flask's extensions) pass."""
    settings = sorted(name for name in {*vars(DefaultConfig), *SETTINGS_WITHOUT_DEFAULT} if name.isupper())
    found = []
    for variable in sorted(name for name in environment if name.startswith(PREFIX)):
        key = variable.removeprefix(PREFIX)
        close = difflib.get_close_matches(key, settings, n=1, cutoff=0.8)
        if key not in known and close:
            found.append((variable, PREFIX + close[0]))
    return found


class SettingError(ValueError):
    """A setting whose value Levain cannot use; the message names the variable and what it accepts."""

    def __init__(self, key: str, value: object, accepted: str):
        super().__init__(f"LEVAIN_{key} is {value!r}; accepted values: {accepted}.")


def check(config: dict) -> None:
    """Refuse, with a SettingError, any setting whose value Levain does not know."""
    _check_choice(config, "REVIEW_POLICY", REVIEW_POLICIES)
    _check_choice(config, "SEARCH_BACKEND", SEARCH_BACKENDS)
    backend = _database_backend(config["DATABASE_URL"])
    if backend not in DATABASE_BACKENDS:
        raise SettingError("DATABASE_URL", config["DATABASE_URL"], "sqlite:///PATH or postgresql+psycopg://...")
    if config["SEARCH_BACKEND"] == "postgres" and backend != "postgresql":
        raise SettingError("SEARCH_BACKEND", "postgres", "whoosh (postgres needs a PostgreSQL database)")
    scheme = str(config["RATELIMIT_STORAGE_URI"]).partition("://")[0]
    if scheme not in RATELIMIT_STORAGE_SCHEMES:
        accepted = ", ".join(f"{name}://..." for name in ("memory", "redis", "rediss", "memcached"))
        raise SettingError("RATELIMIT_STORAGE_URI", config["RATELIMIT_STORAGE_URI"], accepted)
    _check_rate_limit(config, "RATELIMIT_SAVES")
    try:
        config["LICENCES"] = parse_offered(config["LICENCES"])
    except ValueError:
        accepted = "comma-separated SPDX identifiers among " + ", ".join(LICENCES)
        raise SettingError("LICENCES", config["LICENCES"], accepted) from None
    proxies = config["TRUSTED_PROXIES"]
    if isinstance(proxies, bool) or not isinstance(proxies, int) or proxies < 0:
        raise SettingError("TRUSTED_PROXIES", proxies, "0, 1, 2 … (how many proxies are in front)")
    for key, default in vars(DefaultConfig).items():
        if isinstance(default, bool) and not isinstance(config[key], bool):
            raise SettingError(key, config[key], "true, false")


def _check_choice(config: dict, key: str, choices: tuple[str, ...]) -> None:
    if config[key] not in choices:
        raise SettingError(key, config[key], ", ".join(choices))


def _check_rate_limit(config: dict, key: str) -> None:
    if key not in config:
        return
    try:
        parse_many(str(config[key]))
    except ValueError:
        raise SettingError(key, config[key], "a rate such as '30 per minute' or '100/hour'") from None


def _database_backend(url: str) -> str | None:
    try:
        return make_url(url).get_backend_name()
    except ArgumentError:
        return None


def _is_redis(uri: str) -> bool:
    return uri.partition("://")[0].split("+")[0] in ("redis", "rediss", "valkey", "valkeys")


def _instance_secret_key(instance: Path) -> str:
    """Read the instance's secret key, generating it once (readable by its owner only)."""
    key_file = instance / "secret_key"
    if not key_file.exists():
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return key_file.read_text().strip()
