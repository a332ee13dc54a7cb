"""Moderation over HTTP: the pending flow end to end, review, protection, blocks, rollback, roles.

The app here runs the default review policy (``new-accounts``): contributors' edits wait for review.
"""

from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import PASSWORD, csrf_token_of

SLUG = "pain-au-levain"
FIRST, SECOND = "Farine.\nEau.\n", "Farine.\nEau.\nSel.\n"


@pytest.fixture
def app_settings():
    return {"REVIEW_POLICY": "new-accounts"}


@pytest.fixture
def people(bearer):
    return {
        "contributor": bearer("camille", "contributor"),
        "editor": bearer("eli", "editor"),
        "moderator": bearer("morgane", "moderator"),
        "moderator2": bearer("maxime", "moderator"),
        "admin": bearer("ada", "admin"),
    }


@pytest.fixture
def recipe(client, people):
    created = client.post(
        "/api/v1/recipes", json={"title": "Pain au levain", "body": FIRST}, headers=people["editor"]
    )
    assert created.status_code == 201
    return SLUG


def contributor_edit(client, people, body=SECOND, base=1):
    response = client.put(
        f"/api/v1/recipes/{SLUG}",
        json={"body": body, "summary": "sel", "base_revision": base},
        headers=people["contributor"],
    )
    assert response.status_code == 202, response.get_json()
    return response.get_json()


def error_of(response):
    return response.status_code, response.get_json()["error"]["code"]


def test_pending_flow_end_to_end(client, people, recipe):
    assert contributor_edit(client, people) == {"status": "pending", "revision": 2}
    # Readers keep the approved text, on the page (with the banner) and in the API.
    assert client.get(f"/api/v1/recipes/{SLUG}").get_json()["body"] == FIRST
    page = client.get(f"/recipes/{SLUG}").get_data(as_text=True)
    assert "Sel." not in page and "A newer version awaits review" in page
    # The author sees their own pending text.
    mine = client.get(f"/recipes/{SLUG}", headers=people["contributor"]).get_data(as_text=True)
    assert "Sel." in mine and "awaits review" in mine
    queue = client.get("/api/v1/review", headers=people["moderator"]).get_json()["items"]
    assert [(i["recipe"], i["revision"], i["author"]) for i in queue] == [(SLUG, 2, "camille")]
    approved = client.post(
        f"/api/v1/recipes/{SLUG}/revisions/2/approve",
        json={"published_revision": 1},
        headers=people["moderator"],
    )
    assert approved.status_code == 200 and approved.get_json()["status"] == "approved"
    assert client.get(f"/api/v1/recipes/{SLUG}").get_json()["body"] == SECOND
    assert "Sel." in client.get(f"/recipes/{SLUG}").get_data(as_text=True)
    assert client.get("/api/v1/review", headers=people["moderator"]).get_json()["items"] == []


def test_readers_never_see_pending_or_rejected_text(client, people, recipe):
    contributor_edit(client, people, body="Farine.\nSPAM-SPAM\n")
    for path in [
        f"/api/v1/recipes/{SLUG}/revisions/2",
        f"/api/v1/recipes/{SLUG}/diff?from=1&to=2",
        f"/recipes/{SLUG}/revisions/2",
        f"/recipes/{SLUG}/diff?from=1&to=2",
    ]:
        response = client.get(path)
        assert response.status_code == 404, path
        assert "SPAM" not in response.get_data(as_text=True)
    for path in [
        f"/recipes/{SLUG}",
        f"/recipes/{SLUG}/history",
        f"/api/v1/recipes/{SLUG}/revisions",
        f"/api/v1/recipes/{SLUG}/diff",
        f"/recipes/{SLUG}/diff",
    ]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "SPAM" not in response.get_data(as_text=True), path
    history = client.get(f"/api/v1/recipes/{SLUG}/revisions").get_json()["items"]
    assert [(r["number"], r["status"]) for r in history] == [(2, "pending"), (1, "approved")]
    rejected = client.post(
        f"/api/v1/recipes/{SLUG}/revisions/2/reject",
        json={"reason": "publicité"},
        headers=people["moderator"],
    )
    assert rejected.status_code == 200
    assert client.get(f"/api/v1/recipes/{SLUG}/revisions/2").status_code == 404
    assert client.get(f"/api/v1/recipes/{SLUG}/revisions/2", headers=people["contributor"]).status_code == 200
    # The author is told why, on the recipe and in its history.
    for path in [f"/recipes/{SLUG}", f"/recipes/{SLUG}/history"]:
        assert "publicité" in client.get(path, headers=people["contributor"]).get_data(as_text=True)
        assert "publicité" not in client.get(path).get_data(as_text=True)


