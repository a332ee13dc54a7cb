"""The JSON API of recent changes, patrol, the audit log, renaming and deleting: every route, bad input."""

from __future__ import annotations

import pytest

from tests.conftest import csrf_token_of

TEXT = "Louer une salle.\n"


@pytest.fixture
def tokens(api_token) -> dict[str, dict[str, str]]:
    return {
        role: {"Authorization": f"Bearer {api_token(name, role)}"}
        for name, role in [("lea", "contributor"), ("camille", "editor"), ("mo", "moderator")]
    }


@pytest.fixture
def recipe(client, tokens):
    created = client.post(
        "/api/v1/recipes", json={"title": "Copy party", "body": TEXT}, headers=tokens["editor"]
    )
    assert created.status_code == 201
    saved = client.put(
        "/api/v1/recipes/copy-party",
        json={"body": TEXT + "Fin.\n", "base_revision": 1, "summary": "Une fin"},
        headers=tokens["contributor"],
    )
    assert saved.status_code == 200
    return "copy-party"


def assert_error(response, status: int, code: str) -> None:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.get_json()["error"]["code"] == code


def test_changes_are_listed_newest_first_with_the_contract_fields(client, recipe):
    answer = client.get("/api/v1/changes").get_json()
    first = answer["items"][0]
    assert set(first) >= {"id", "type", "recipe", "revision", "user", "summary", "at", "patrolled"}
    assert [(i["type"], i["revision"], i["user"]) for i in answer["items"]] == [
        ("edit", 2, "lea"),
        ("create", 1, "camille"),
    ]
    assert first["summary"] == "Une fin" and first["patrolled"] is False and first["size_delta"] == 5
    assert first["at"].endswith("+00:00") and answer["next"] is None


def test_changes_are_paged_by_cursor(client, recipe):
    page = client.get("/api/v1/changes?limit=1").get_json()
    following = client.get(f"/api/v1/changes?limit=1&before={page['next']}").get_json()
    assert [i["revision"] for i in page["items"] + following["items"]] == [2, 1]
    assert following["next"] is None


@pytest.mark.parametrize(
    "query, expected",
    [("type=create", [1]), ("user=lea", [2]), ("recipe=copy-party", [2, 1]), ("unpatrolled=1", [2, 1])],
)
def test_changes_are_filtered(client, recipe, query, expected):
    answer = client.get(f"/api/v1/changes?{query}").get_json()
    assert [i["revision"] for i in answer["items"]] == expected


@pytest.mark.parametrize(
    "query",
    [
        "type=vandalism",
        "user=nobody",
        "recipe=nope",
        "region=nulle-part",
        "unpatrolled=maybe",
        "before=abc",
        "before=-1",
        "limit=0",
        "before=" + "9" * 5000,
        "user=" + "x" * 300,
        "recipe=%00",
    ],
)
def test_bad_filters_and_cursors_are_refused(client, recipe, query):
    assert_error(client.get(f"/api/v1/changes?{query}"), 400, "invalid")


def test_editors_patrol_a_change_once(client, recipe, tokens):
    change_id = client.get("/api/v1/changes?type=edit").get_json()["items"][0]["id"]
    anonymous = {"X-CSRFToken": csrf_token_of(client)}
    assert_error(client.post(f"/api/v1/changes/{change_id}/patrol", headers=anonymous), 401, "unauthorized")
    assert_error(
        client.post(f"/api/v1/changes/{change_id}/patrol", headers=tokens["contributor"]), 403, "forbidden"
    )
    done = client.post(f"/api/v1/changes/{change_id}/patrol", headers=tokens["editor"])
    assert done.status_code == 200 and done.get_json() == {"id": change_id, "patrolled": True}
    assert_error(client.post(f"/api/v1/changes/{change_id}/patrol", headers=tokens["editor"]), 400, "invalid")
    assert_error(client.post("/api/v1/changes/999/patrol", headers=tokens["editor"]), 404, "not_found")
    assert_error(client.post("/api/v1/changes/abc/patrol", headers=tokens["editor"]), 400, "invalid")
    unpatrolled = client.get("/api/v1/changes?unpatrolled=true").get_json()["items"]
    assert [i["type"] for i in unpatrolled] == ["create"]


