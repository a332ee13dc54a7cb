"""Finishing work people meet first: the moderators' desk, duplicate titles, notices before an edit is
refused, confirmations before reverting or rolling back, and personal API tokens in the account settings.

The app here runs the default review policy (``new-accounts``): contributors' edits wait for review.
"""

import re

import pytest

from tests.conftest import PASSWORD, csrf_token_of

SLUG = "pain-au-levain"


@pytest.fixture
def app_settings():
    return {"REVIEW_POLICY": "new-accounts"}


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


# --- Duplicates and dead ends --------------------------------------------------------------------


def test_a_second_recipe_with_the_same_title_is_offered_the_existing_one(client, login, recipe):
    csrf = login("lea", "editor")
    form = {"title": "Pain au Levain", "body": "Mon texte.", "csrf_token": csrf}
    again = client.post("/recipes/new", data=form)
    assert again.status_code == 409
    html = again.get_data(as_text=True)
    assert f'href="/recipes/{SLUG}"' in html and f'href="/recipes/{SLUG}/fork"' in html
    assert "Mon texte." in html  # nothing typed is lost
    assert client.get(f"/recipes/{SLUG}-2").status_code == 404
    anyway = client.post("/recipes/new", data={**form, "duplicate": "1"})
    assert anyway.status_code == 303 and anyway.headers["Location"].endswith(f"/recipes/{SLUG}-2")


def test_a_blocked_account_is_told_why_before_clicking_edit(client, login, recipe, bearer):
    csrf = login("lea", "editor")
    assert ">Edit</a>" in client.get(f"/recipes/{SLUG}").get_data(as_text=True)
    moderator = bearer("morgane", "moderator")
    assert (
        client.post("/api/v1/users/lea/block", json={"reason": "spam"}, headers=moderator).status_code == 200
    )
    # The block ended the session: lea logs in again and reads the recipe.
    again = {"username": "lea", "password": PASSWORD, "csrf_token": csrf_token_of(client)}
    assert client.post("/login", data=again).status_code in (302, 303)
    html = client.get(f"/recipes/{SLUG}").get_data(as_text=True)
    assert ">Edit</a>" not in html
    assert re.search(
        r'id="edit-refusal">You cannot edit this recipe\. Your account is blocked[^<]*spam', html
    )
    assert csrf


def test_a_protected_recipe_says_so_to_those_below_its_level(client, login, recipe, bearer):
    moderator = bearer("morgane", "moderator")
    protected = client.post(
        f"/api/v1/recipes/{SLUG}/protect",
        json={"level": "moderator", "reason": "guerre d'édition"},
        headers=moderator,
    )
    assert protected.status_code == 200
    login("lea", "editor")
    html = client.get(f"/recipes/{SLUG}").get_data(as_text=True)
    assert 'id="edit-refusal"' in html and ">Edit</a>" not in html


def test_a_variant_says_it_is_behind_and_counts_its_proposals(client, login, bearer, recipe):
    editor = bearer("eli3", "editor")
    assert client.post("/api/v1/regions", json={"name": "Trégor"}, headers=editor).status_code == 201
    fork = client.post(f"/api/v1/recipes/{SLUG}/forks", json={"region": "tregor"}, headers=editor)
    assert fork.status_code == 201
    variant = fork.get_json()["slug"]
    page = client.get(f"/recipes/{variant}").get_data(as_text=True)
    assert 'id="behind-upstream"' not in page
    moderator = bearer("morgane", "moderator")
    assert client.post(f"/api/v1/recipes/{SLUG}/revisions/2/approve", headers=moderator).status_code == 200
    page = client.get(f"/recipes/{variant}").get_data(as_text=True)  # a reader's page, kept or not
    assert re.search(r'id="behind-upstream">\s*Pain au levain changed once', page)
    assert f'href="/compare?a={SLUG}&amp;b={variant}"' in page
    edited = client.put(
        f"/api/v1/recipes/{variant}",
        json={"body": "Farine du Trégor.\n", "summary": "local", "base_revision": 1},
        headers=editor,
    )
    assert edited.status_code == 200
    proposed = client.post(f"/api/v1/recipes/{variant}/proposals", json={"summary": "farine"}, headers=editor)
    assert proposed.status_code == 201
    for slug in (variant, SLUG):
        html = client.get(f"/recipes/{slug}").get_data(as_text=True)
        assert re.search(r'Proposals <span class="count" data-count="1"', html), slug


def test_the_lineage_page_links_each_relative_to_a_comparison(client, bearer, recipe):
    editor = bearer("eli3", "editor")
    client.post("/api/v1/regions", json={"name": "Trégor"}, headers=editor)
    variant = client.post(
        f"/api/v1/recipes/{SLUG}/forks", json={"region": "tregor"}, headers=editor
    ).get_json()
    html = client.get(f"/recipes/{SLUG}/lineage").get_data(as_text=True)
    assert f'href="/compare?a={SLUG}&amp;b={variant["slug"]}"' in html


# --- Personal API tokens in the account settings ------------------------------------------------


def test_a_person_makes_names_lists_and_revokes_a_token(client, login):
    csrf = login("lea", "editor")
    assert 'href="/account/tokens"' in client.get("/").get_data(as_text=True)
    made = client.post("/account/tokens", data={"name": "script d'import", "csrf_token": csrf})
    assert made.status_code == 200 and made.headers["Cache-Control"] == "no-store"
    token = re.search(r'id="new-token"[^>]*value="(lvn_[\w-]+)"', made.get_data(as_text=True)).group(1)
    listed = client.get("/account/tokens").get_data(as_text=True)
    assert token not in listed  # shown once
    assert "script d&#39;import" in listed
    token_id = re.search(r'data-token="(\d+)"', listed).group(1)

    api = client.application.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    created = api.post("/api/v1/recipes", json={"title": "Troc", "body": "Des graines."}, headers=headers)
    assert created.status_code == 201

    revoked = client.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": csrf})
    assert revoked.status_code == 303
    assert 'data-token="' not in client.get("/account/tokens").get_data(as_text=True)
    refused = api.post("/api/v1/recipes", json={"title": "Troc 2", "body": "x"}, headers=headers)
    assert refused.status_code == 401


def test_tokens_are_each_ones_own(client, login, api_token):
    api_token("autre", "editor")
    csrf = login("lea", "editor")
    assert 'data-token="' not in client.get("/account/tokens").get_data(as_text=True)
    assert client.post("/account/tokens/1/revoke", data={"csrf_token": csrf}).status_code == 404
    assert client.post("/account/tokens/abc/revoke", data={"csrf_token": csrf}).status_code == 400
    too_long = client.post("/account/tokens", data={"name": "x" * 101, "csrf_token": csrf})
    assert too_long.status_code == 400 and "at most 100 characters" in too_long.get_data(as_text=True)


def test_readers_are_asked_to_log_in_for_tokens(client):
    assert "/login" in client.get("/account/tokens").headers["Location"]
