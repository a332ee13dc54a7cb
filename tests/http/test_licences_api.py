"""Licences through the API: at creation, on a fork, on syncs, proposals and relicensing."""

from __future__ import annotations

import pytest

from tests.http.test_api_forks import TEXT, assert_error, edit


@pytest.fixture
def moderator(api_token) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_token('morgane', 'moderator')}"}


@pytest.fixture
def editor(api_token) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_token('camille', 'editor')}"}


@pytest.fixture
def brest(client, editor):
    assert client.post("/api/v1/regions", json={"name": "Brest"}, headers=editor).status_code == 201


def create(client, headers, title="Copy party", **more):
    response = client.post("/api/v1/recipes", json={"title": title, "body": TEXT, **more}, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def fork(client, headers, slug="copy-party", **more):
    return client.post(f"/api/v1/recipes/{slug}/forks", json={"region": "brest", **more}, headers=headers)


def test_a_new_recipe_has_the_instance_default_licence_or_the_one_chosen(client, editor):
    assert create(client, editor)["licence"] == "CC-BY-SA-4.0"
    assert create(client, editor, title="Repair café", licence="CC0-1.0")["licence"] == "CC0-1.0"
    listed = client.get("/api/v1/recipes").get_json()["items"]
    assert {item["slug"]: item["licence"] for item in listed} == {
        "copy-party": "CC-BY-SA-4.0",
        "repair-cafe": "CC0-1.0",
    }


def test_a_licence_the_instance_does_not_offer_is_invalid(client, editor):
    for wrong in ("CC-BY-ND-4.0", "GPL-3.0", 4, ["CC0-1.0"]):
        response = client.post(
            "/api/v1/recipes", json={"title": "X", "body": TEXT, "licence": wrong}, headers=editor
        )
        assert_error(response, 400, "invalid")


@pytest.mark.parametrize("app_settings", [{"LICENCES": "CC-BY-4.0,CC-BY-NC-ND-4.0"}])
def test_the_instance_chooses_the_licences_it_offers(client, editor):
    assert create(client, editor)["licence"] == "CC-BY-4.0"
    assert create(client, editor, title="B", licence="CC-BY-NC-ND-4.0")["licence"] == "CC-BY-NC-ND-4.0"
    response = client.post(
        "/api/v1/recipes", json={"title": "C", "body": TEXT, "licence": "CC-BY-SA-4.0"}, headers=editor
    )
    assert_error(response, 400, "invalid")


def test_authors_and_attribution_chain(client, editor, moderator, brest):
    create(client, editor, licence="CC-BY-4.0")
    edit(client, moderator, "copy-party", "Louer", "Réserver")
    forked = fork(client, moderator, licence="CC-BY-SA-4.0")
    assert forked.status_code == 201, forked.get_json()
    variant = forked.get_json()
    assert variant["licence"] == "CC-BY-SA-4.0"
    assert variant["authors"] == ["morgane"]
    assert variant["attribution"] == [
        {
            "slug": "copy-party",
            "title": "Copy party",
            "region": None,
            "revision": 2,
            "licence": "CC-BY-4.0",
            "authors": ["camille", "morgane"],
        }
    ]
    credit = client.get("/api/v1/recipes/copy-party-brest/attribution").get_json()
    assert (
        "Copy party" in credit["text"]
        and "camille, morgane" in credit["text"]
        and "CC BY 4.0" in credit["text"]
    )
    assert "http://localhost/recipes/copy-party-brest" in credit["text"]
    assert 'rel="license" href="https://creativecommons.org/licenses/by-sa/4.0/"' in credit["html"]
    assert "Adapted from" in credit["html"]


def test_a_fork_takes_its_parents_licence_and_may_not_loosen_it(client, editor, brest):
    create(client, editor)
    answer = assert_error(fork(client, editor, licence="CC0-1.0"), 409, "licence_conflict")
    assert "CC BY-SA 4.0" in answer["error"]["message"] and "CC0 1.0" in answer["error"]["message"]
    assert client.get("/api/v1/recipes/copy-party-brest").status_code == 404
    assert fork(client, editor).get_json()["licence"] == "CC-BY-SA-4.0"


@pytest.mark.parametrize("app_settings", [{"LICENCES": "CC-BY-ND-4.0"}])
def test_a_no_derivatives_recipe_cannot_be_forked(client, editor, brest):
    create(client, editor)
    assert_error(fork(client, editor), 409, "licence_conflict")


def test_relicensing_is_for_moderators_and_only_as_the_licence_permits(client, editor, moderator):
    create(client, editor, licence="CC-BY-4.0")
    assert_error(
        client.put("/api/v1/recipes/copy-party", json={"licence": "CC-BY-SA-4.0"}, headers=editor),
        403,
        "forbidden",
    )
    changed = client.put("/api/v1/recipes/copy-party", json={"licence": "CC-BY-SA-4.0"}, headers=moderator)
    assert changed.status_code == 200 and changed.get_json()["licence"] == "CC-BY-SA-4.0"
    back = client.put("/api/v1/recipes/copy-party", json={"licence": "CC-BY-4.0"}, headers=moderator)
    assert_error(back, 409, "licence_conflict")
    assert client.get("/api/v1/recipes/copy-party").get_json()["licence"] == "CC-BY-SA-4.0"
    assert client.get("/api/v1/changes?type=relicense").get_json()["items"][0]["recipe"] == "copy-party"


def test_text_flows_between_relatives_only_where_the_licences_allow(client, editor, moderator, brest):
    create(client, editor, licence="CC-BY-4.0")
    assert fork(client, editor).get_json()["licence"] == "CC-BY-4.0"
    # The parent becomes share-alike: its new text may not flow into the BY variant.
    assert (
        client.put(
            "/api/v1/recipes/copy-party", json={"licence": "CC-BY-SA-4.0"}, headers=moderator
        ).status_code
        == 200
    )
    edit(client, editor, "copy-party", "Louer", "Réserver")
    head = client.get("/api/v1/recipes/copy-party-brest").get_json()["head_revision"]
    refused = client.post(
        "/api/v1/recipes/copy-party-brest/sync", json={"base_revision": head}, headers=editor
    )
    assert_error(refused, 409, "licence_conflict")
    assert client.get("/api/v1/recipes/copy-party-brest").get_json()["head_revision"] == head
    # The variant becomes share-alike too: its text may not flow into... a BY-SA parent is fine.
    assert (
        client.put(
            "/api/v1/recipes/copy-party-brest", json={"licence": "CC-BY-SA-4.0"}, headers=moderator
        ).status_code
        == 200
    )
    synced = client.post(
        "/api/v1/recipes/copy-party-brest/sync", json={"base_revision": head}, headers=editor
    )
    assert synced.status_code == 200, synced.get_json()


def test_a_proposal_from_a_share_alike_variant_into_a_by_parent_is_refused(client, editor, moderator, brest):
    create(client, editor, licence="CC-BY-4.0")
    assert fork(client, editor, licence="CC-BY-SA-4.0").status_code == 201
    edit(client, editor, "copy-party-brest", "Louer", "Réserver")
    proposal = client.post(
        "/api/v1/recipes/copy-party-brest/proposals", json={"summary": "x"}, headers=editor
    )
    assert proposal.status_code == 201
    accepted = client.post(
        f"/api/v1/proposals/{proposal.get_json()['id']}/accept", json={}, headers=moderator
    )
    assert_error(accepted, 409, "licence_conflict")
    assert client.get("/api/v1/recipes/copy-party").get_json()["revision"] == 1


def test_an_unknown_licence_setting_stops_the_app(db_url, tmp_path):
    from wiki import create_app
    from wiki.config import SettingError

    with pytest.raises(SettingError, match="LEVAIN_LICENCES"):
        create_app({"DATABASE_URL": db_url, "INSTANCE_PATH": str(tmp_path), "LICENCES": "CC-BY-5.0"})
