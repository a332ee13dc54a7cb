"""The JSON API of regions, forks, lineage, sync, compare and proposals: every route, bad input, rights."""

from __future__ import annotations

import pytest

from tests.conftest import csrf_token_of

TEXT = "Louer une salle.\n\nApporter des clés USB.\n\nCopier des logiciels libres.\n"


@pytest.fixture
def editor(api_token) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_token('camille', 'editor')}"}


@pytest.fixture
def contributor(api_token) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_token('lea', 'contributor')}"}


@pytest.fixture
def family(client, editor, contributor):
    """copy-party (an origin) and copy-party-brest, forked by a contributor, whose headers it returns."""
    for name in ("Brest", "Paris"):
        assert client.post("/api/v1/regions", json={"name": name}, headers=editor).status_code == 201
    created = client.post("/api/v1/recipes", json={"title": "Copy party", "body": TEXT}, headers=editor)
    assert created.status_code == 201
    forked = client.post("/api/v1/recipes/copy-party/forks", json={"region": "brest"}, headers=contributor)
    assert forked.status_code == 201, forked.get_json()
    return contributor


def anonymous(client) -> dict[str, str]:
    """Headers of a visitor without an account who sends the CSRF token the site gave them."""
    return {"X-CSRFToken": csrf_token_of(client)}


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    answer = response.get_json()
    assert answer["error"]["code"] == code and answer["error"]["message"]
    return answer


