"""GET /api/v1/search: the contract's shape, saves found at once, and hostile queries answered safely."""

from __future__ import annotations

import threading
import time

import pytest

from recipes.search.query import MAX_QUERY_LENGTH
from wiki.search import refresh_index


@pytest.fixture
def headers(api_token):
    return {"Authorization": f"Bearer {api_token('bot', role='editor')}"}


@pytest.fixture
def recipes(client, headers):
    """A French recipe with variants in two regions, and an English one."""
    for name in ("Brest", "Lyon"):
        assert client.post("/api/v1/regions", json={"name": name}, headers=headers).status_code == 201
    created = client.post("/api/v1/recipes", headers=headers, json={
        "title": "Organiser une cartopartie", "tags": ["osm"],
        "body": "Le réseau OpenStreetMap et des bénévoles cartographient le quartier.",
    })
    assert created.status_code == 201
    for region in ("brest", "lyon"):
        forked = client.post("/api/v1/recipes/organiser-une-cartopartie/forks", json={"region": region},
                             headers=headers)
        assert forked.status_code == 201
    english = client.post("/api/v1/recipes", headers=headers, json={
        "title": "Repair Café", "language": "en", "tags": ["repair"],
        "body": "Volunteers fix broken things; check the insurance of the venue.",
    })
    assert english.status_code == 201
    refresh_index(client.application)  # as the outbox writer does soon after the saves


def search(client, **parameters):
    response = client.get("/api/v1/search", query_string=parameters)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_results_follow_the_contract(client, recipes):
    body = search(client, q="reseau")
    assert set(body) >= {"total", "hits", "facets"}
    assert body["total"] == 1
    hit = body["hits"][0]
    assert set(hit) >= {"slug", "title", "region", "snippet", "score", "variants"}
    assert hit["slug"] == "organiser-une-cartopartie" and hit["region"] is None
    assert "<mark>réseau</mark>" in hit["snippet"]
    assert isinstance(hit["score"], float)
    assert sorted(variant["region"] for variant in hit["variants"]) == ["brest", "lyon"]
    assert body["facets"]["region"] == {"brest": 1, "lyon": 1}
    assert body["facets"]["tag"] == {"osm": 3}


def test_filters_limit_and_page(client, recipes):
    assert [hit["slug"] for hit in search(client, q="cartopartie", region="lyon")["hits"]] == [
        "organiser-une-cartopartie-lyon"
    ]
    assert search(client, q="insurance", tag="repair", language="en")["total"] == 1
    assert search(client, q="insurance", language="fr")["total"] == 0
    assert search(client, q="cartopartie OR insurance", limit=1, page=2)["hits"][0]["slug"] in {
        "repair-cafe", "organiser-une-cartopartie",
    }


def test_results_are_counted_and_narrowed_by_licence(client, headers, recipes):
    body = {"title": "Cartopartie libre", "body": "Cartopartie dans le domaine public.", "licence": "CC0-1.0"}
    assert client.post("/api/v1/recipes", headers=headers, json=body).status_code == 201
    assert search(client, q="cartopartie")["facets"]["licence"] == {"CC-BY-SA-4.0": 3, "CC0-1.0": 1}
    narrowed = search(client, q="cartopartie", licence="CC0-1.0")
    assert [hit["slug"] for hit in narrowed["hits"]] == ["cartopartie-libre"]
    assert search(client, q="insurance", licence="CC0-1.0")["total"] == 0


@pytest.mark.timed
def test_an_edit_is_found_within_a_second_of_saving(client, headers, recipes):
    started = time.perf_counter()
    saved = client.put("/api/v1/recipes/repair-cafe", headers=headers, json={
        "body": "Volunteers fix broken kettles.", "base_revision": 1, "summary": "kettles",
    })
    assert saved.status_code == 200
    assert [hit["slug"] for hit in search(client, q="kettle")["hits"]] == ["repair-cafe"]
    assert time.perf_counter() - started < 1.0
    assert search(client, q="insurance")["total"] == 0


def test_a_typo_gets_a_suggestion(client, recipes):
    body = search(client, q="cartopartei")
    assert body["total"] == 0 and body["suggestion"] == "cartopartie"


HOSTILE_QUERIES = [
    "(" * 5000,
    "(" * (MAX_QUERY_LENGTH // 2) + "reseau" + ")" * 100,
    "x" * 100_000,
    "*",
    "?*?*?*?*",
    "r*",
    "*eseau",
    "/r.*u/",
    "reseau~5",
    "[a TO zzzz]",
    "{0 TO 9}",
    "body_fr:reseau",
    "_stored_body:x",
    "recipe_id:1",
    "digest:x",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "reseau\x00",
    "\u202e\ufeff",
    "OR OR OR AND NOT",
    '"' * 499,
    "-" * 499,
    " ".join(["a"] * 250),
]


@pytest.mark.timed
@pytest.mark.parametrize("query", HOSTILE_QUERIES, ids=lambda query: repr(query[:24]))
def test_hostile_queries_are_cheap_and_safe(client, recipes, query):
    started = time.perf_counter()
    response = client.get("/api/v1/search", query_string={"q": query})
    assert time.perf_counter() - started < 1.0
    assert response.status_code in (200, 400), response.get_data(as_text=True)
    body = response.get_json()
    if response.status_code == 400:
        assert body["error"]["code"] == "invalid" and body["error"]["message"]
    else:
        assert "<script" not in str(body) and "<img" not in str(body)


@pytest.mark.parametrize(
    "parameters",
    [{"language": "xx"}, {"sort": "random"}, {"page": "0"}, {"page": "abc"}, {"page": "9" * 5000},
     {"page": "101"}, {"limit": "-1"}, {"region": "a" * 500}, {"region": "bad\x00"}, {"tag": "<b>"},
     {"licence": "GPL-3.0"}],
)
def test_bad_parameters_are_a_clear_400(client, parameters):
    response = client.get("/api/v1/search", query_string={"q": "reseau", **parameters})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid"


def test_no_query_is_an_empty_result(client, recipes):
    assert search(client) == search(client, q="   ") == {
        "total": 0, "page": 1, "pages": 0, "hits": [],
        "facets": {"region": {}, "tag": {}, "language": {}, "licence": {}},
        "suggestion": None, "relaxed": False, "left_out": [],
    }


class HeldIndex:
    """The app's index, whose writes wait until the test lets them go: an index writer that is slow."""

    def __init__(self, index):
        self.index, self.release, self.applied = index, threading.Event(), 0

    def apply_outbox(self, session, *, lock_timeout):
        self.release.wait(timeout=30)
        self.applied += self.index.apply_outbox(session, lock_timeout=lock_timeout)
        return self.applied


def test_a_save_answers_without_waiting_for_the_index(app, client, headers, recipes):
    writer = app.extensions["levain.search_writer"]
    held = writer.index = HeldIndex(writer.index)
    saved = client.put("/api/v1/recipes/repair-cafe", headers=headers, json={
        "body": "Volunteers fix broken kettles.", "base_revision": 1, "summary": "kettles",
    })
    assert saved.status_code == 200
    assert held.applied == 0  # the save's answer came while its index write was held
    held.release.set()
    refresh_index(app)
    assert held.applied == 1
    assert [hit["slug"] for hit in search(client, q="kettle")["hits"]] == ["repair-cafe"]
