"""Several processes saving at once lose no index update: afterwards `levain search check` is clean."""

from __future__ import annotations

import subprocess
import sys

import pytest

from recipes.search import check_index, make_request, search_recipes

# One app server process (a gunicorn worker): it creates recipes and edits each once, through the API.
WORKER = """
import sys
from wiki import create_app
from wiki.search import stop_index_writer

db_url, instance, token, name, count = sys.argv[1:]
app = create_app({"DATABASE_URL": db_url, "INSTANCE_PATH": instance, "SECRET_KEY": "test-secret",
                  "REVIEW_POLICY": "none", "RATELIMIT_ENABLED": False})
client = app.test_client()
headers = {"Authorization": "Bearer " + token}
for number in range(int(count)):
    draft = {"title": f"{name} {number}", "body": f"Brouillon {name} {number}.", "tags": [name]}
    created = client.post("/api/v1/recipes", headers=headers, json=draft)
    assert created.status_code == 201, created.get_data(as_text=True)
    slug = created.get_json()["slug"]
    edit = {"body": f"Version revue {name} {number}.", "base_revision": 1, "summary": "revue"}
    edited = client.put(f"/api/v1/recipes/{slug}", headers=headers, json=edit)
    assert edited.status_code == 200, edited.get_data(as_text=True)
stop_index_writer(app)
app.extensions["levain.engine"].dispose()
"""
SAVES_PER_PROCESS = 12


@pytest.mark.slow
def test_two_processes_saving_at_once_keep_the_index_consistent(app, api_token, db_url):
    token = api_token("bot", role="editor")
    workers = [
        subprocess.Popen(
            [sys.executable, "-W", "error", "-c", WORKER, db_url, app.config["INSTANCE_PATH"], token, name,
             str(SAVES_PER_PROCESS)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for name in ("nord", "sud")
    ]
    for worker in workers:
        _out, errors = worker.communicate(timeout=180)
        assert worker.returncode == 0, errors
    index = app.extensions["levain.search"]
    with app.extensions["levain.sessions"]() as session:
        report = check_index(session, index)
        assert report.clean, report.lines()
        assert report.waiting == 0
        found = search_recipes(session, index, make_request("version revue", per_page=50))
        assert found.total == 2 * SAVES_PER_PROCESS
        assert search_recipes(session, index, make_request("brouillon")).total == 0
