"""The event pages through the test client: "We did it", an event and its account, agenda, map, series."""

from __future__ import annotations

import re

import pytest

from tests.http.test_api_forks import TEXT


@pytest.fixture
def recipe(client, login):
    """copy-party, with Brest as a region; the client is logged in as an editor. Returns the CSRF token."""
    token = login("camille", "editor")
    headers = {"X-CSRFToken": token}
    assert client.post("/api/v1/regions", json={"name": "Brest"}, headers=headers).status_code == 201
    created = client.post("/api/v1/recipes", json={"title": "Copy party", "body": TEXT}, headers=headers)
    assert created.status_code == 201
    return token


def we_did_it(client, token, **fields):
    form = {"csrf_token": token, "starts_at": "2026-05-14", "place": "Brest", "region": "brest", **fields}
    return client.post("/recipes/copy-party/events", data=form)


def test_we_did_it_records_an_event_and_leads_to_its_page(client, recipe):
    page = client.get("/recipes/copy-party/events").get_data(as_text=True)
    assert "We did it" in page and 'name="latitude"' in page

    response = we_did_it(client, recipe, latitude="48.39", longitude="-4.49", participants="20")
    assert response.status_code == 303
    event_page = client.get(response.location).get_data(as_text=True)
    assert "Brest" in event_page and "revision 1" in event_page

    listed = client.get("/recipes/copy-party/events").get_data(as_text=True)
    assert "Done 1 time" in listed and "in 1 place" in listed


def test_a_refused_event_keeps_the_form_and_says_why(client, recipe):
    response = we_did_it(client, recipe, place="Quimper", latitude="95", longitude="1")

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "between -90 and 90" in page and 'value="Quimper"' in page


def test_the_account_is_written_on_the_edit_page_and_shown(client, recipe):
    location = we_did_it(client, recipe).location
    event_id = location.rsplit("/", 1)[1]
    form = {
        "csrf_token": recipe,
        "starts_at": "2026-05-14",
        "place": "Brest",
        "report": "## Ce qui a marché\n\nLe café.",
    }

    saved = client.post(f"/events/{event_id}/edit", data=form)
    assert saved.status_code == 303
    page = client.get(location).get_data(as_text=True)
    assert "Ce qui a marché</h2>" in page and "Turn a lesson into an edit" in page


def test_agenda_map_and_series_pages_list_events_without_scripts(client, recipe):
    headers = {"X-CSRFToken": recipe}
    client.post(
        "/api/v1/series",
        json={"name": "Festival", "starts_on": "2026-05-01", "ends_on": "2026-05-31"},
        headers=headers,
    )
    we_did_it(client, recipe, series="festival", latitude="48.39", longitude="-4.49")

    for path in ("/events", "/events?region=brest", "/map", "/series/festival"):
        response = client.get(path)
        assert response.status_code == 200, path
        page = response.get_data(as_text=True)
        assert "Copy party, Brest" in page, path
        assert re.search(r'data-geojson="/api/v1/events.geojson', page), path
        assert "<script>" not in page  # the map is a file under /static (no inline script)
    assert client.get("/events?from=someday").status_code == 400
    assert client.get("/series/nothing").status_code == 404
    assert client.get("/events/999").status_code == 404


def test_the_leaflet_files_are_served_from_the_site(client):
    for path in (
        "vendor/leaflet/leaflet.js",
        "vendor/leaflet/leaflet.css",
        "vendor/leaflet/images/marker-icon.png",
        "js/map.js",
    ):
        response = client.get(f"/static/{path}")
        assert response.status_code == 200, path
        response.close()


