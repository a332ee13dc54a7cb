"""The JSON API of events: recording, the account, filters, GeoJSON, iCalendar, series, regions on the map."""

from __future__ import annotations

import geojson
import icalendar
import pytest

from tests.http.test_api_forks import TEXT, anonymous, assert_error

BREST = {
    "starts_at": "2026-05-14",
    "place": "Brest",
    "latitude": 48.39,
    "longitude": -4.49,
    "region": "brest",
}


@pytest.fixture
def editor(api_token) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_token('camille', 'editor')}"}


@pytest.fixture
def recipe(client, editor):
    for name in ("Brest", "Genève"):
        assert client.post("/api/v1/regions", json={"name": name}, headers=editor).status_code == 201
    assert (
        client.post("/api/v1/recipes", json={"title": "Copy party", "body": TEXT}, headers=editor).status_code
        == 201
    )
    assert (
        client.post("/api/v1/recipes/copy-party/forks", json={"region": "geneve"}, headers=editor).status_code
        == 201
    )
    return "copy-party"


def record(client, headers, slug="copy-party", **fields):
    response = client.post(f"/api/v1/recipes/{slug}/events", json=fields, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_recording_an_event_answers_it_as_the_contract_says(client, editor, recipe):
    event = record(client, editor, **BREST, participants=25, url="https://example.org/copy")

    assert event["recipe"] == {"slug": "copy-party", "revision": 1}
    assert (event["starts_at"], event["ends_at"], event["place"]) == ("2026-05-14", None, "Brest")
    assert (event["latitude"], event["longitude"], event["region"]) == (48.39, -4.49, "brest")
    assert event["author"] == "camille" and event["report"] == "" and event["participants"] == 25
    assert client.get(f"/api/v1/events/{event['id']}").get_json() == event


def test_the_account_is_written_later_and_rendered_safely(client, editor, recipe):
    event = record(client, editor, **BREST)
    response = client.put(
        f"/api/v1/events/{event['id']}", json={"report": "**Bien**<script>x</script>"}, headers=editor
    )

    assert response.status_code == 200
    assert "<strong>Bien</strong>" in response.get_json()["report_html"]
    assert "<script" not in response.get_json()["report_html"]
    types = [c["type"] for c in client.get("/api/v1/changes").get_json()["items"]]
    assert types[:2] == ["event_edit", "event"]


@pytest.mark.parametrize(
    "fields",
    [
        {**BREST, "latitude": 90.5},
        {**BREST, "longitude": 181},
        {**BREST, "ends_at": "2026-05-01"},
        {**BREST, "region": "atlantis"},
        {**BREST, "series": "no-such-series"},
        {**BREST, "revision": 9},
        {**BREST, "starts_at": "le 14 mai"},
        {"place": "Brest"},
        {**BREST, "latitude": "north"},
        {**BREST, "participants": 2.5},
    ],
)
def test_bad_input_is_400_invalid_with_a_sentence(client, editor, recipe, fields):
    assert_error(
        client.post("/api/v1/recipes/copy-party/events", json=fields, headers=editor), 400, "invalid"
    )
    assert client.get("/api/v1/events").get_json()["items"] == []


def test_writing_needs_an_account_and_the_right_role(client, editor, recipe, api_token):
    event = record(client, editor, **BREST)
    other = {"Authorization": f"Bearer {api_token('lea', 'contributor')}"}

    assert_error(
        client.post("/api/v1/recipes/copy-party/events", json=BREST, headers=anonymous(client)),
        401,
        "unauthorized",
    )
    assert_error(
        client.put(f"/api/v1/events/{event['id']}", json={"place": "X"}, headers=other), 403, "forbidden"
    )
    assert_error(client.delete(f"/api/v1/events/{event['id']}", headers=other), 403, "forbidden")
    assert client.delete(f"/api/v1/events/{event['id']}", headers=editor).status_code == 204
    assert_error(client.get(f"/api/v1/events/{event['id']}"), 404, "not_found")
    assert_error(client.get("/api/v1/events/abc"), 400, "invalid")


def test_every_filter_narrows_the_list(client, editor, recipe):
    brest = record(client, editor, **BREST)["id"]
    geneva = record(
        client,
        editor,
        "copy-party-geneve",
        starts_at="2026-06-01T10:00:00+02:00",
        place="Genève",
        latitude=46.2,
        longitude=6.14,
        region="geneve",
    )["id"]

    def ids(query):
        response = client.get(f"/api/v1/events?{query}")
        assert response.status_code == 200, response.get_json()
        return [item["id"] for item in response.get_json()["items"]]

    assert ids("") == [brest, geneva]
    assert ids("recipe=copy-party") == [brest]
    assert ids("recipe=copy-party&lineage=true") == [brest, geneva]
    assert ids("region=geneve") == [geneva]
    assert ids("from=2026-05-20") == [geneva]
    assert ids("to=2026-05-20") == [brest]
    assert ids("bbox=5,45,7,47") == [geneva]
    assert ids("limit=1") == [brest]
    following = client.get("/api/v1/events?limit=1").get_json()["next"]
    assert ids(f"limit=1&cursor={following}") == [geneva]
    for bad in ("bbox=1,2,3", "bbox=0,0,200,1", "from=soon", "lineage=true", "cursor=xyz"):
        assert_error(client.get(f"/api/v1/events?{bad}"), 400, "invalid")


def test_geojson_is_a_valid_feature_collection_longitude_first(client, editor, recipe):
    event = record(client, editor, **BREST)
    record(client, editor, starts_at="2026-05-15", place="Somewhere without a point")

    response = client.get("/api/v1/events.geojson?recipe=copy-party")
    assert response.status_code == 200 and response.is_json
    collection = geojson.loads(response.get_data(as_text=True))
    assert collection.is_valid and collection["type"] == "FeatureCollection"
    (feature,) = collection["features"]
    assert feature["geometry"]["coordinates"] == [-4.49, 48.39]
    properties = feature["properties"]
    assert (properties["id"], properties["recipe"], properties["region"]) == (
        event["id"],
        "copy-party",
        "brest",
    )
    assert properties["url"].endswith(f"/events/{event['id']}")
    assert client.get(properties["url"]).status_code == 200


def test_icalendar_parses_back_with_stable_uids(client, editor, recipe):
    event = record(client, editor, **BREST, ends_at="2026-05-15")
    first = client.get("/events.ics?recipe=copy-party")
    client.put(f"/api/v1/events/{event['id']}", json={"place": "Brest, Les Capucins"}, headers=editor)
    second = client.get("/events.ics?recipe=copy-party")

    assert first.status_code == 200 and first.mimetype == "text/calendar"
    (before,) = icalendar.Calendar.from_ical(first.data).walk("VEVENT")
    (after,) = icalendar.Calendar.from_ical(second.data).walk("VEVENT")
    assert str(before["uid"]) == str(after["uid"])
    assert str(after["location"]) == "Brest, Les Capucins"
    assert str(before.decoded("dtstart")) == "2026-05-14" and str(before.decoded("dtend")) == "2026-05-16"
    assert client.get("/events.ics?bbox=nope").status_code == 400


def test_a_series_gathers_events_across_towns(client, editor, recipe):
    created = client.post(
        "/api/v1/series",
        json={"name": "Festival des communs", "starts_on": "2026-10-01", "ends_on": "2026-10-15"},
        headers=editor,
    )
    assert created.status_code == 201 and created.get_json()["slug"] == "festival-des-communs"
    record(client, editor, **{**BREST, "starts_at": "2026-10-03"}, series="festival-des-communs")

    series = client.get("/api/v1/series/festival-des-communs").get_json()
    assert [event["series"] for event in series["events"]] == ["festival-des-communs"]
    assert_error(
        client.post(
            "/api/v1/series",
            json={"name": "X", "starts_on": "2026-10-02", "ends_on": "2026-10-01"},
            headers=editor,
        ),
        400,
        "invalid",
    )
    assert_error(client.get("/api/v1/series/nope"), 404, "not_found")


def test_a_region_is_placed_on_the_map(client, editor, recipe):
    response = client.put(
        "/api/v1/regions/brest", json={"latitude": 48.39, "longitude": -4.49}, headers=editor
    )

    assert response.get_json() == {"slug": "brest", "name": "Brest", "latitude": 48.39, "longitude": -4.49}
    assert_error(client.put("/api/v1/regions/brest", json={"latitude": -91}, headers=editor), 400, "invalid")
    assert_error(client.put("/api/v1/regions/nowhere", json={"name": "X"}, headers=editor), 404, "not_found")


def test_an_account_is_found_by_search(client, editor, recipe):
    event = record(client, editor, **BREST)
    assert client.get("/api/v1/search?q=bombardes").get_json()["total"] == 0

    client.put(
        f"/api/v1/events/{event['id']}",
        json={"report": "Les bombardes ont ouvert la soirée."},
        headers=editor,
    )

    hits = client.get("/api/v1/search?q=bombardes").get_json()["hits"]
    assert [hit["slug"] for hit in hits] == ["copy-party"]
    client.delete(f"/api/v1/events/{event['id']}", headers=editor)
    assert client.get("/api/v1/search?q=bombardes").get_json()["total"] == 0


def test_an_event_waiting_for_review_is_approved_by_a_moderator(client, editor, recipe, api_token, app):
    app.config["REVIEW_POLICY"] = "new-accounts"
    newcomer = {"Authorization": f"Bearer {api_token('nina', 'contributor')}"}
    moderator = {"Authorization": f"Bearer {api_token('mod', 'moderator')}"}
    event = record(client, newcomer, **BREST)

    assert event["status"] == "pending"
    assert client.get("/api/v1/events").get_json()["items"] == []
    assert_error(client.post(f"/api/v1/events/{event['id']}/approve", headers=newcomer), 403, "forbidden")
    approved = client.post(f"/api/v1/events/{event['id']}/approve", headers=moderator)
    assert approved.status_code == 200 and approved.get_json()["status"] == "approved"
    assert [item["id"] for item in client.get("/api/v1/events").get_json()["items"]] == [event["id"]]
    assert_error(client.post(f"/api/v1/events/{event['id']}/approve", headers=moderator), 400, "invalid")