def edit(client, headers, slug, old, new):
    recipe = client.get(f"/api/v1/recipes/{slug}").get_json()
    body = {
        "body": recipe["body"].replace(old, new),
        "base_revision": recipe["head_revision"],
        "summary": "x",
    }
    response = client.put(f"/api/v1/recipes/{slug}", json=body, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def sync(client, headers, **more):
    head = client.get("/api/v1/recipes/copy-party-brest").get_json()["head_revision"]
    return client.post(
        "/api/v1/recipes/copy-party-brest/sync", json={"base_revision": head, **more}, headers=headers
    )


def propose(client, headers, summary="Des distributions"):
    return client.post(
        "/api/v1/recipes/copy-party-brest/proposals", json={"summary": summary}, headers=headers
    )


# Regions


def test_regions_are_listed_and_created(client, family, editor):
    assert client.get("/api/v1/regions").get_json() == {
        "items": [{"slug": "brest", "name": "Brest"}, {"slug": "paris", "name": "Paris"}]
    }
    assert_error(client.post("/api/v1/regions", json={"name": "Brest"}, headers=editor), 400, "invalid")
    assert_error(client.post("/api/v1/regions", json={}, headers=editor), 400, "invalid")
    assert_error(client.post("/api/v1/regions", json={"name": ["x"]}, headers=editor), 400, "invalid")
    assert_error(
        client.post("/api/v1/regions", json={"name": "Lyon"}, headers=anonymous(client)), 401, "unauthorized"
    )


def test_a_region_lists_its_recipes_and_their_parents(client, family):
    brest = client.get("/api/v1/regions/brest").get_json()
    assert brest["name"] == "Brest"
    assert [(r["slug"], r["parent"], r["behind"]) for r in brest["recipes"]] == [
        ("copy-party-brest", "copy-party", 0)
    ]
    assert_error(client.get("/api/v1/regions/atlantide"), 404, "not_found")


# Forks


def test_a_fork_is_a_recipe_whose_parent_is_the_forked_head(client, family, editor):
    edit(client, editor, "copy-party", "une salle", "une grande salle")
    response = client.post(
        "/api/v1/recipes/copy-party/forks",
        json={"region": "paris", "title": "Copy party parisienne"},
        headers=family,
    )
    assert response.status_code == 201
    recipe = response.get_json()
    assert (recipe["slug"], recipe["title"], recipe["region"]) == (
        "copy-party-paris",
        "Copy party parisienne",
        "paris",
    )
    assert recipe["parent"] == {"slug": "copy-party", "revision": 2}
    assert recipe["body"] == TEXT.replace("une salle", "une grande salle")
    assert response.headers["Location"].endswith("/api/v1/recipes/copy-party-paris")
    again = client.post(
        "/api/v1/recipes/copy-party/forks", json={"region": "paris", "slug": "cp-75"}, headers=family
    )
    assert again.get_json()["slug"] == "cp-75"


@pytest.mark.parametrize(
    "path, body, status, code",
    [
        ("/api/v1/recipes/copy-party/forks", {"region": "atlantide"}, 400, "invalid"),
        ("/api/v1/recipes/copy-party/forks", {}, 400, "invalid"),
        ("/api/v1/recipes/copy-party/forks", {"region": 5}, 400, "invalid"),
        ("/api/v1/recipes/copy-party/forks", {"region": "paris", "slug": "copy-party"}, 400, "invalid"),
        ("/api/v1/recipes/copy-party/forks", {"region": "paris", "slug": "Pas un slug"}, 400, "invalid"),
        ("/api/v1/recipes/copy-party/forks", {"region": "paris", "title": ""}, 400, "invalid"),
        ("/api/v1/recipes/nulle-part/forks", {"region": "paris"}, 404, "not_found"),
    ],
)
def test_bad_forks_are_refused(client, family, path, body, status, code):
    assert_error(client.post(path, json=body, headers=family), status, code)
    assert client.get("/api/v1/recipes").get_json()["items"].__len__() == 2


def test_forking_needs_an_account_and_a_csrf_token_with_a_session(client, family, login):
    assert_error(
        client.post("/api/v1/recipes/copy-party/forks", json={"region": "paris"}, headers=anonymous(client)),
        401,
        "unauthorized",
    )
    token = login("zoe", role="contributor")
    assert_error(client.post("/api/v1/recipes/copy-party/forks", json={"region": "paris"}), 400, "invalid")
    response = client.post(
        "/api/v1/recipes/copy-party/forks", json={"region": "paris"}, headers={"X-CSRFToken": token}
    )
    assert response.status_code == 201


# Lineage and upstream


def test_lineage_shows_ancestors_and_the_tree_of_descendants(client, family):
    client.post("/api/v1/recipes/copy-party-brest/forks", json={"region": "paris"}, headers=family)
    origin = client.get("/api/v1/recipes/copy-party/lineage").get_json()
    assert origin["ancestors"] == []
    [brest] = origin["descendants"]
    assert (brest["slug"], brest["region"], brest["fork_revision"], brest["behind"]) == (
        "copy-party-brest",
        "brest",
        1,
        0,
    )
    assert [child["slug"] for child in brest["children"]] == ["copy-party-brest-paris"]
    leaf = client.get("/api/v1/recipes/copy-party-brest-paris/lineage").get_json()
    assert [(a["slug"], a["region"], a["revision"]) for a in leaf["ancestors"]] == [
        ("copy-party-brest", "brest", 1),
        ("copy-party", None, 1),
    ]
    assert leaf["descendants"] == []
    assert_error(client.get("/api/v1/recipes/nulle-part/lineage"), 404, "not_found")


def test_upstream_counts_what_is_behind_and_ahead(client, family, editor):
    edit(client, editor, "copy-party", "une salle", "une grande salle")
    edit(client, family, "copy-party-brest", "logiciels", "distributions")
    assert client.get("/api/v1/recipes/copy-party-brest/upstream").get_json() == {
        "parent": {"slug": "copy-party", "revision": 1},
        "base": 1,
        "upstream_head": 2,
        "behind": 1,
        "ahead": 1,
    }
    assert_error(client.get("/api/v1/recipes/copy-party/upstream"), 400, "invalid")


# Sync


def test_a_clean_sync_merges_and_records_the_upstream_revision(client, family, editor):
    edit(client, editor, "copy-party", "une salle", "une grande salle")
    edit(client, family, "copy-party-brest", "logiciels", "distributions")
    response = sync(client, family)
    assert response.status_code == 200
    assert response.get_json() == {"changed": True, "merged": True, "revision": 3, "upstream_revision": 2}
    body = client.get("/api/v1/recipes/copy-party-brest").get_json()["body"]
    assert body == TEXT.replace("une salle", "une grande salle").replace("logiciels", "distributions")
    assert client.get("/api/v1/recipes/copy-party-brest/upstream").get_json()["behind"] == 0
    assert sync(client, family).get_json() == {"changed": False, "revision": 3}


def test_a_conflicting_sync_answers_409_with_the_conflicts_and_saves_nothing(client, family, editor):
    edit(client, editor, "copy-party", "des clés USB", "des disques durs")
    edit(client, family, "copy-party-brest", "des clés USB", "des DVD")
    answer = assert_error(sync(client, family), 409, "merge_conflict")
    assert answer["upstream_revision"] == 2
    assert answer["conflicts"] == [
        {
            "base": "Apporter des clés USB.\n",
            "ours": "Apporter des DVD.\n",
            "theirs": "Apporter des disques durs.\n",
        }
    ]
    assert client.get("/api/v1/recipes/copy-party-brest").get_json()["head_revision"] == 2
    resolved = sync(client, family, resolutions=["Apporter des DVD et des disques.\n"], upstream_revision=2)
    assert resolved.status_code == 200
    assert "des DVD et des disques" in client.get("/api/v1/recipes/copy-party-brest").get_json()["body"]


def test_a_person_may_resolve_a_sync_by_saving_with_upstream_revision(client, family, editor):
    edit(client, editor, "copy-party", "des clés USB", "des disques durs")
    edit(client, family, "copy-party-brest", "des clés USB", "des DVD")
    recipe = client.get("/api/v1/recipes/copy-party-brest").get_json()
    body = {"body": recipe["body"], "base_revision": 2, "upstream_revision": 2, "summary": "Sync à la main"}
    response = client.put("/api/v1/recipes/copy-party-brest", json=body, headers=family)
    assert response.status_code == 200
    status = client.get("/api/v1/recipes/copy-party-brest/upstream").get_json()
    assert (status["base"], status["behind"]) == (2, 0)


@pytest.mark.parametrize(
    "slug, body, status, code",
    [
        ("copy-party-brest", {}, 400, "invalid"),
        ("copy-party-brest", {"base_revision": "abc"}, 400, "invalid"),
        ("copy-party-brest", {"base_revision": 0}, 400, "invalid"),
        ("copy-party-brest", {"base_revision": 9}, 400, "invalid"),
        ("copy-party-brest", {"base_revision": 2, "upstream_revision": "x"}, 400, "invalid"),
        ("copy-party-brest", {"base_revision": 2, "upstream_revision": 99}, 400, "invalid"),
        ("copy-party-brest", {"base_revision": 2, "resolutions": "x"}, 400, "invalid"),
        ("copy-party", {"base_revision": 1}, 400, "invalid"),
        ("nulle-part", {"base_revision": 1}, 404, "not_found"),
    ],
)
def test_bad_syncs_are_refused(client, family, editor, slug, body, status, code):
    edit(client, editor, "copy-party", "des clés USB", "des disques durs")
    edit(client, family, "copy-party-brest", "des clés USB", "des DVD")
    assert_error(client.post(f"/api/v1/recipes/{slug}/sync", json=body, headers=family), status, code)


def test_a_sync_from_a_stale_head_is_an_edit_conflict(client, family, editor):
    edit(client, editor, "copy-party", "une salle", "une grande salle")
    edit(client, family, "copy-party-brest", "logiciels", "distributions")
    response = client.post("/api/v1/recipes/copy-party-brest/sync", json={"base_revision": 1}, headers=family)
    answer = assert_error(response, 409, "edit_conflict")
    assert answer["head_revision"] == 2


def test_syncing_needs_an_account_and_a_csrf_token(client, family, login):
    assert_error(
        client.post(
            "/api/v1/recipes/copy-party-brest/sync", json={"base_revision": 1}, headers=anonymous(client)
        ),
        401,
        "unauthorized",
    )
    login("zoe", role="contributor")
    response = client.post("/api/v1/recipes/copy-party-brest/sync", json={"base_revision": 1})
    assert_error(response, 400, "invalid")


# Compare


def test_compare_any_two_recipes(client, family, editor):
    edit(client, family, "copy-party-brest", "logiciels", "distributions")
    answer = client.get("/api/v1/compare?a=copy-party&b=copy-party-brest").get_json()
    assert answer["from"] == {"slug": "copy-party", "revision": 1}
    assert answer["to"] == {"slug": "copy-party-brest", "revision": 2}
    assert "".join(text for op, text in answer["ops"] if op != 1) == TEXT
    assert "".join(text for op, text in answer["ops"] if op != -1) == TEXT.replace(
        "logiciels", "distributions"
    )
    local = client.get("/api/v1/compare?a=copy-party-brest@1&b=copy-party-brest").get_json()
    assert [text for op, text in local["ops"] if op == 1] == ["distributions"]


@pytest.mark.parametrize(
    "query, status, code",
    [
        ("", 400, "invalid"),
        ("a=copy-party", 400, "invalid"),
        ("a=copy-party&b=copy-party@abc", 400, "invalid"),
        ("a=copy-party&b=copy-party@0", 400, "invalid"),
        ("a=copy-party&b=copy-party@7", 404, "not_found"),
        ("a=copy-party&b=copy-party@" + "9" * 5000, 400, "invalid"),
        ("a=copy-party&b=nulle-part", 404, "not_found"),
        ("a=copy-party&b=copy%00party", 400, "invalid"),
    ],
)
def test_bad_comparisons(client, family, query, status, code):
    assert_error(client.get(f"/api/v1/compare?{query}"), status, code)


# Proposals


def test_a_proposal_is_made_listed_and_shown_with_its_diff(client, family):
    edit(client, family, "copy-party-brest", "logiciels", "distributions")
    response = propose(client, family)
    assert response.status_code == 201
    proposal = response.get_json()
    assert {k: proposal[k] for k in ("source", "target", "status", "summary", "author", "base_revision")} == {
        "source": "copy-party-brest",
        "target": "copy-party",
        "status": "open",
        "summary": "Des distributions",
        "author": "lea",
        "base_revision": 1,
    }
    assert [
        p["id"] for p in client.get("/api/v1/proposals?target=copy-party&status=open").get_json()["items"]
    ] == [proposal["id"]]
    assert client.get("/api/v1/proposals?status=accepted").get_json()["items"] == []
    assert (
        client.get("/api/v1/proposals?recipe=copy-party-brest").get_json()["items"][0]["id"] == proposal["id"]
    )
    shown = client.get(f"/api/v1/proposals/{proposal['id']}").get_json()
    assert (shown["diff"]["from"], shown["diff"]["to"], shown["mergeable"]) == (1, 2, True)
    assert [text for op, text in shown["diff"]["ops"] if op == 1] == ["distributions"]


@pytest.mark.parametrize(
    "path, status, code",
    [
        ("/api/v1/proposals?status=maybe", 400, "invalid"),
        ("/api/v1/proposals?target=nulle-part", 404, "not_found"),
        ("/api/v1/proposals?limit=abc", 400, "invalid"),
        ("/api/v1/proposals/abc", 400, "invalid"),
        ("/api/v1/proposals/0", 400, "invalid"),
        ("/api/v1/proposals/99", 404, "not_found"),
        ("/api/v1/proposals/" + "9" * 5000, 400, "invalid"),
    ],
)
def test_bad_proposal_lookups(client, family, path, status, code):
    assert_error(client.get(path), status, code)


def test_bad_proposals_are_refused(client, family):
    assert_error(propose(client, family), 400, "invalid")  # no local changes yet
    no_parent = client.post("/api/v1/recipes/copy-party/proposals", json={"summary": "x"}, headers=family)
    assert_error(no_parent, 400, "invalid")
    edit(client, family, "copy-party-brest", "logiciels", "distributions")
    assert_error(propose(client, family, summary=""), 400, "invalid")
    assert_error(
        client.post("/api/v1/recipes/copy-party-brest/proposals", json={}, headers=family), 400, "invalid"
    )
    assert_error(
        client.post(
            "/api/v1/recipes/copy-party-brest/proposals", json={"summary": "x"}, headers=anonymous(client)
        ),
        401,
        "unauthorized",
    )
    assert client.get("/api/v1/proposals").get_json()["items"] == []


def test_editors_accept_once_and_the_parent_gets_a_revision(client, family, editor):
    edit(client, family, "copy-party-brest", "logiciels", "distributions")
    number = propose(client, family).get_json()["id"]
    assert_error(client.post(f"/api/v1/proposals/{number}/accept", json={}, headers=family), 403, "forbidden")
    assert_error(
        client.post(f"/api/v1/proposals/{number}/accept", json={}, headers=anonymous(client)),
        401,
        "unauthorized",
    )
    response = client.post(f"/api/v1/proposals/{number}/accept", json={"comment": "Merci"}, headers=editor)
    assert response.status_code == 200
    answer = response.get_json()
    assert (answer["status"], answer["target_revision"], answer["decided_by"]) == ("accepted", 2, "camille")
    parent = client.get("/api/v1/recipes/copy-party").get_json()
    assert parent["body"] == TEXT.replace("logiciels", "distributions")
    kinds = [r["kind"] for r in client.get("/api/v1/recipes/copy-party/revisions").get_json()["items"]]
    assert kinds[0] == "proposal"
    assert_error(client.post(f"/api/v1/proposals/{number}/accept", json={}, headers=editor), 400, "invalid")
    assert client.get("/api/v1/recipes/copy-party").get_json()["head_revision"] == 2


def test_an_accept_that_conflicts_answers_409_then_takes_resolutions(client, family, editor):
    edit(client, family, "copy-party-brest", "des clés USB", "des DVD")
    number = propose(client, family).get_json()["id"]
    edit(client, editor, "copy-party", "des clés USB", "des disques durs")
    answer = assert_error(
        client.post(f"/api/v1/proposals/{number}/accept", json={}, headers=editor), 409, "merge_conflict"
    )
    assert answer["conflicts"][0]["theirs"] == "Apporter des DVD.\n"
    assert answer["head_revision"] == 2
    stale = client.post(
        f"/api/v1/proposals/{number}/accept",
        json={"resolutions": ["x\n"], "head_revision": 1},
        headers=editor,
    )
    assert_error(stale, 409, "edit_conflict")
    resolved = client.post(
        f"/api/v1/proposals/{number}/accept",
        json={"resolutions": ["Apporter des DVD ou des disques.\n"], "head_revision": 2},
        headers=editor,
    )
    assert resolved.get_json()["status"] == "accepted"


def test_a_fork_syncing_after_its_proposal_was_accepted_gets_exactly_the_parents_text(client, family, editor):
    # Criss-cross: the fork adds a line, the parent deletes the heading beside it, then takes the
    # fork's line; the sync must know the fork gave that line already, and not add it twice.
    base = "# Crêpes\n\n## Résumé\n\n\n- 250 g de farine\n"
    created = client.post("/api/v1/recipes", json={"title": "Crêpes", "body": base}, headers=editor)
    assert created.status_code == 201
    forked = client.post("/api/v1/recipes/crepes/forks", json={"region": "brest"}, headers=family)
    fork = forked.get_json()["slug"]
    edit(client, family, fork, "- 250 g", "- 1 pincée de sel\n- 250 g")
    edit(client, editor, "crepes", "## Résumé\n\n", "")
    proposal = client.post(f"/api/v1/recipes/{fork}/proposals", json={"summary": "Du sel"}, headers=family)
    accepted = client.post(f"/api/v1/proposals/{proposal.get_json()['id']}/accept", json={}, headers=editor)
    assert accepted.get_json()["status"] == "accepted", accepted.get_json()
    parent = client.get("/api/v1/recipes/crepes").get_json()
    assert parent["body"] == "# Crêpes\n\n\n- 1 pincée de sel\n- 250 g de farine\n"

    head = client.get(f"/api/v1/recipes/{fork}").get_json()["head_revision"]
    synced = client.post(f"/api/v1/recipes/{fork}/sync", json={"base_revision": head}, headers=family)
    assert synced.status_code == 200, synced.get_json()
    assert client.get(f"/api/v1/recipes/{fork}").get_json()["body"] == parent["body"]
    assert client.get(f"/api/v1/recipes/{fork}/upstream").get_json()["behind"] == 0


def test_declining_needs_an_editor_and_a_reason(client, family, editor):
    edit(client, family, "copy-party-brest", "logiciels", "distributions")
    number = propose(client, family).get_json()["id"]
    decline = f"/api/v1/proposals/{number}/decline"
    assert_error(client.post(decline, json={"comment": "Non"}, headers=family), 403, "forbidden")
    assert_error(client.post(decline, json={}, headers=editor), 400, "invalid")
    assert_error(client.post(decline, json={"comment": "  "}, headers=editor), 400, "invalid")
    answer = client.post(decline, json={"comment": "Hors sujet"}, headers=editor).get_json()
    assert (answer["status"], answer["decision_comment"]) == ("declined", "Hors sujet")
    assert_error(client.post(f"/api/v1/proposals/{number}/accept", json={}, headers=editor), 400, "invalid")
    assert_error(
        client.post("/api/v1/proposals/abc/decline", json={"comment": "x"}, headers=editor), 400, "invalid"
    )
    assert_error(
        client.post("/api/v1/proposals/99/decline", json={"comment": "x"}, headers=editor), 404, "not_found"
    )


def test_people_comment_on_a_proposal(client, family, editor, login):
    edit(client, family, "copy-party-brest", "logiciels", "distributions")
    number = propose(client, family).get_json()["id"]
    comments = f"/api/v1/proposals/{number}/comments"
    response = client.post(comments, json={"body": "Pourquoi ?"}, headers=editor)
    assert response.status_code == 201
    assert response.get_json()["author"] == "camille"
    assert_error(client.post(comments, json={"body": ""}, headers=editor), 400, "invalid")
    assert_error(client.post(comments, json={"body": "x"}, headers=anonymous(client)), 401, "unauthorized")
    login("zoe", role="contributor")
    assert_error(client.post(comments, json={"body": "Sans jeton"}), 400, "invalid")
    shown = client.get(f"/api/v1/proposals/{number}").get_json()
    assert [(c["author"], c["body"]) for c in shown["comments"]] == [("camille", "Pourquoi ?")]
