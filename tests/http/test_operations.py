"""What operators rely on: the health check, request ids in answers and logs, hashed static files,
the clients behind trusted proxies, and the Prometheus metrics."""

from __future__ import annotations

import logging
import re

from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import close_app
from tests.http.test_rate_limits import create_recipe, failed_logins

UNREACHABLE_POSTGRES = "postgresql+psycopg://nobody@127.0.0.1:1/levain?connect_timeout=2"


# --- /healthz ----------------------------------------------------------------------------------------


def test_the_health_check_answers_ok_with_the_schema_and_sets_no_cookie(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    answer = response.get_json()
    assert answer["status"] == "ok" and answer["database"] == "ok"
    assert answer["schema"] == answer["schema_head"]
    assert "Set-Cookie" not in response.headers
    assert "no-store" in response.headers["Cache-Control"]


def test_the_health_check_is_never_rate_limited(limited):
    client = limited().test_client()
    assert [client.get("/healthz").status_code for _ in range(30)] == [200] * 30


def test_the_health_check_is_503_when_the_database_does_not_answer(tmp_path, caplog):
    from wiki import create_app

    app = create_app(
        {"TESTING": True, "DATABASE_URL": UNREACHABLE_POSTGRES, "SEARCH_BACKEND": "whoosh",
         "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"}
    )
    with caplog.at_level(logging.ERROR):
        response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "unreachable"}
    assert "Set-Cookie" not in response.headers
    assert any("health check" in record.getMessage() for record in caplog.records)


def test_the_health_check_is_503_on_a_database_never_set_up(tmp_path, caplog):
    from wiki import create_app

    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"})
    try:
        with caplog.at_level(logging.ERROR):
            response = app.test_client().get("/healthz")
    finally:
        close_app(app)
    assert response.status_code == 503
    assert response.get_json()["status"] == "unavailable" and response.get_json()["schema"] is None
    assert any("levain init" in record.getMessage() for record in caplog.records)


# --- request ids --------------------------------------------------------------------------------------


def test_every_answer_carries_a_request_id_of_its_own(client):
    first, second = client.get("/"), client.get("/api/v1/regions")
    assert re.fullmatch(r"[0-9a-f]{32}", first.headers["X-Request-Id"])
    assert first.headers["X-Request-Id"] != second.headers["X-Request-Id"]


def test_a_proxys_request_id_is_kept_and_a_strange_one_replaced(client):
    kept = client.get("/healthz", headers={"X-Request-Id": "nginx-0123456789abcdef"})
    assert kept.headers["X-Request-Id"] == "nginx-0123456789abcdef"
    forged = client.get("/healthz", headers={"X-Request-Id": "x ERROR fake=line"})
    assert re.fullmatch(r"[0-9a-f]{32}", forged.headers["X-Request-Id"])


def test_the_apps_log_lines_carry_the_request_id(app, client, caplog):
    @app.get("/boom")
    def boom():
        raise RuntimeError("kaboom")

    with caplog.at_level(logging.ERROR, logger=app.logger.name):
        response = client.get("/boom", headers={"X-Request-Id": "req-0123456789"})
    assert response.status_code == 500
    assert response.headers["X-Request-Id"] == "req-0123456789"
    [record] = [r for r in caplog.records if "unexpected error" in r.getMessage()]
    assert record.request_id == "req-0123456789"
    from flask.logging import default_handler

    assert "request_id=req-0123456789" in default_handler.formatter.format(record)


# --- static files ------------------------------------------------------------------------------------


def test_pages_name_static_files_by_their_content_and_those_are_kept_a_year(client):
    page = client.get("/").get_data(as_text=True)
    [address] = re.findall(r'href="(/static/css/levain\.css\?v=[0-9a-f]{12})"', page)
    response = client.get(address)
    assert response.status_code == 200
    assert response.cache_control.max_age == 365 * 24 * 3600
    assert response.cache_control.immutable and response.cache_control.public
    stale = client.get("/static/css/levain.css?v=000000000000")
    assert stale.status_code == 200 and not stale.cache_control.immutable
    response.close()
    stale.close()


# --- trusted proxies ---------------------------------------------------------------------------------


def behind_proxy(client, address: str):
    client.environ_base["REMOTE_ADDR"] = "10.0.0.2"  # the proxy
    client.environ_base["HTTP_X_FORWARDED_FOR"] = address
    return client