def test_a_revision_number_of_another_recipe_never_opens_a_hidden_one(client, people, recipe):
    client.post("/api/v1/recipes", json={"title": "Autre", "body": "a\n"}, headers=people["editor"])
    contributor_edit(client, people, body="Farine.\nSECRET\n")
    assert client.get("/api/v1/recipes/autre/revisions/2").status_code == 404
    assert "SECRET" not in client.get("/api/v1/compare?a=autre&b=pain-au-levain").get_data(as_text=True)


def test_moderators_never_review_their_own_edits(client, people, recipe):
    contributor_edit(client, people)
    own = client.put(
        f"/api/v1/recipes/{SLUG}",
        json={"body": SECOND + "x\n", "base_revision": 2},
        headers=people["moderator"],
    )
    assert own.status_code == 202  # on top of a pending edit, it waits too
    refused = client.post(f"/api/v1/recipes/{SLUG}/revisions/3/approve", headers=people["moderator"])
    assert error_of(refused) == (403, "forbidden")
    assert "You may not approve your own edit" in refused.get_json()["error"]["message"]
    refused = client.post(
        f"/api/v1/recipes/{SLUG}/revisions/3/reject",
        json={"reason": "non"},
        headers={**people["moderator"], "Accept-Language": "fr"},
    )
    assert error_of(refused) == (403, "forbidden")
    assert "Vous ne pouvez pas rejeter votre propre modification" in refused.get_json()["error"]["message"]
    assert (
        client.post(f"/api/v1/recipes/{SLUG}/revisions/3/approve", headers=people["moderator2"]).status_code
        == 200
    )


@pytest.mark.parametrize(
    ("path", "body", "expected"),
    [
        ("revisions/1/approve", None, (400, "invalid")),  # approved already
        ("revisions/9/approve", None, (404, "not_found")),
        ("revisions/abc/approve", None, (400, "invalid")),
        ("revisions/2/reject", {}, (400, "invalid")),  # no reason
        ("revisions/2/reject", {"reason": "   "}, (400, "invalid")),
        ("revisions/2/reject", {"reason": ["x"]}, (400, "invalid")),
        ("revisions/2/approve", {"published_revision": 2}, (409, "edit_conflict")),  # a stale comparison
        ("protect", {"level": "editor", "reason": "r", "expires": "2001-01-01T00:00:00Z"}, (400, "invalid")),
        ("protect", {"level": "owner", "reason": "r"}, (400, "invalid")),
        ("protect", {"level": "editor"}, (400, "invalid")),
        ("rollback", {"user": "morgane"}, (400, "invalid")),  # no edits
        ("rollback", {"user": "nobody"}, (404, "not_found")),
        ("rollback", {}, (400, "invalid")),
    ],
)
def test_bad_moderation_requests_get_clear_answers(client, people, recipe, path, body, expected):
    contributor_edit(client, people)
    response = client.post(f"/api/v1/recipes/{SLUG}/{path}", json=body, headers=people["moderator"])
    assert error_of(response) == expected
    assert response.get_json()["error"]["message"]


def test_a_rejection_that_overlaps_later_edits_is_a_409_and_saves_nothing(client, people, recipe):
    contributor_edit(client, people, body="Farine.\nEau tiède.\n")
    client.put(
        f"/api/v1/recipes/{SLUG}",
        json={"body": "Farine.\nEau froide.\n", "base_revision": 2},
        headers=people["admin"],
    )
    response = client.post(
        f"/api/v1/recipes/{SLUG}/revisions/2/reject", json={"reason": "non"}, headers=people["moderator"]
    )
    assert error_of(response) == (409, "merge_conflict")
    assert response.get_json()["conflicts"]
    assert (
        client.get(f"/api/v1/recipes/{SLUG}/revisions", headers=people["moderator"]).get_json()["items"][0][
            "number"
        ]
        == 3
    )


def test_a_contributors_new_recipe_waits_hidden_until_approved(client, people):
    created = client.post(
        "/api/v1/recipes", json={"title": "Repair café", "body": "Outils.\n"}, headers=people["contributor"]
    )
    assert created.status_code == 202
    assert created.get_json() == {"status": "pending", "revision": 1, "slug": "repair-cafe"}
    assert client.get("/api/v1/recipes/repair-cafe").status_code == 404
    assert client.get("/recipes/repair-cafe").status_code == 404
    assert "repair-cafe" not in client.get("/api/v1/recipes").get_data(as_text=True)
    assert client.get("/api/v1/recipes/repair-cafe", headers=people["contributor"]).status_code == 200
    client.post("/api/v1/recipes/repair-cafe/revisions/1/approve", headers=people["moderator"])
    assert client.get("/api/v1/recipes/repair-cafe").get_json()["body"] == "Outils.\n"