def test_events_appear_in_recent_changes_and_their_feeds(client, recipe):
    we_did_it(client, recipe)

    for path in ("/changes", "/changes?type=event", "/feeds/changes.atom", "/feeds/recipes/copy-party.atom"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "Copy party, Brest" in response.get_data(as_text=True), path


def test_the_editor_opens_with_the_account_beside_the_text(client, recipe):
    event_id = we_did_it(client, recipe).location.rsplit("/", 1)[1]
    form = {
        "csrf_token": recipe,
        "starts_at": "2026-05-14",
        "place": "Brest",
        "report": "Prévoir **des rallonges**.",
    }
    client.post(f"/events/{event_id}/edit", data=form)

    page = client.get(f"/events/{event_id}").get_data(as_text=True)
    assert f"/recipes/copy-party/edit?event={event_id}" in page
    editor = client.get(f"/recipes/copy-party/edit?event={event_id}").get_data(as_text=True)
    assert "<strong>des rallonges</strong>" in editor and 'id="editor-form"' in editor
    assert client.get("/recipes/copy-party/edit?event=abc").status_code == 400


def test_the_recipe_page_says_how_often_and_where_it_was_done(app, client, recipe):
    def readers_page(language="fr"):
        reader = app.test_client()
        return reader.get("/recipes/copy-party", headers={"Accept-Language": language}).get_data(as_text=True)

    assert 'class="events-done"' not in readers_page()
    assert we_did_it(client, recipe).status_code == 303
    assert we_did_it(client, recipe, starts_at="2026-06-02").status_code == 303
    for _ in range(2):  # the second reader gets the kept page
        page = readers_page()
    assert re.search(r'<a href="/recipes/copy-party/events">Fait 2 fois\s+dans 1 lieu</a>', page)
    assert we_did_it(client, recipe, place="Quimper", region="").status_code == 303
    assert re.search(r"Fait 3 fois\s+dans 2 lieux", readers_page())
    assert re.search(r"Done 3 times\s+in 2 places", readers_page("en"))


def test_the_recipe_page_lists_its_latest_events_with_a_small_map_of_them(app, client, recipe):
    def readers_page():
        return app.test_client().get("/recipes/copy-party", headers={"Accept-Language": "en"})

    assert 'class="recipe-events"' not in readers_page().get_data(as_text=True)
    we_did_it(client, recipe, place="Quimper", region="")
    page = readers_page().get_data(as_text=True)
    assert 'class="recipe-events"' in page and "Copy party, Quimper" in page
    assert "leaflet.js" not in page and "data-geojson" not in page  # no point: no map to draw

    location = we_did_it(client, recipe, starts_at="2026-06-02", latitude="48.39", longitude="-4.49").location
    page = readers_page().get_data(as_text=True)
    section = page.partition('class="recipe-events"')[2].partition("</section>")[0]
    events = re.findall(r'<a href="(/events/\d+)">([^<]+)</a>', section)
    assert events == [(location, "Copy party, Brest"), (events[1][0], "Copy party, Quimper")]
    assert 'data-geojson="/api/v1/events.geojson?recipe=copy-party"' in section
    assert "vendor/leaflet/leaflet.js" in page and "<script>" not in page
    assert '<a href="/recipes/copy-party/events">All the events (2)' in section


def test_an_edit_made_from_an_account_is_the_revision_the_event_led_to(client, recipe):
    event_id = we_did_it(client, recipe).location.rsplit("/", 1)[1]
    account = {"csrf_token": recipe, "starts_at": "2026-05-14", "place": "Brest", "report": "Des rallonges."}
    client.post(f"/events/{event_id}/edit", data=account)
    editor = client.get(f"/recipes/copy-party/edit?event={event_id}").get_data(as_text=True)
    assert f'<input type="hidden" name="event" value="{event_id}">' in editor
    assert 'data-led-to="' not in client.get(f"/events/{event_id}").get_data(as_text=True)

    saved = client.post(
        "/recipes/copy-party/edit",
        data={
            "csrf_token": recipe,
            "base_revision": "1",
            "title": "Copy party",
            "body": TEXT + "\nPrévoir des rallonges.\n",
            "event": event_id,
        },
    )
    assert saved.status_code == 303
    event_page = client.get(f"/events/{event_id}").get_data(as_text=True)
    assert '<a href="/recipes/copy-party/revisions/2" data-led-to="2">Led to revision 2</a>' in event_page
    history = client.get("/recipes/copy-party/history").get_data(as_text=True)
    row = history.partition('data-number="2"')[2].partition("</tr>")[0]
    assert f'From the account of <a href="/events/{event_id}">Copy party, Brest</a>' in row
    assert client.get(f"/api/v1/events/{event_id}").get_json()["led_to_revision"] == 2
    assert "event_edit" in [c["type"] for c in client.get("/api/v1/changes").get_json()["items"]]

    headers = {"X-CSRFToken": recipe}
    refused = client.put(f"/api/v1/events/{event_id}", json={"led_to_revision": 9}, headers=headers)
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "invalid"
    cleared = client.put(f"/api/v1/events/{event_id}", json={"led_to_revision": None}, headers=headers)
    assert cleared.get_json()["led_to_revision"] is None


def test_an_edit_whose_event_went_meanwhile_is_saved_all_the_same(client, recipe):
    body = TEXT + "\nEt du thé.\n"
    form = {"csrf_token": recipe, "base_revision": "1", "title": "Copy party", "body": body}
    assert client.post("/recipes/copy-party/edit", data={**form, "event": "999"}).status_code == 303
    form.update(base_revision="2", body=form["body"] + "Et du café.\n")
    assert client.post("/recipes/copy-party/edit", data={**form, "event": "abc"}).status_code == 303
    history = client.get("/api/v1/recipes/copy-party/revisions").get_json()
    assert [revision["number"] for revision in history["items"]][:2] == [3, 2]