def test_behind_a_trusted_proxy_each_client_has_its_own_login_budget(limited):
    app = limited(TRUSTED_PROXIES=1)
    statuses = [failed_logins(behind_proxy(app.test_client(), f"192.0.2.{n}"), 1)[0] for n in range(12)]
    assert statuses == [401] * 12
    assert failed_logins(behind_proxy(app.test_client(), "192.0.2.1"), 10)[-1] == 429


def test_without_trusted_proxies_a_forwarded_address_is_ignored(limited):
    app = limited()
    statuses = [failed_logins(behind_proxy(app.test_client(), f"192.0.2.{n}"), 1)[0] for n in range(11)]
    assert statuses[-1] == 429


def test_a_trusted_proxy_tells_the_scheme(limited):
    app = limited(TRUSTED_PROXIES=1)
    seen = {}

    @app.get("/scheme")
    def scheme():
        from flask import request

        seen["scheme"], seen["address"] = request.scheme, request.remote_addr
        return ""

    client = behind_proxy(app.test_client(), "198.51.100.7")
    client.get("/scheme", headers={"X-Forwarded-Proto": "https"})
    assert seen == {"scheme": "https", "address": "198.51.100.7"}


# --- /metrics ----------------------------------------------------------------------------------------


def sample(client, name: str, **labels) -> float:
    """The value of one sample of ``/metrics`` (0 when it is not there yet)."""
    text = client.get("/metrics").get_data(as_text=True)
    for family in text_string_to_metric_families(text):
        for found in family.samples:
            if found.name == name and all(found.labels.get(k) == v for k, v in labels.items()):
                return found.value
    return 0.0


def test_metrics_count_requests_by_route_and_status(client):
    before = sample(client, "levain_http_requests_total", route="/recipes/<slug>", status="404")
    client.get("/recipes/no-such-recipe")
    assert sample(client, "levain_http_requests_total", route="/recipes/<slug>", status="404") == before + 1
    count = sample(client, "levain_http_request_duration_seconds_count", route="/recipes/<slug>")
    assert count >= 1
    response = client.get("/metrics")
    assert response.mimetype == "text/plain" and "Set-Cookie" not in response.headers


def test_metrics_count_saves_merges_conflicts_and_searches(client, api_token):
    headers = {"Authorization": f"Bearer {api_token()}"}
    route = "/api/v1/recipes/<slug>"
    before = {
        "saves": sample(client, "levain_saves_total", kind="edit"),
        "merges": sample(client, "levain_merges_total", kind="edit"),
        "conflicts": sample(client, "levain_conflicts_total", route=route),
        "searches": sample(client, "levain_search_duration_seconds_count"),
    }
    draft = {"title": "Atelier", "body": "Intro\n\nA\n\nB\n", "summary": "new"}
    slug = client.post("/api/v1/recipes", json=draft, headers=headers).get_json()["slug"]

    def edit_of_revision_1(body: str) -> int:
        edit = {"body": body, "summary": "s", "base_revision": 1}
        return client.put(f"/api/v1/recipes/{slug}", json=edit, headers=headers).status_code

    assert edit_of_revision_1("Intro\n\nA changed\n\nB\n") == 200
    assert edit_of_revision_1("Intro\n\nA\n\nB changed\n") == 200  # merged with the head
    assert edit_of_revision_1("Intro\n\nA otherwise\n\nB\n") == 409
    assert client.get("/api/v1/search?q=atelier").status_code == 200
    assert sample(client, "levain_saves_total", kind="edit") == before["saves"] + 2
    assert sample(client, "levain_merges_total", kind="edit") == before["merges"] + 1
    assert sample(client, "levain_conflicts_total", route=route) == before["conflicts"] + 1
    assert sample(client, "levain_search_duration_seconds_count") == before["searches"] + 1


def test_metrics_count_created_recipes_as_saves(client, api_token):
    headers = {"Authorization": f"Bearer {api_token()}"}
    before = sample(client, "levain_saves_total", kind="create")
    create_recipe(client, headers, title="Cartopartie")
    assert sample(client, "levain_saves_total", kind="create") == before + 1


def test_metrics_are_never_rate_limited(limited):
    client = limited().test_client()
    assert {client.get("/metrics").status_code for _ in range(30)} == {200}