def test_protection_limits_edits_until_it_expires(app, client, people, recipe):
    soon = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    protected = client.post(
        f"/api/v1/recipes/{SLUG}/protect",
        json={"level": "editor", "reason": "vandalisme", "expires": soon},
        headers=people["moderator"],
    )
    assert protected.status_code == 200 and protected.get_json()["level"] == "editor"
    refused = client.put(
        f"/api/v1/recipes/{SLUG}", json={"body": "x", "base_revision": 1}, headers=people["contributor"]
    )
    assert error_of(refused) == (403, "forbidden")
    assert "protected until" in refused.get_json()["error"]["message"]
    assert "vandalisme" in client.get(f"/recipes/{SLUG}").get_data(as_text=True)
    # An hour later the protection no longer applies.
    from recipes.database import begin_write
    from recipes.models import Protection, Recipe

    with app.extensions["levain.sessions"]() as session:
        # Read under the write lock: on SQLite, a read that turns into a write fails at once when the
        # app's index writer thread, applying the requests' outbox, is writing meanwhile.
        begin_write(session)
        recipe_id = session.query(Recipe.id).filter_by(slug=SLUG).scalar()
        session.get(Protection, recipe_id).expires_at = datetime.now(UTC) - timedelta(seconds=1)
        session.commit()
    contributor_edit(client, people)


def test_a_blocked_user_is_told_why_and_until_when(client, people, recipe, login):
    assert error_of(
        client.post("/api/v1/users/morgane/block", json={"reason": "r"}, headers=people["moderator"])
    ) == (
        400,
        "invalid",
    )
    until = (datetime.now(UTC) + timedelta(days=1)).replace(microsecond=0)
    blocked = client.post(
        "/api/v1/users/camille/block",
        json={"reason": "spam", "expires": until.isoformat()},
        headers=people["moderator"],
    )
    assert blocked.status_code == 200 and blocked.get_json()["blocked"] is True
    for method, path, body in [
        ("PUT", f"/api/v1/recipes/{SLUG}", {"body": "x", "base_revision": 1}),
        ("POST", "/api/v1/recipes", {"title": "Spam", "body": "x"}),
        ("POST", f"/api/v1/recipes/{SLUG}/forks", {"region": "x"}),
    ]:
        response = client.open(path, method=method, json=body, headers=people["contributor"])
        assert error_of(response) == (403, "forbidden"), path
        assert f"blocked until {until:%Y-%m-%d %H:%M} UTC: spam" in response.get_json()["error"]["message"]
    unblocked = client.post("/api/v1/users/camille/unblock", headers=people["moderator"])
    assert unblocked.status_code == 200
    contributor_edit(client, people)


def test_a_blocked_user_sees_why_on_the_edit_page(client, people, recipe, login):
    login("bob", role="contributor")
    client.post("/api/v1/users/bob/block", json={"reason": "guerre d'édition"}, headers=people["moderator"])
    # The block ended bob's session; logged in again, bob is told why he may not edit.
    assert client.get(f"/recipes/{SLUG}/edit").status_code == 302
    client.post("/login", data={"username": "bob", "password": PASSWORD, "csrf_token": csrf_token_of(client)})
    page = client.get(f"/recipes/{SLUG}/edit")
    assert page.status_code == 403
    assert "blocked until further notice: guerre d&#39;édition" in page.get_data(as_text=True)


def test_rollback_reverts_a_users_latest_edits_and_everywhere(client, people, recipe):
    client.post("/api/v1/recipes", json={"title": "Café", "body": "Tasses.\n"}, headers=people["editor"])
    contributor_edit(client, people, body="VANDAL\n")
    client.put(
        "/api/v1/recipes/cafe", json={"body": "VANDAL\n", "base_revision": 1}, headers=people["contributor"]
    )
    rolled = client.post(
        f"/api/v1/recipes/{SLUG}/rollback", json={"user": "camille"}, headers=people["moderator"]
    )
    assert rolled.status_code == 200 and rolled.get_json()["revision"] == 3
    everywhere = client.post("/api/v1/users/camille/rollback", headers=people["moderator"])
    assert everywhere.get_json()["rolled_back"] == [{"recipe": "cafe", "revision": 3}]
    for slug, body in [(SLUG, FIRST), ("cafe", "Tasses.\n")]:
        head = client.get(f"/api/v1/recipes/{slug}/revisions/3", headers=people["moderator"]).get_json()
        assert head["body"] == body
    assert client.get("/api/v1/review", headers=people["moderator"]).get_json()["items"] == []


