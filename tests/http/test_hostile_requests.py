"""Requests an attacker who read the code would send: each gets a clear 4xx, never a 500 or a stall."""

from __future__ import annotations

import pytest

from recipes.validation import MAX_BODY_LENGTH

HOSTILE_BODY = "*_" * (MAX_BODY_LENGTH // 2)


@pytest.fixture
def auth(api_token) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_token('bot')}"}


def test_a_text_too_costly_to_render_is_413_too_large_and_saves_nothing(client, auth):
    created = client.post("/api/v1/recipes", json={"title": "Pain", "body": "Un.\n"}, headers=auth)
    assert created.status_code == 201
    refused = client.put(
        "/api/v1/recipes/pain",
        json={"body": HOSTILE_BODY, "base_revision": 1, "summary": "x"},
        headers=auth,
    )
    assert refused.status_code == 413
    error = refused.get_json()["error"]
    assert error["code"] == "too_large" and "emphasis marks" in error["message"]
    assert client.get("/api/v1/recipes/pain").get_json()["revision"] == 1
    preview = client.post("/api/v1/preview", json={"body": HOSTILE_BODY}, headers=auth)
    assert preview.status_code == 413


def test_previews_are_rate_limited_per_user(limited):
    from tests.http.test_rate_limits import token_for

    app = limited()
    client = app.test_client()
    headers = token_for(app, "typist")
    statuses = [
        client.post("/api/v1/preview", json={"body": "*a*"}, headers=headers).status_code for _ in range(61)
    ]
    assert statuses == [200] * 60 + [429]


def test_a_proposal_does_not_show_anonymous_readers_text_awaiting_review(app, client, make_user):
    from recipes.community import regions
    from recipes.history import editing
    from recipes.lineage import forks, proposals
    from wiki.markdown import render_markdown

    lea, camille = make_user("lea", role="contributor"), make_user("camille", role="editor")
    with app.extensions["levain.sessions"]() as session:
        regions.create_region(session, "Brest")
        editing.create_recipe(
            session, author=camille, title="Copy party", body="Louer.\n", render=render_markdown
        )
        forks.fork_recipe(session, "copy-party", author=lea, region="brest", render=render_markdown)
        editing.save_edit(
            session,
            "copy-party-brest",
            author=lea,
            body="Louer.\n\nSECRET NON RELU\n",
            base_revision=1,
            render=render_markdown,
            review_policy="all",
        )
        number = proposals.create_proposal(session, "copy-party-brest", author=lea, summary="Plus").id
    answer = client.get(f"/api/v1/proposals/{number}")
    assert answer.status_code == 200
    assert "SECRET" not in answer.get_data(as_text=True) and answer.get_json()["diff"]["to"] == 1
    page = client.get(f"/proposals/{number}")
    assert page.status_code == 200 and "SECRET" not in page.get_data(as_text=True)


LONE_SURROGATE = '"\\ud800"'  # valid JSON, not Unicode text


@pytest.fixture
def admin_world(app, client, api_token) -> dict[str, str]:
    """An admin's token, a recipe with two revisions by a contributor, a region, an open proposal."""
    headers = {
        "Authorization": f"Bearer {api_token('root', role='admin')}",
        "Content-Type": "application/json",
    }
    helper = {"Authorization": f"Bearer {api_token('lea', role='contributor')}"}
    assert client.post("/api/v1/regions", json={"name": "Brest"}, headers=headers).status_code == 201
    assert (
        client.post("/api/v1/recipes", json={"title": "Pain", "body": "Un.\n"}, headers=headers).status_code
        == 201
    )
    client.put(
        "/api/v1/recipes/pain", json={"body": "Deux.\n", "base_revision": 1, "summary": "x"}, headers=helper
    )
    return headers


