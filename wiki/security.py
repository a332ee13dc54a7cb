"""Protections every response gets: CSRF checks on unsafe methods, security headers, rate limits, and
texts in JSON bodies that no database stores (NUL, lone surrogates) refused as 400 ``invalid``.

The Content-Security-Policy allows no inline script: every script is a file under /static.

Rate limits: a view declares its budget with ``@limiter.limit("10 per minute", methods=["POST"])``
(``limiter`` only records the declaration on the view function); each app gets a Flask-Limiter of
its own in ``init_app``, with its own configuration and storage (``RATELIMIT_STORAGE_URI``,
``RATELIMIT_ENABLED``), which applies the declarations of the view a request reaches, so that two
apps in one process share nothing. A declaration may name a ``budget`` shared by several views
(every save, over the web and the API, draws on the ``saves`` budget) and a ``config_key`` whose
setting replaces its default. A request over budget gets 429 ``rate_limited`` (JSON under /api, a
page elsewhere; see ``wiki.errors``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, request, session
from flask_limiter import Limit, Limiter
from flask_limiter.util import get_remote_address
from flask_login import current_user
from flask_wtf.csrf import CSRFProtect

from recipes.errors import Invalid, Unauthorized

from .auth import bearer_token, current_domain_user

csrf = CSRFProtect()

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' https: data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
LIMITER_EXTENSION = "levain.limiter"
SAVES_LIMIT = "30 per minute"
SAVE_METHODS = ("POST", "PUT")
# The editor asks for a preview after a pause in typing; each one renders a whole text.
PREVIEWS_LIMIT = "60 per minute"
# Regions and comments are public at once, with no review: a budget keeps one account from flooding them.
REGIONS_LIMIT = "10 per hour"
COMMENTS_LIMIT = "20 per minute"
# A page read by a visitor not logged in carries no CSRF token, so that it sets no session cookie and a
# cache may keep it (``layout_wants_token``).
# Its language switch is checked instead by the Origin (or Referer) that browsers send with a form,
# which a page of another site cannot make its own; with a token, the token is checked as anywhere.
TOKENLESS_ENDPOINTS = frozenset({"pages.language"})
# Pages a visitor not logged in comes to in order to send a form: their layout carries the token too.
FORM_PAGES_FOR_VISITORS = frozenset({"auth.login", "auth.register"})


@dataclass(frozen=True)
class RateLimit:
    """A view's budget: ``default`` (a Flask-Limiter string) requests per ``key`` for ``methods``."""

    default: str
    methods: frozenset[str] | None
    key: Callable[[], str]
    budget: str | None  # a budget shared by several views; None: the view's own
    config_key: str | None  # the setting that replaces ``default``, if any

    def value(self) -> str:
        return current_app.config.get(self.config_key, self.default) if self.config_key else self.default


class RateLimitDeclarations:
    """Where views declare their rate limits, at import time, for every app to apply."""

    def limit(
        self,
        value: str,
        *,
        methods: list[str] | tuple[str, ...] | None = None,
        key_func: Callable[[], str] = get_remote_address,
        budget: str | None = None,
        config_key: str | None = None,
    ) -> Callable:
        """Decorate a view (under its route decorator) with a rate limit."""
        declared = RateLimit(
            value, frozenset(m.upper() for m in methods) if methods else None, key_func, budget, config_key
        )

        def declare(view: Callable) -> Callable:
            view.rate_limit = declared
            return view

        return declare


limiter = RateLimitDeclarations()


def writer_key() -> str:
    """Saves are counted per user: the people at one event often share one address."""
    user = current_domain_user()
    return f"user:{user.id}" if user is not None else f"address:{get_remote_address()}"


# Every view that saves a revision or a proposal, over the web or the API, draws on this budget.
limit_saves = limiter.limit(
    SAVES_LIMIT, methods=SAVE_METHODS, key_func=writer_key, budget="saves", config_key="RATELIMIT_SAVES"
)


limit_region_creation = limiter.limit(
    REGIONS_LIMIT, key_func=writer_key, budget="regions", config_key="RATELIMIT_REGIONS"
)
limit_comments = limiter.limit(
    COMMENTS_LIMIT, key_func=writer_key, budget="comments", config_key="RATELIMIT_COMMENTS"
)


