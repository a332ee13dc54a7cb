"""Placing an event on the map in a real browser, then finding it on /map (the tiles are blocked).

A person says "We did it" on a recipe: they click the map to place the event, which fills in its
latitude and longitude, and record it. The map of every event then shows a marker whose popup leads to
the event, and the recipe's page shows it on its small map. No page may log a console error except
the blocked tiles (a CSP violation shows up as one).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from recipes.community import accounts, regions
from recipes.history import editing
from tests.browser.conftest import PASSWORD, sign_in
from wiki.markdown import render_markdown

pytestmark = pytest.mark.browser

TILES = "https://tile.openstreetmap.org/**"


def test_an_event_placed_by_clicking_the_map_appears_on_the_map_of_events(
    page, live_sessions, console_errors
):
    with live_sessions() as session:
        camille = accounts.create_user(session, "camille", PASSWORD, role="editor")
        regions.create_region(session, "Brest")
        editing.create_recipe(
            session, author=camille, title="Copy party", body="Copier.\n", render=render_markdown
        )
    page.route(TILES, lambda route: route.abort())
    sign_in(page, "camille")

    page.goto("/recipes/copy-party/events")
    picker = page.locator(".event-map--picker.event-map--drawn")
    expect(picker).to_be_visible()
    picker.click(position={"x": 120, "y": 80})
    expect(page.locator("#event-latitude")).to_have_value(re.compile(r"^-?\d+\.\d{5}$"))
    latitude = float(page.locator("#event-latitude").input_value())
    longitude = float(page.locator("#event-longitude").input_value())
    assert -90 <= latitude <= 90 and -180 <= longitude <= 180
    page.fill("#event-starts-at", "2026-05-14")
    page.fill("#event-place", "Les Capucins, Brest")
    page.select_option("#event-region", "brest")
    page.click(".event-form button[type=submit]")
    expect(page.locator("h1")).to_have_text("Copy party, Les Capucins, Brest")

    page.goto("/map")
    expect(page.locator(".event-map[data-loaded='1']")).to_be_attached()
    page.locator(".leaflet-marker-icon").first.click()
    popup = page.locator(".leaflet-popup-content a")
    expect(popup).to_have_text("Copy party, Les Capucins, Brest")
    popup.click()
    expect(page).to_have_url(re.compile(r"/events/\d+$"))

    # The recipe's page lists it among its latest events, with a small map of them.
    page.goto("/recipes/copy-party")
    latest = page.locator(".recipe-events")
    expect(latest.locator(".event-item a")).to_have_text("Copy party, Les Capucins, Brest")
    expect(latest.locator(".event-map--small[data-loaded='1']")).to_be_visible()
    expect(latest.locator(".leaflet-marker-icon")).to_have_count(1)

    errors = [
        error
        for error in console_errors
        if "tile.openstreetmap.org" not in error and "ERR_FAILED" not in error
    ]
    assert errors == []
