"""Security, tested over the whole app: CSRF and permissions on every unsafe route, headers, cookies,
password hashes, body limits, and cross-site scripting through every place a person can type text.

The unsafe routes are read from ``app.url_map``, so that a route added later is covered without
touching this file. Their URL arguments are filled with things that exist: a recipe with two
revisions, a region, a user, and 1 for any other number or id.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from flask import request
from flask_wtf.csrf import CSRFError
from sqlalchemy import select

from recipes.community import regions
from recipes.community.accounts import find_user
from recipes.exchange.plan import DERIVED_TABLES
from recipes.history import editing
from recipes.models import Base, User
from tests.conftest import csrf_token_of
from tests.xss_payloads import XSS_PAYLOADS
from wiki.markdown import render_markdown

UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
# Where an account is made or a session starts or ends: open to anonymous visitors by design.
# Choosing the interface language only sets a cookie of the visitor's own.
OPEN_TO_ANONYMOUS = {"auth.login", "auth.register", "auth.logout", "pages.language"}
RECIPE, REGION, USER, PASSWORD = "pain-au-levain", "pays-de-brest", "ada", "Levain-2024-secret"


@pytest.fixture
def csrf_failures(app) -> list[str]:
    """The paths whose request the CSRF check refused; registered before any request is made."""
    refused: list[str] = []

    def record(error: CSRFError):
        refused.append(request.path)
        return {"error": {"code": "invalid", "message": "csrf"}}, 400

    app.register_error_handler(CSRFError, record)
    return refused


@pytest.fixture
def world(app, csrf_failures, login, api_token) -> dict[str, str]:
    """A logged-in admin session, an admin's token, a region, a recipe with two revisions."""
    session_csrf = login(USER, role="admin")
    token = api_token("root", role="admin")
    with app.extensions["levain.sessions"]() as session:
        regions.create_region(session, "Pays de Brest")
        author = find_user(session, USER)
        editing.create_recipe(
            session, author=author, title="Pain au levain", body="Farine.\n", render=render_markdown
        )
        editing.save_edit(
            session, RECIPE, author=author, body="Farine, eau.\n", base_revision=1, render=render_markdown
        )
    return {"csrf": session_csrf, "token": token}


def unsafe_routes(app) -> list[tuple[str, str, str]]:
    """(endpoint, method, filled URL) of every rule answering an unsafe method."""
    adapter = app.url_map.bind("localhost")
    routes = []
    for rule in app.url_map.iter_rules():
        for method in sorted(set(UNSAFE_METHODS) & (rule.methods or set())):
            values = {name: _argument_value(rule.rule, name) for name in rule.arguments}
            routes.append((rule.endpoint, method, adapter.build(rule.endpoint, values, method=method)))
    return routes


def _argument_value(rule: str, name: str) -> str:
    """Something that exists for a URL argument, chosen by the path segment before it."""
    segments = rule.split("/")
    position = next(i for i, part in enumerate(segments) if re.search(rf"<(?:[^<>]*:)?{name}>", part))
    before = segments[position - 1] if position else ""
    by_segment = {"regions": REGION, "users": USER, "recipes": RECIPE}
    if before in by_segment:
        return by_segment[before]
    return RECIPE if "slug" in name else "1"


def database_state(app) -> dict[str, list]:
    """Every row of every table (the test database is small): what "nothing changed" compares.

    The derived tables are left out: the index writer brings the search tables up to date (and its
    outbox emptied) whenever it runs, raising the data generation as it writes.
    """
    tables = [t for t in Base.metadata.sorted_tables if t.name not in DERIVED_TABLES]
    with app.extensions["levain.engine"].connect() as connection:
        return {t.name: sorted(map(repr, connection.execute(select(t)))) for t in tables}


# A request that would succeed if it were allowed: the answer then shows the permission decision,
# not a complaint about a missing field.
PLAUSIBLE_FIELDS = {
    "title": "Pain de seigle",
    "body": "Seigle.\n",
    "summary": "essai",
    "tags": "pain",
    "base_revision": 2,
    "revision": 1,
    "region": REGION,
    "name": "Vallée de la Bruche",
    "reason": "essai",
    "comment": "essai",
    "level": "none",
    "user": USER,
    "username": "mallet",
    "password": "Mallet-password-1",
}


def send(client, method: str, url: str, headers: dict | None = None):
    """An unsafe request with plausible fields, as JSON under the API and as a form elsewhere."""
    if url.startswith("/api/"):
        return client.open(url, method=method, headers=headers or {}, json=PLAUSIBLE_FIELDS)
    return client.open(url, method=method, headers=headers or {}, data=PLAUSIBLE_FIELDS)