def _declared() -> RateLimit | None:
    """The rate limit of the view this request reaches, if it has one and the method is limited."""
    view = current_app.view_functions.get(request.endpoint or "")
    declared = getattr(view, "rate_limit", None)
    if declared is None or (declared.methods is not None and request.method not in declared.methods):
        return None
    return declared


def init_rate_limits(app: Flask) -> None:
    """Give the app a limiter of its own that applies the views' declared limits."""
    declared_limit = Limit(
        lambda: _declared().value(),
        key_function=lambda: _declared().key(),
        scope=lambda endpoint: _declared().budget or endpoint,
        shared=True,
    )
    app_limiter = Limiter(key_func=get_remote_address, default_limits=[declared_limit])
    # Requests to views without a limit (most page views) skip the limiter's work altogether.
    app_limiter.request_filter(lambda: _declared() is None)
    app_limiter.init_app(app)
    app.extensions[LIMITER_EXTENSION] = app_limiter


def layout_wants_token() -> bool:
    """Whether the layout (its ``csrf-token`` meta tag and language switch) carries a CSRF token.

    A reader's page does not: making one would make a session, whose cookie keeps every page a visitor
    not logged in reads (home, tags, history, search …) out of shared caches; its language switch is
    checked by its origin instead. A logged-in visitor's pages do (the editor's scripts send it), and so
    do the login and registration pages and the pages of a visitor whose session already holds one.
    """
    return (
        current_user.is_authenticated
        or request.endpoint in FORM_PAGES_FOR_VISITORS
        or current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token") in session
    )


def init_app(app: Flask) -> None:
    csrf.init_app(app)
    app.add_template_global(layout_wants_token)
    init_rate_limits(app)
    app.before_request(_check_csrf)
    app.before_request(_refuse_unstorable_json_texts)
    app.after_request(_add_security_headers)


def _check_csrf() -> None:
    """Every unsafe request needs a CSRF token, unless it authenticates with a bearer token or is a
    language switch sent by a page of this site without one.

    An unsafe API request with no credentials at all is told so (401) rather than about a form's
    token, which a script has no use for.
    """
    if request.method not in UNSAFE_METHODS or bearer_token() is not None:
        return
    if request.endpoint in TOKENLESS_ENDPOINTS and not request.form.get("csrf_token") and _from_this_site():
        return
    if request.path.startswith("/api/") and not current_user.is_authenticated:
        raise Unauthorized("Log in, or send 'Authorization: Bearer <token>', to change anything.")
    csrf.protect()


def _from_this_site() -> bool:
    """Whether the browser says the request comes from a page of this site (``Origin``, else ``Referer``)."""
    sender = request.headers.get("Origin") or request.headers.get("Referer")
    if not sender:
        return False
    parts = urlsplit(sender)
    return f"{parts.scheme}://{parts.netloc}" == request.host_url.rstrip("/")


# Bodies the API reads as forms (a picture's upload), not as JSON.
FORMS = frozenset({"multipart/form-data", "application/x-www-form-urlencoded"})
# "\ud800" is valid JSON but not Unicode text: neither SQLite's driver nor PostgreSQL can store it.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _refuse_unstorable_json_texts() -> None:
    """Refuse a JSON body to the API holding a text no database stores, wherever it is in the body."""
    api_body = request.method in UNSAFE_METHODS and request.path.startswith("/api/")
    if not api_body or request.mimetype in FORMS:
        return
    try:
        data = json.loads(request.get_data(cache=True))  # as the API reads it, whatever its Content-Type
    except (ValueError, RecursionError):
        return  # the view answers malformed JSON in its own words
    for text in _texts_in(data):
        if "\x00" in text:
            raise Invalid("A text may not contain the NUL character (U+0000).")
        if _LONE_SURROGATE.search(text):
            raise Invalid("A text may not contain a lone surrogate (such as \\ud800): it is not Unicode.")


def _texts_in(data: object):
    """Every string of a parsed JSON document, keys included, without recursion (it may nest deeply)."""
    pending = [data]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)


def _add_security_headers(response: Response) -> Response:
    # A view may have set one of them its own way: that one is left. Every answer comes here: one pass
    # over its headers, rather than setdefault's three for each name.
    present = {name.lower() for name in response.headers.keys()}
    for name, value in SECURITY_HEADERS.items():
        if name.lower() not in present:
            response.headers.add(name, value)
    return response
