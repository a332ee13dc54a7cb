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


# --- One click does not destroy: reverting and rolling back are confirmed first ----------------


def revision_count(client) -> int:
    return len(client.get(f"/api/v1/recipes/{SLUG}/revisions").get_json()["items"])


def test_reverting_shows_what_will_change_before_doing_it(client, login, recipe):
    csrf = login("morgane", "moderator")
    history = client.get(f"/recipes/{SLUG}/history").get_data(as_text=True)
    assert f'href="/recipes/{SLUG}/revert?revision=1"' in history
    confirm = client.get(f"/recipes/{SLUG}/revert?revision=1")
    assert confirm.status_code == 200
    html = confirm.get_data(as_text=True)
    assert "<del>Sel.</del>" in html or "Sel." in re.search(r"diff-row--removed.*?</tr>", html, re.S).group(0)
    assert 'name="revision" value="1"' in html and 'id="confirm-form"' in html
    assert revision_count(client) == 2  # looking changed nothing
    done = client.post(f"/recipes/{SLUG}/revert", data={"revision": "1", "csrf_token": csrf})
    assert done.status_code == 303 and revision_count(client) == 3


@pytest.mark.parametrize(("revision", "status"), [("abc", 400), ("0", 400), ("9", 404)])
def test_a_bad_revision_to_go_back_to_is_refused(client, login, recipe, revision, status):
    login("morgane", "moderator")
    assert client.get(f"/recipes/{SLUG}/revert?revision={revision}").status_code == status


def test_readers_cannot_open_the_revert_confirmation(client, recipe):
    assert "/login" in client.get(f"/recipes/{SLUG}/revert?revision=1").headers["Location"]


def test_rolling_back_a_recipe_is_confirmed_first(client, login, recipe):
    csrf = login("morgane", "moderator")
    page = client.get(f"/recipes/{SLUG}").get_data(as_text=True)
    assert f'href="/recipes/{SLUG}/rollback?user=camille"' in page
    html = client.get(f"/recipes/{SLUG}/rollback?user=camille").get_data(as_text=True)
    assert "1 revision of Pain au levain by camille will be undone" in html
    assert "back to revision 1" in html and 'name="user" value="camille"' in html
    assert revision_count(client) == 2
    done = client.post(f"/recipes/{SLUG}/rollback", data={"user": "camille", "csrf_token": csrf})
    assert done.status_code == 303 and revision_count(client) == 3
    assert client.get(f"/recipes/{SLUG}/rollback?user=camille").status_code == 400  # nothing left


def test_rolling_back_everywhere_lists_the_recipes_first(client, login, recipe, bearer):
    csrf = login("morgane", "moderator")
    user_page = client.get("/users/camille/moderate").get_data(as_text=True)
    assert 'href="/users/camille/rollback"' in user_page
    html = client.get("/users/camille/rollback").get_data(as_text=True)
    assert re.findall(r'data-recipe="([\w-]+)"', html) == [SLUG]
    assert revision_count(client) == 2
    done = client.post("/users/camille/rollback", data={"csrf_token": csrf})
    assert done.status_code == 303 and revision_count(client) == 3
    assert 'data-recipe="' not in client.get("/users/camille/rollback").get_data(as_text=True)


def test_only_moderators_see_rollback_confirmations(client, login, recipe):
    login("eli2", "editor")
    assert client.get(f"/recipes/{SLUG}/rollback?user=camille").status_code == 403
    assert client.get("/users/camille/rollback").status_code == 403
