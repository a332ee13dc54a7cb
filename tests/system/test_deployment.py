"""The wiki deployed as deploy/ describes it: nginx's site, gunicorn's configuration, and two
application servers sharing one PostgreSQL database and one Redis."""

from __future__ import annotations

import http.client
import json
import re
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import IN_CI, POSTGRES_SERVER_URL, new_postgres_database
from tests.http.test_rate_limits import REDIS_URI, redis_available
from tests.system.conftest import REPO_ROOT, Server, Site, _ready_site, call

DEPLOY = REPO_ROOT / "deploy"
GUNICORN_CONFIG = ("--config", str(DEPLOY / "gunicorn.conf.py"))
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


# --- nginx ------------------------------------------------------------------------------------------


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    certificate, key = folder / "fullchain.pem", folder / "privkey.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=wiki.example.org", "-keyout", str(key), "-out", str(certificate)],
        check=True, capture_output=True,
    )
    return certificate, key


@pytest.mark.skipif(NGINX is None and not IN_CI, reason="nginx is not installed")
def test_the_nginx_site_passes_nginx_t(tmp_path):
    """The site as shipped, with this machine's certificate and log paths, is accepted by ``nginx -t``."""
    certificate, key = self_signed_certificate(tmp_path)
    site = (DEPLOY / "nginx-levain.conf").read_text()
    site = site.replace("/etc/letsencrypt/live/wiki.example.org/fullchain.pem", str(certificate))
    site = site.replace("/etc/letsencrypt/live/wiki.example.org/privkey.pem", str(key))
    site = site.replace("/var/log/nginx/", f"{tmp_path}/")
    (tmp_path / "levain.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n    include /etc/nginx/mime.types;\n    include {tmp_path}/levain.conf;\n}}\n"
    )
    checked = subprocess.run(
        [NGINX, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stderr
    assert "test is successful" in checked.stderr


# --- two application servers -----------------------------------------------------------------------


def request(port: int, method: str, path: str, *, token: str | None = None, body: dict | None = None):
    """One HTTP request; the status, the headers and the answer (JSON when it is JSON)."""
    headers = {"Content-Type": "application/json"} | ({"Authorization": f"Bearer {token}"} if token else {})
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
        response = connection.getresponse()
        raw = response.read().decode()
        is_json = response.getheader("Content-Type", "").startswith("application/json")
        answer = json.loads(raw) if is_json else raw
        return response.status, response.headers, answer
    finally:
        connection.close()


def metric(port: int, name: str, **labels) -> float:
    text = request(port, "GET", "/metrics")[2]
    return sum(
        found.value
        for family in text_string_to_metric_families(text)
        for found in family.samples
        if found.name == name and all(found.labels.get(k) == v for k, v in labels.items())
    )


@pytest.fixture
def shared_site(tmp_path):
    """A PostgreSQL site, ready, for servers that share it."""
    if not POSTGRES_SERVER_URL:
        pytest.skip("needs LEVAIN_TEST_POSTGRES_URL")
    if not redis_available():
        if IN_CI:
            pytest.fail("Redis does not answer on 127.0.0.1:6379")
        pytest.skip("no Redis server on 127.0.0.1:6379")
    instance = tmp_path / "instance"
    instance.mkdir()
    with new_postgres_database("levain_pair") as url:
        yield from _ready_site(Site(instance, url))


@pytest.fixture
def two_servers(shared_site, tmp_path):
    """Two gunicorns as deploy/gunicorn.conf.py runs them, on one database and one Redis, limits on."""
    settings = {
        "LEVAIN_RATELIMIT_ENABLED": "true",
        "LEVAIN_RATELIMIT_STORAGE_URI": REDIS_URI,
        "LEVAIN_RATELIMIT_KEY_PREFIX": f"levain-test-{uuid.uuid4().hex}",
        "LEVAIN_RATELIMIT_SAVES": "3 per minute",
    }
    servers = [
        Server(shared_site, tmp_path / f"{name}.log", workers=2, options=GUNICORN_CONFIG, settings=settings)
        for name in ("a", "b")
    ]
    try:
        for server in servers:
            server.start()
        yield servers
    finally:
        for server in servers:
            server.stop()


@pytest.mark.slow
def test_a_save_on_one_server_is_seen_searched_and_counted_on_the_other(shared_site, two_servers):
    a, b = two_servers
    [token] = shared_site.add_editors(1)
    draft = {"title": "Grainothèque partagée", "body": "Des graines de courge échangées.\n", "summary": "new"}
    status, _headers, created = request(a.port, "POST", "/api/v1/recipes", token=token, body=draft)
    assert status == 201, created
    slug = created["slug"]

    status, _headers, seen = request(b.port, "GET", f"/api/v1/recipes/{slug}")
    assert status == 200 and seen["body"] == draft["body"]
    status, _headers, found = request(b.port, "GET", "/api/v1/search?q=courges")
    assert status == 200 and [hit["slug"] for hit in found["hits"]] == [slug]

    # One saves budget for both servers (3 per minute): the creation on a, an edit on b, one on a ...
    edit = {"body": "Des graines de courge et de tomate.\n", "summary": "s", "base_revision": 1}
    assert request(b.port, "PUT", f"/api/v1/recipes/{slug}", token=token, body=edit)[0] == 200
    edit |= {"body": "Des graines de tomate.\n", "base_revision": 2}
    assert request(a.port, "PUT", f"/api/v1/recipes/{slug}", token=token, body=edit)[0] == 200
    edit |= {"body": "Des graines.\n", "base_revision": 3}
    status, _headers, refused = request(b.port, "PUT", f"/api/v1/recipes/{slug}", token=token, body=edit)
    assert status == 429 and refused["error"]["code"] == "rate_limited"

    # Each server's /metrics adds up what all of its workers counted.
    assert metric(a.port, "levain_saves_total", kind="create") == 1
    assert metric(a.port, "levain_saves_total", kind="edit") == 1
    assert metric(b.port, "levain_saves_total", kind="edit") == 1
    assert metric(b.port, "levain_http_requests_total", route="/api/v1/recipes/<slug>", status="429") == 1


@pytest.mark.slow
def test_the_access_log_has_one_line_per_request_with_its_request_id(shared_site, two_servers):
    server = two_servers[0]
    ids = [request(server.port, "GET", "/healthz")[1]["X-Request-Id"] for _ in range(3)]
    assert len(set(ids)) == 3
    server.stop()  # flushes the log
    log = server.log_text()
    for request_id in ids:
        [line] = [line for line in log.splitlines() if f"request_id={request_id}" in line]
        assert re.search(r'"GET /healthz HTTP/1\.1" 200 ', line), line
    assert call(two_servers[1].port, "GET", "/healthz")[0] == 200


@pytest.mark.slow
def test_gunicorn_starts_its_metrics_afresh(shared_site, tmp_path):
    """Counts a previous run left in the metrics folder are not added to this run's."""
    folder = tmp_path / "metrics"
    server = Server(shared_site, tmp_path / "gunicorn.log", workers=2, options=GUNICORN_CONFIG,
                    settings={"PROMETHEUS_MULTIPROC_DIR": str(folder)})
    folder.mkdir()
    (folder / "counter_12345.db").write_bytes(b"left over from an earlier run")
    server.start()
    try:
        assert metric(server.port, "levain_http_requests_total") >= 1
        assert not (folder / "counter_12345.db").exists()
    finally:
        server.stop()
