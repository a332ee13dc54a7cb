"""Rate limits: on logins, registrations, saves (web and API, one budget per user) and searches.

Each app has its own limiter, so these tests make apps of their own with limits switched on; the
shared ``app`` fixture has them off. Redis storage is tested when a server answers on 127.0.0.1:6379.
"""

from __future__ import annotations

import uuid

import pytest

from recipes.community import accounts
from tests.conftest import PASSWORD, close_app, csrf_token_of

REDIS_URI = "redis://127.0.0.1:6379/0"
LOW_SAVES_LIMIT = "3 per minute"


def limited_app(db_url, folder, **settings):
    from wiki import create_app

    return create_app(
        {
            "TESTING": True,
            "DATABASE_URL": db_url,
            "INSTANCE_PATH": str(folder),
            "SECRET_KEY": "limits",
            "REVIEW_POLICY": "none",
            "RATELIMIT_ENABLED": True,
            **settings,
        }
    )


@pytest.fixture
def apps():
    made = []

    def make(db_url, folder, **settings):
        app = limited_app(db_url, folder, **settings)
        made.append(app)
        return app

    yield make
    for app in made:
        close_app(app)


def token_for(app, name: str) -> dict[str, str]:
    with app.extensions["levain.sessions"]() as session:
        accounts.create_user(session, name, PASSWORD, role="editor")
        return {"Authorization": f"Bearer {accounts.issue_token(session, name)}"}


def create_recipe(client, headers, title="Repair café") -> str:
    response = client.post("/api/v1/recipes", json={"title": title, "body": "# Un\n"}, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["slug"]


def api_saves(client, headers, slug: str, count: int) -> list[int]:
    statuses = []
    for number in range(count):
        head = client.get(f"/api/v1/recipes/{slug}").get_json()["head_revision"]
        body = {"body": f"# Un\n\nVersion {number}\n", "base_revision": head}
        statuses.append(client.put(f"/api/v1/recipes/{slug}", json=body, headers=headers).status_code)
    return statuses


def failed_logins(client, count: int) -> list[int]:
    data = {"username": "nobody", "password": "wrong", "csrf_token": csrf_token_of(client)}
    return [client.post("/login", data=data).status_code for _ in range(count)]


def test_an_api_save_over_budget_is_429_rate_limited_in_json(apps, db_url, tmp_path):
    app = apps(db_url, tmp_path / "a", RATELIMIT_SAVES=LOW_SAVES_LIMIT)
    client = app.test_client()
    headers = token_for(app, "bot")
    slug = create_recipe(client, headers)  # the first of the three saves
    assert api_saves(client, headers, slug, 3) == [200, 200, 429]
    response = client.put(f"/api/v1/recipes/{slug}", json={"body": "x", "base_revision": 3}, headers=headers)
    assert response.status_code == 429
    assert response.get_json()["error"]["code"] == "rate_limited"
    assert response.get_json()["error"]["message"]
    assert int(response.headers["Retry-After"]) > 0
    assert client.get(f"/api/v1/recipes/{slug}").get_json()["head_revision"] == 3


def test_web_and_api_saves_draw_on_one_budget_per_user(apps, db_url, tmp_path):
    app = apps(db_url, tmp_path / "a", RATELIMIT_SAVES=LOW_SAVES_LIMIT)
    client = app.test_client()
    headers = token_for(app, "alice")
    slug = create_recipe(client, headers)
    assert api_saves(client, headers, slug, 2) == [200, 200]
    credentials = {"username": "alice", "password": PASSWORD, "csrf_token": csrf_token_of(client)}
    client.post("/login", data=credentials)
    form = {"body": "# Deux\n", "base_revision": "3", "summary": "", "csrf_token": csrf_token_of(client, "/")}
    response = client.post(f"/recipes/{slug}/edit", data=form)
    assert response.status_code == 429
    assert "text/html" in response.content_type
    assert "<html" in response.get_data(as_text=True)
    # Someone else, writing from the same address, still has a budget of their own.
    other = token_for(app, "bob")
    assert api_saves(client, other, slug, 1) == [200]


def test_page_views_are_never_limited(apps, db_url, tmp_path):
    app = apps(db_url, tmp_path / "a", RATELIMIT_SAVES="1 per minute")
    client = app.test_client()
    slug = create_recipe(client, token_for(app, "bot"))
    for _ in range(5):
        response = client.get(f"/recipes/{slug}")
        assert response.status_code == 200
        assert "X-RateLimit-Limit" not in response.headers


def test_logins_are_limited_with_an_error_page(apps, db_url, tmp_path):
    client = apps(db_url, tmp_path / "a").test_client()
    statuses = failed_logins(client, 11)
    assert statuses == [401] * 10 + [429]
    page = client.post("/login", data={"username": "x", "password": "y"})
    assert page.status_code == 429
    assert "<html" in page.get_data(as_text=True)


def test_searches_carry_their_limit(apps, db_url, tmp_path):
    app = apps(db_url, tmp_path / "a")
    client = app.test_client()
    create_recipe(client, token_for(app, "bot"), title="Pain au levain")
    response = client.get("/api/v1/search?q=pain")
    assert response.status_code == 200
    assert response.headers["X-RateLimit-Limit"] == "120"
    assert response.headers["X-RateLimit-Remaining"] == "119"


def test_apps_in_one_process_share_no_limits_and_no_configuration(apps, db_url, tmp_path):
    unlimited = apps(db_url, tmp_path / "off", RATELIMIT_ENABLED=False)
    tight = apps(db_url, tmp_path / "tight", RATELIMIT_SAVES="1 per minute")
    # Made after an app with limits off, this app still limits: settings do not leak between apps.
    default = apps(db_url, tmp_path / "default")
    assert failed_logins(default.test_client(), 11)[-1] == 429
    assert failed_logins(unlimited.test_client(), 12) == [401] * 12
    client = tight.test_client()
    headers = token_for(tight, "bot")
    create_recipe(client, headers)
    refused = client.post("/api/v1/recipes", json={"title": "Autre", "body": "x"}, headers=headers)
    assert refused.status_code == 429
    # The default app's own budget for saves (30 a minute) is untouched by the tight one's.
    assert default.test_client().post(
        "/api/v1/recipes", json={"title": "Troisième", "body": "x"}, headers=token_for(default, "carol")
    ).status_code == 201


def redis_available() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URI, socket_timeout=0.5).ping())
    except Exception:  # noqa: BLE001 - no module, no server: skip
        return False


@pytest.mark.skipif(not redis_available(), reason="no Redis server on 127.0.0.1:6379")
def test_redis_storage_shares_budgets_between_processes(apps, db_url, tmp_path):
    # Two apps on one Redis stand for two server processes; a fresh prefix keeps runs apart.
    settings = {"RATELIMIT_STORAGE_URI": REDIS_URI, "RATELIMIT_KEY_PREFIX": uuid.uuid4().hex}
    first = apps(db_url, tmp_path / "one", **settings)
    second = apps(db_url, tmp_path / "two", **settings)
    assert failed_logins(first.test_client(), 6) == [401] * 6
    assert failed_logins(second.test_client(), 5) == [401] * 4 + [429]