def test_the_matrix_covers_the_routes_of_the_contract(app):
    endpoints = {(endpoint, method) for endpoint, method, _ in unsafe_routes(app)}
    for expected in [
        ("api_recipes.create_recipe", "POST"),
        ("api_recipes.update_recipe", "PUT"),
        ("api_recipes.revert", "POST"),
        ("api_recipes.preview", "POST"),
        ("auth.login", "POST"),
        ("auth.logout", "POST"),
        ("api_changes.patrol", "POST"),
        ("api_changes.rename", "POST"),
        ("api_changes.delete", "POST"),
        ("api_changes.restore", "POST"),
        ("changes.patrol", "POST"),
        ("changes.rename", "POST"),
        ("changes.delete", "POST"),
        ("changes.restore", "POST"),
        ("watchlist.watch_recipe", "POST"),
        ("watchlist.unwatch_region", "POST"),
    ]:
        assert expected in endpoints


def test_a_session_without_csrf_token_changes_nothing(app, client, world, csrf_failures):
    before = database_state(app)
    for endpoint, method, url in unsafe_routes(app):
        response = send(client, method, url)
        assert response.status_code == 400, (endpoint, method, url, response.status_code)
        assert csrf_failures[-1:] == [url.split("?")[0]], (endpoint, method, url)
        wrong = send(client, method, url, headers={"X-CSRFToken": "not-the-token"})
        assert wrong.status_code == 400, (endpoint, method, url, wrong.status_code)
    assert database_state(app) == before
    # The session was a working admin's all along: with its token, the same client may write.
    allowed = client.post(
        "/api/v1/recipes/pain-au-levain/revert", json={"revision": 1}, headers={"X-CSRFToken": world["csrf"]}
    )
    assert allowed.status_code == 200


def test_a_csrf_failure_is_answered_as_json_under_the_api(client, login):
    login(USER, role="admin")
    response = client.post("/api/v1/recipes", json={"title": "Pain", "body": "x"})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid"


def test_anonymous_visitors_cannot_change_anything(app, world):
    visitor = app.test_client()
    headers = {"X-CSRFToken": csrf_token_of(visitor)}
    before = database_state(app)
    for endpoint, method, url in unsafe_routes(app):
        if endpoint in OPEN_TO_ANONYMOUS:
            continue
        response = send(visitor, method, url, headers=headers)
        location = response.headers.get("Location", "")
        refused = response.status_code == 401 or (response.status_code in (302, 303) and "/login" in location)
        assert refused, (endpoint, method, url, response.status_code, location)
    assert database_state(app) == before


def test_a_bearer_token_needs_no_csrf_token(app, world, csrf_failures):
    client = app.test_client()
    headers = {"Authorization": f"Bearer {world['token']}"}
    for endpoint, method, url in unsafe_routes(app):
        response = send(client, method, url, headers=headers)
        assert csrf_failures == [], (endpoint, method, url)
        assert response.status_code < 500, (endpoint, method, url, response.status_code)


def test_a_body_over_the_limit_is_too_large_everywhere(app, client, world):
    too_large = {"data": {"body": "x" * app.config["MAX_CONTENT_LENGTH"]}}
    for endpoint, method, url in unsafe_routes(app):
        response = client.open(url, method=method, headers={"X-CSRFToken": world["csrf"]}, **too_large)
        assert response.status_code == 413, (endpoint, method, url, response.status_code)
    api = client.post(
        "/api/v1/recipes",
        data=b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1),
        headers={"Authorization": f"Bearer {world['token']}", "Content-Type": "application/json"},
    )
    assert (api.status_code, api.get_json()["error"]["code"]) == (413, "too_large")


def test_an_invalid_bearer_token_is_refused(client):
    for headers in [{"Authorization": "Bearer lvn_not-a-token"}, {"Authorization": "Bearer"}]:
        for response in [
            client.get("/api/v1/recipes", headers=headers),
            client.post("/api/v1/recipes", json={"title": "Pain", "body": "x"}, headers=headers),
        ]:
            assert (response.status_code, response.get_json()["error"]["code"]) == (401, "unauthorized")


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/login",
        "/recipes/pain-au-levain",
        "/no-such-page",
        "/api/v1/recipes",
        "/api/v1/recipes/pain-au-levain",
        "/api/v1/recipes/nope",
    ],
)
def test_pages_and_api_answers_carry_security_headers(client, world, path):
    response = client.get(path)
    policy = response.headers["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert "'self'" in directives["script-src"]
    assert all(source not in policy for source in ("'unsafe-inline'", "'unsafe-eval'"))
    assert directives["frame-ancestors"] == ["'none'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_session_cookie_is_httponly_and_samesite_lax(client, make_user):
    make_user("dora", password=PASSWORD)
    response = client.post(
        "/login", data={"username": "dora", "password": PASSWORD, "csrf_token": csrf_token_of(client)}
    )
    assert response.status_code in (302, 303)
    cookies = response.headers.getlist("Set-Cookie")
    session_cookie = next(cookie for cookie in cookies if cookie.startswith("session="))
    assert "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie


def test_passwords_are_stored_as_scrypt_hashes(app, make_user):
    make_user("dora", password=PASSWORD)
    make_user("eve", role="admin", password=PASSWORD + "!")
    with app.extensions["levain.sessions"]() as session:
        hashes = list(session.scalars(select(User.password_hash)))
    assert len(hashes) == 2 and all(h.startswith("scrypt:") and PASSWORD not in h for h in hashes)


# --- Cross-site scripting ----------------------------------------------------------------

URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "poster",
    "data",
    "srcset",
    "background",
}
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "livescript:", "data:text/html")
STATIC_SCRIPT = re.compile(r'<script src="/static/[\w./-]+(\?v=\w+)?"( (defer|type="module"))*></script>')
# A JSON-LD data block is never run; its JSON escapes every "<", so nothing can close it early.
JSON_LD = re.compile(r'<script type="application/ld\+json">[^<]*</script>')