@pytest.mark.parametrize(
    "path, body",
    [
        ("/api/v1/recipes", '{"title": "T", "body": %s}'),
        ("/api/v1/recipes/pain", '{"body": "x", "base_revision": 2, "summary": %s}'),
        ("/api/v1/preview", '{"body": %s}'),
        ("/api/v1/recipes/pain/forks", '{"region": "brest", "title": %s}'),
        ("/api/v1/recipes/pain/protect", '{"level": "editor", "reason": %s}'),
        ("/api/v1/users/lea/block", '{"reason": %s}'),
        ("/api/v1/recipes/pain/rollback", '{"user": %s}'),
        ("/api/v1/recipes", '{"title": "T", "body": "x", "tags": [{"deep": [%s]}]}'),
    ],
)
def test_a_lone_surrogate_or_nul_anywhere_in_json_is_400_invalid(client, admin_world, path, body):
    method = client.put if path == "/api/v1/recipes/pain" else client.post
    for text in (LONE_SURROGATE, '"a\\u0000b"'):
        answer = method(path, data=body % text, headers=admin_world)
        assert answer.status_code == 400, (path, text, answer.get_data(as_text=True)[:200])
        assert answer.get_json()["error"]["code"] == "invalid"


@pytest.mark.parametrize("path", ["/api/v1/recipes/pain/protect", "/api/v1/users/lea/block"])
def test_an_expiry_past_the_year_9999_in_utc_is_400_invalid(client, admin_world, path):
    body = {"level": "editor", "reason": "r", "expires": "9999-12-31T23:59:59-12:00"}
    answer = client.post(path, json=body, headers=admin_world)
    assert answer.status_code == 400 and answer.get_json()["error"]["code"] == "invalid"


@pytest.mark.parametrize(
    "query", ["_anchor=x", "_method=POST", "_scheme=javascript", "_external=1", "a=1&a=2"]
)
def test_a_renamed_recipe_redirects_with_its_query_string_kept_as_it_came(client, admin_world, query):
    renamed = client.post(
        "/api/v1/recipes/pain/rename", json={"title": "Pain de campagne"}, headers=admin_world
    )
    assert renamed.status_code == 200
    answer = client.get(f"/recipes/pain?{query}", headers={"Host": "evil.example"})
    assert answer.status_code == 301
    assert answer.headers["Location"] == f"/recipes/pain-de-campagne?{query}"


def test_a_recipe_titled_new_gets_an_address_it_can_be_read_at(client, admin_world):
    created = client.post("/api/v1/recipes", json={"title": "New", "body": "x\n"}, headers=admin_world)
    assert created.get_json()["slug"] == "new-2"
    assert client.get("/recipes/new-2").status_code == 200
    renamed = client.post("/api/v1/recipes/pain/rename", json={"title": "New"}, headers=admin_world)
    assert renamed.status_code == 400 and "new" in renamed.get_json()["error"]["message"]


@pytest.mark.parametrize("path", ["/api/v1/preview", "/proposals/1/comments"])
def test_a_method_not_allowed_says_which_are(client, path):
    answer = client.get(path)
    assert answer.status_code == 405
    assert answer.headers["Allow"] == "OPTIONS, POST"


def test_region_creation_and_comments_are_rate_limited_per_user(limited):
    from tests.http.test_rate_limits import token_for

    app = limited(RATELIMIT_REGIONS="3 per hour", RATELIMIT_COMMENTS="2 per minute")
    client = app.test_client()
    headers = token_for(app, "flooder")
    regions = [
        client.post("/api/v1/regions", json={"name": f"Région {n}"}, headers=headers).status_code
        for n in range(4)
    ]
    assert regions == [201, 201, 201, 429]
    # Comments on a proposal that does not exist still draw on the budget: refused by count first.
    comments = [
        client.post("/api/v1/proposals/1/comments", json={"body": "spam"}, headers=headers).status_code
        for _ in range(3)
    ]
    assert comments == [404, 404, 429]


def test_a_moderator_deletes_a_region_nothing_uses(client, admin_world, api_token):
    editor = {"Authorization": f"Bearer {api_token('eli', role='editor')}"}
    assert client.post("/api/v1/regions", json={"name": "Spam"}, headers=editor).status_code == 201
    assert client.delete("/api/v1/regions/spam", headers=editor).status_code == 403
    assert client.delete("/api/v1/regions/spam", headers=admin_world).status_code == 204
    assert client.get("/api/v1/regions/spam").status_code == 404
    fork = client.post("/api/v1/recipes/pain/forks", json={"region": "brest"}, headers=admin_world)
    assert fork.status_code == 201
    in_use = client.delete("/api/v1/regions/brest", headers=admin_world)
    assert in_use.status_code == 400 and "in use" in in_use.get_json()["error"]["message"]
