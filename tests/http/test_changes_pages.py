"""The pages of recent changes, patrol, the audit log, renaming, deleting and restoring recipes."""

from __future__ import annotations

import re

import pytest

from recipes.community import accounts
from recipes.history import editing
from tests.conftest import csrf_token_of
from wiki.markdown import render_markdown

TEXT = "Louer une salle.\n"


@pytest.fixture
def recipes(app, make_user):
    """copy-party (two revisions) and repair-cafe, which links to copy-party with a wiki link."""
    make_user("camille", role="editor")
    with app.extensions["levain.sessions"]() as session:
        camille = accounts.find_user(session, "camille")
        for title, body in [("Copy party", TEXT), ("Repair café", "Voir [[Copy party]].\n")]:
            editing.create_recipe(session, author=camille, title=title, body=body, render=render_markdown)
        editing.save_edit(
            session,
            "copy-party",
            author=camille,
            body=TEXT + "Fin.\n",
            base_revision=1,
            render=render_markdown,
            summary="Une <b>fin</b>",
        )
    return "camille"


def page(client, path: str, status: int = 200) -> str:
    """The page at ``path`` in English, checked to answer ``status``."""
    response = client.get(path, headers={"Accept-Language": "en"})
    assert response.status_code == status, (path, response.status_code)
    return response.get_data(as_text=True)


def test_recent_changes_show_each_change_with_its_diff_and_size(client, recipes):
    html = page(client, "/changes")
    assert html.count("data-change=") == 3
    assert 'href="/recipes/copy-party/diff?from=1&amp;to=2"' in html
    assert "Une &lt;b&gt;fin&lt;/b&gt;" in html and "+5" in html
    assert "Mark as patrolled" not in html  # readers do not patrol
    assert 'href="/feeds/changes.atom"' in html


def test_filters_narrow_the_page_and_bad_ones_are_a_400_page(client, recipes):
    assert page(client, "/changes?recipe=repair-cafe").count("data-change=") == 1
    assert page(client, "/changes?type=edit&user=camille").count("data-change=") == 1
    assert page(client, "/changes?unpatrolled=1&region=").count("data-change=") == 3
    for bad in ["type=nope", "user=nobody", "before=x", "unpatrolled=peut-etre"]:
        assert "error-page" in page(client, f"/changes?{bad}", 400)


def test_an_editor_patrols_from_the_page(client, recipes, login):
    csrf = login("pat", role="editor")
    html = page(client, "/changes")
    change_id = re.search(r'action="/changes/(\d+)/patrol"', html).group(1)
    back = "/changes?type=edit"
    done = client.post(f"/changes/{change_id}/patrol", data={"csrf_token": csrf, "next": back})
    assert done.status_code == 303 and done.headers["Location"] == back
    assert page(client, "/changes?unpatrolled=1").count("data-change=") == 2
    again = client.post(f"/changes/{change_id}/patrol", data={"csrf_token": csrf})
    assert again.status_code == 400
    assert client.post(f"/changes/{change_id}/patrol", data={}).status_code == 400  # no CSRF token


def test_the_audit_log_is_for_moderators(client, recipes, login):
    assert client.get("/audit").status_code == 302  # to the login page
    login("mo", role="moderator")
    assert "No moderation action yet." in page(client, "/audit")


def test_an_editor_renames_and_the_old_address_and_wiki_links_follow(client, recipes, login):
    csrf = login("ed", role="editor")
    assert 'value="Copy party"' in page(client, "/recipes/copy-party/rename")
    taken = client.post("/recipes/copy-party/rename", data={"csrf_token": csrf, "title": "Repair café"})
    assert taken.status_code == 400 and "taken" in taken.get_data(as_text=True)
    renamed = client.post(
        "/recipes/copy-party/rename", data={"csrf_token": csrf, "title": "Fête de la copie"}
    )
    assert renamed.status_code == 303 and renamed.headers["Location"] == "/recipes/fete-de-la-copie"
    old = client.get("/recipes/copy-party/history?before=3")
    assert old.status_code == 301 and old.headers["Location"] == "/recipes/fete-de-la-copie/history?before=3"
    linking = page(client, "/recipes/repair-cafe")
    assert "wikilink missing" not in linking and 'href="/recipes/copy-party"' in linking
    followed = client.get("/recipes/copy-party", follow_redirects=True).get_data(as_text=True)
    assert "<h1>Fête de la copie</h1>" in followed


def test_contributors_cannot_rename(client, recipes, login):
    login("lea", role="contributor")
    assert client.get("/recipes/copy-party/rename").status_code == 403
    assert 'href="/recipes/copy-party/rename"' not in page(client, "/recipes/copy-party")


def test_a_moderator_deletes_readers_get_a_404_and_variants_say_so(app, client, recipes, login):
    with app.extensions["levain.sessions"]() as session:
        from recipes.community import regions
        from recipes.lineage import forks

        regions.create_region(session, "Brest")
        forks.fork_recipe(
            session,
            "copy-party",
            author=accounts.find_user(session, "camille"),
            region="brest",
            render=render_markdown,
        )
    csrf = login("mo", role="moderator")
    assert 'href="/recipes/copy-party/delete"' in page(client, "/recipes/copy-party")
    refused = client.post("/recipes/copy-party/delete", data={"csrf_token": csrf, "reason": ""})
    assert refused.status_code == 400
    deleted = client.post("/recipes/copy-party/delete", data={"csrf_token": csrf, "reason": "Doublon"})
    assert deleted.status_code == 303 and deleted.headers["Location"] == "/recipes/copy-party/deleted"
    assert "Restore the recipe" in page(client, "/recipes/copy-party/deleted")
    assert "Doublon" in page(client, "/audit")
    reader = app.test_client()
    assert "was deleted" in page(reader, "/recipes/copy-party", 404)
    assert page(reader, "/recipes/copy-party/deleted", 302)
    assert "Adapted from a deleted recipe" in page(reader, "/recipes/copy-party-brest")
    assert 'href="/recipes/copy-party"' not in page(reader, "/changes")
    assert 'href="/recipes/copy-party/deleted"' in page(client, "/changes")
    restored = client.post("/recipes/copy-party/restore", data={"csrf_token": csrf})
    assert restored.status_code == 303
    assert client.get("/recipes/copy-party/deleted").headers["Location"] == "/recipes/copy-party"
    page(reader, "/recipes/copy-party")


def test_pending_changes_are_listed_for_their_author_only(app, client, recipes, login):
    with app.extensions["levain.sessions"]() as session:
        lea = accounts.create_user(session, "lea", "correct horse battery", role="contributor")
        editing.save_edit(
            session,
            "copy-party",
            author=lea,
            body="SECRET\n",
            base_revision=2,
            render=render_markdown,
            summary="SECRET",
            review_policy="new-accounts",
        )
    reader = app.test_client()
    assert "SECRET" not in page(reader, "/changes")
    token = csrf_token_of(client)
    client.post("/login", data={"username": "lea", "password": "correct horse battery", "csrf_token": token})
    assert "SECRET" in page(client, "/changes")