class DangerScanner(HTMLParser):
    """Collects what must never be in a page: scripts that are not ours, handlers, dangerous URLs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.dangers: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on"):
                self.dangers.append(f"<{tag} {name}=…>")
            compact = re.sub(r"[\x00-\x20]+", "", value or "").lower()
            if name in URL_ATTRIBUTES and compact.startswith(DANGEROUS_SCHEMES):
                self.dangers.append(f"<{tag} {name}={value!r}>")
        if tag in ("iframe", "object", "embed", "base", "frame"):
            self.dangers.append(f"<{tag}>")

    handle_startendtag = handle_starttag


def dangers_in(page: str) -> list[str]:
    scanner = DangerScanner()
    scanner.feed(page)
    scanner.close()
    foreign_scripts = [
        m.group(0)
        for m in re.finditer(r"<script\b[^>]*>(?:.*?</script>)?", page, re.I | re.S)
        if not STATIC_SCRIPT.fullmatch(m.group(0)) and not JSON_LD.fullmatch(m.group(0))
    ]
    return scanner.dangers + foreign_scripts


def test_the_scanner_finds_what_it_must():
    assert dangers_in('<script src="/static/editor.js" defer></script><p>ok</p>') == []
    assert dangers_in('<script type="application/ld+json">{"name": "\\u003c/script\\u003e"}</script>') == []
    for bad in [
        "<script>alert(1)</script>",
        '<a href=" JaVa&#x09;script:x">a</a>',
        "<img src=x onerror=a>",
        '<script src="https://evil.example/x.js"></script>',
        '<script type="application/ld+json">{"name": "</script><script>alert(1)</script>',
        "<iframe src=x></iframe>",
    ]:
        assert dangers_in(bad), bad


def _typed_everywhere(client, auth, payload: str) -> str:
    """Save a payload as title, text, summary and tag of a new recipe; return the recipe's slug."""
    created = client.post(
        "/api/v1/recipes", json={"title": payload, "body": payload, "summary": payload}, headers=auth
    )
    if created.status_code == 400:  # a title needs a letter or a digit: keep the payload in the text
        created = client.post(
            "/api/v1/recipes",
            json={"title": "XSS " + payload, "body": payload, "summary": payload},
            headers=auth,
        )
    assert created.status_code == 201, created.get_json()
    slug = created.get_json()["slug"]
    edit = {"body": payload + "\n\nfin", "summary": payload, "base_revision": 1}
    saved = client.put(f"/api/v1/recipes/{slug}", json={**edit, "tags": [payload]}, headers=auth)
    if saved.status_code == 400:  # most payloads are not valid tags
        saved = client.put(f"/api/v1/recipes/{slug}", json=edit, headers=auth)
    assert saved.status_code == 200, saved.get_json()
    return slug


# Breaking out of the places of a page where typed text lands (beside the Markdown payloads).
BREAKOUT_PAYLOADS = [
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)> '><img src=x onerror=alert(1)>",
    "</script><script>alert(1)</script>",
]


def test_payloads_typed_anywhere_never_run(app, client, api_token, login):
    login("viewer", role="editor")  # to see the editor too; the saves below go through a token
    auth = {"Authorization": f"Bearer {api_token('mallory', role='contributor')}"}
    payloads = XSS_PAYLOADS + BREAKOUT_PAYLOADS
    slugs = [_typed_everywhere(client, auth, payload) for payload in payloads]
    for slug, payload in zip(slugs, payloads, strict=True):
        pages = [
            f"/recipes/{slug}",
            f"/recipes/{slug}/edit",
            f"/recipes/{slug}/history",
            f"/recipes/{slug}/diff?from=1&to=2",
            f"/recipes/{slug}/revisions/1",
        ]
        for path in pages:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            assert dangers_in(response.get_data(as_text=True)) == [], (payload, path)
        for path in [f"/api/v1/recipes/{slug}", f"/api/v1/recipes/{slug}/revisions/1"]:
            response = client.get(path)
            assert response.mimetype == "application/json"
            assert dangers_in(response.get_json()["html"]) == [], (payload, path)
    assert dangers_in(client.get("/").get_data(as_text=True)) == []