def test_rename_redirects_the_old_address_and_refuses_a_taken_one(client, recipe, tokens):
    client.post("/api/v1/recipes", json={"title": "Repair café", "body": TEXT}, headers=tokens["editor"])
    taken = client.post(
        "/api/v1/recipes/copy-party/rename", json={"title": "Repair café"}, headers=tokens["editor"]
    )
    assert_error(taken, 400, "invalid")
    assert_error(
        client.post(
            "/api/v1/recipes/copy-party/rename", json={"title": "Fête"}, headers=tokens["contributor"]
        ),
        403,
        "forbidden",
    )
    assert_error(
        client.post("/api/v1/recipes/copy-party/rename", json={}, headers=tokens["editor"]), 400, "invalid"
    )
    renamed = client.post(
        "/api/v1/recipes/copy-party/rename",
        json={"title": "Fête de la copie", "slug": "fete"},
        headers=tokens["editor"],
    )
    assert renamed.status_code == 200 and renamed.get_json()["slug"] == "fete"
    moved = client.get("/api/v1/recipes/copy-party/revisions?limit=1")
    assert moved.status_code == 308 and moved.headers["Location"].endswith(
        "/api/v1/recipes/fete/revisions?limit=1"
    )
    followed = client.get("/api/v1/recipes/copy-party", follow_redirects=True).get_json()
    assert (followed["slug"], followed["title"], followed["revision"]) == ("fete", "Fête de la copie", 3)
    saved = client.put(
        "/api/v1/recipes/copy-party", json={"body": "Autre.\n", "base_revision": 3}, headers=tokens["editor"]
    )
    assert saved.status_code == 308  # a client that follows it keeps its method and body
    change = client.get("/api/v1/changes?type=rename").get_json()["items"][0]
    assert (change["recipe"], change["user"]) == ("fete", "camille")


def test_a_moderator_deletes_and_restores_and_readers_see_nothing_meanwhile(client, recipe, tokens):
    mod = tokens["moderator"]
    assert_error(
        client.post("/api/v1/recipes/copy-party/delete", json={"reason": "x"}, headers=tokens["editor"]),
        403,
        "forbidden",
    )
    assert_error(client.post("/api/v1/recipes/copy-party/delete", json={}, headers=mod), 400, "invalid")
    deleted = client.post("/api/v1/recipes/copy-party/delete", json={"reason": "Doublon"}, headers=mod)
    assert deleted.status_code == 200
    assert_error(
        client.post("/api/v1/recipes/copy-party/delete", json={"reason": "Encore"}, headers=mod),
        400,
        "invalid",
    )
    assert_error(client.get("/api/v1/recipes/copy-party"), 404, "not_found")
    assert client.get("/api/v1/recipes").get_json()["items"] == []
    assert client.get("/api/v1/changes").get_json()["items"] == []
    assert [i["type"] for i in client.get("/api/v1/changes", headers=mod).get_json()["items"]][:1] == [
        "delete"
    ]
    audit = client.get("/api/v1/audit", headers=mod).get_json()["items"]
    assert [(e["action"], e["actor"], e["reason"]) for e in audit] == [("delete", "mo", "Doublon")]
    assert_error(client.get("/api/v1/audit", headers=tokens["editor"]), 403, "forbidden")
    restored = client.post("/api/v1/recipes/copy-party/restore", headers=mod)
    assert restored.status_code == 200 and client.get("/api/v1/recipes/copy-party").status_code == 200
    assert_error(client.post("/api/v1/recipes/copy-party/restore", headers=mod), 400, "invalid")