def test_the_review_queue_in_the_browser(client, people, recipe, login):
    contributor_edit(client, people)
    csrf = login("mod", role="moderator")
    queue = client.get("/review").get_data(as_text=True)
    assert "/review/pain-au-levain/2" in queue
    review = client.get("/review/pain-au-levain/2").get_data(as_text=True)
    assert "Sel." in review and "approve-form" in review and "reject-form" in review
    no_reason = client.post(f"/recipes/{SLUG}/revisions/2/reject", data={"csrf_token": csrf, "reason": ""})
    assert no_reason.status_code == 400 and "Give a reason" in no_reason.get_data(as_text=True)
    approved = client.post(
        f"/recipes/{SLUG}/revisions/2/approve", data={"csrf_token": csrf, "published_revision": "1"}
    )
    assert approved.status_code == 303
    assert "Sel." in client.get(f"/recipes/{SLUG}").get_data(as_text=True)


def test_readers_and_contributors_cannot_open_the_review_queue(client, people, login):
    assert client.get("/review").status_code in (302, 303)
    assert error_of(client.get("/api/v1/review")) == (401, "unauthorized")
    assert error_of(client.get("/api/v1/review", headers=people["editor"])) == (403, "forbidden")


def test_the_roles_page_follows_the_policy_and_admins_change_roles(client, people, login):
    from recipes.community.policy import MINIMUM_ROLE

    page = client.get("/roles").get_data(as_text=True)
    assert all(f'data-action="{action}"' in page for action in MINIMUM_ROLE)
    csrf = login("ines", role="admin")
    assert "role-form" in client.get("/roles").get_data(as_text=True)
    changed = client.post("/roles", data={"csrf_token": csrf, "name": "camille", "role": "editor"})
    assert changed.status_code == 303
    page = client.get("/users/camille/moderate").get_data(as_text=True)
    assert "Role: editor" in page
    refused = client.post("/users/ines/role", data={"csrf_token": csrf, "role": "contributor"})
    assert refused.status_code == 400


def test_moderation_forms_in_the_browser(client, people, recipe, login):
    csrf = login("mod", role="moderator")
    page = client.get(f"/recipes/{SLUG}").get_data(as_text=True)
    assert "protect-form" in page and f"/recipes/{SLUG}/rollback?user=" in page
    past = client.post(
        f"/recipes/{SLUG}/protect",
        data={"csrf_token": csrf, "level": "editor", "reason": "r", "expires": "2001-01-01T10:00"},
    )
    assert past.status_code == 400
    ok = client.post(
        f"/recipes/{SLUG}/protect", data={"csrf_token": csrf, "level": "moderator", "reason": "guerre"}
    )
    assert ok.status_code == 303
    assert "Protected" in client.get(f"/recipes/{SLUG}").get_data(as_text=True)
    blocked = client.post("/users/camille/block", data={"csrf_token": csrf, "reason": "spam"})
    assert blocked.status_code == 303
    assert "unblock-form" in client.get("/users/camille/moderate").get_data(as_text=True)
    assert client.post("/users/mod/block", data={"csrf_token": csrf, "reason": "moi"}).status_code == 400


def test_a_refused_protection_or_block_shows_its_form_again_with_the_reason(client, people, recipe, login):
    csrf = login("mod", role="moderator")
    reason = "Guerre d'édition <b>répétée</b>"
    shown_reason = 'value="Guerre d&#39;édition &lt;b&gt;répétée&lt;/b&gt;"'
    past = client.post(
        f"/recipes/{SLUG}/protect",
        data={"csrf_token": csrf, "level": "moderator", "reason": reason, "expires": "2001-01-01T10:00"},
    )
    page = past.get_data(as_text=True)
    assert past.status_code == 400 and 'id="protect-form"' in page and 'role="alert"' in page
    assert shown_reason in page
    assert '<option value="moderator" selected>' in page and 'value="2001-01-01T10:00"' in page
    assert "Protected" not in client.get(f"/recipes/{SLUG}").get_data(as_text=True)
    assert 'id="protect-form"' in client.get(f"/recipes/{SLUG}/protect").get_data(as_text=True)

    own = client.post(
        "/users/mod/block", data={"csrf_token": csrf, "reason": reason, "expires": "2099-01-01T10:00"}
    )
    page = own.get_data(as_text=True)
    assert own.status_code == 400 and 'id="block-form"' in page and 'role="alert"' in page
    assert shown_reason in page and 'value="2099-01-01T10:00"' in page
    assert client.post("/users/nobody/block", data={"csrf_token": csrf, "reason": "r"}).status_code == 404


def test_the_protect_page_is_for_moderators(client, people, recipe, login):
    login("eli2", role="editor")
    assert client.get(f"/recipes/{SLUG}/protect").status_code == 403
    assert client.get("/recipes/nulle-part/protect").status_code == 404
