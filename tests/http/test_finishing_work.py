"""Finishing work people meet first: the moderators' desk, duplicate titles, notices before an edit is
refused, confirmations before reverting or rolling back, and personal API tokens in the account settings.

The app here runs the default review policy (``new-accounts``): contributors' edits wait for review.
"""

import re

import pytest

SLUG = "pain-au-levain"


@pytest.fixture
def app_settings():
    return {"REVIEW_POLICY": "new-accounts"}


@pytest.fixture
def bearer(api_token):
    def make(name: str, role: str) -> dict:
        return {"Authorization": f"Bearer {api_token(name, role)}"}

    return make


@pytest.fixture
def recipe(client, bearer):
    """A recipe by an editor, and a contributor's edit of it awaiting review."""
    editor = bearer("eli", "editor")
    created = client.post(
        "/api/v1/recipes", json={"title": "Pain au levain", "body": "Farine.\n"}, headers=editor
    )
    assert created.status_code == 201
    edited = client.put(
        f"/api/v1/recipes/{SLUG}",
        json={"body": "Farine.\nSel.\n", "summary": "sel", "base_revision": 1},
        headers=bearer("camille", "contributor"),
    )
    assert edited.status_code == 202
    return SLUG


def counts_of(html: str) -> dict[str, int]:
    return {
        work: int(count) for work, count in re.findall(r'data-work="(\w+)">.*?data-count="(\d+)"', html, re.S)
    }


def test_moderators_find_their_work_from_the_menu(client, login, recipe):
    login("morgane", "moderator")
    home = client.get("/").get_data(as_text=True)
    assert 'href="/moderation"' in home
    # Two changes nobody patrolled (the creation, the edit), one edit to review.
    assert re.search(r'href="/moderation"[^>]*>Moderation <span class="count" data-count="3"', home)
    desk = client.get("/moderation")
    assert desk.status_code == 200
    html = desk.get_data(as_text=True)
    assert counts_of(html) == {"pending": 1, "unpatrolled": 2, "proposals": 0}
    assert 'href="/review"' in html and 'href="/audit"' in html
    assert 'href="/changes?unpatrolled=1"' in html


def test_editors_see_what_they_may_act_on_and_readers_no_desk(client, login, recipe):
    assert 'href="/moderation"' not in client.get("/").get_data(as_text=True)
    assert "/login" in client.get("/moderation").headers["Location"]
    login("eli2", "editor")
    html = client.get("/moderation").get_data(as_text=True)
    assert counts_of(html) == {"unpatrolled": 2, "proposals": 0}  # reviewing is for moderators
    assert 'href="/audit"' not in html


def test_a_contributor_has_no_moderation_entry(client, login, recipe):
    login("camille2", "contributor")
    assert 'href="/moderation"' not in client.get("/").get_data(as_text=True)
    assert client.get("/moderation").status_code == 403
