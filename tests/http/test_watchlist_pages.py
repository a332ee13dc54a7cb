"""The watchlist in the browser: buttons on recipe and region pages, and the changes since the last visit."""

from __future__ import annotations

import re

import pytest

from recipes.community import accounts, regions
from recipes.events.recording import record_event
from recipes.history import editing
from wiki.markdown import render_markdown

TEXT = "Louer une salle.\n"


@pytest.fixture
def wiki(app, make_user):
    make_user("camille", role="editor")
    with app.extensions["levain.sessions"]() as session:
        camille = accounts.find_user(session, "camille")
        regions.create_region(session, "Brest")
        editing.create_recipe(session, author=camille, title="Copy party", body=TEXT, render=render_markdown)
        editing.create_recipe(
            session, author=camille, title="Repair café", body=TEXT, render=render_markdown, region="brest"
        )


def test_watching_a_recipe_and_a_region_from_their_pages(client, wiki, login):
    csrf = login("lea", role="contributor")
    recipe_page = client.get("/recipes/copy-party").get_data(as_text=True)
    assert 'action="/recipes/copy-party/watch"' in recipe_page
    assert 'action="/regions/brest/watch"' in client.get("/regions/brest").get_data(as_text=True)
    done = client.post("/recipes/copy-party/watch", data={"csrf_token": csrf})
    assert done.status_code == 303 and done.headers["Location"] == "/recipes/copy-party"
    assert 'action="/recipes/copy-party/unwatch"' in client.get("/recipes/copy-party").get_data(as_text=True)
    client.post("/regions/brest/watch", data={"csrf_token": csrf, "next": "/watchlist"})
    html = client.get("/watchlist").get_data(as_text=True)
    assert html.count("data-change=") == 2 and html.count('class="status status--new"') == 2
    again = client.get("/watchlist").get_data(as_text=True)
    assert again.count("data-change=") == 2 and "status--new" not in again
    client.post("/regions/brest/unwatch", data={"csrf_token": csrf})
    assert client.get("/watchlist").get_data(as_text=True).count("data-change=") == 1


def test_the_watchlist_needs_an_account_and_existing_things(app, client, wiki, login):
    assert client.get("/watchlist").status_code == 302
    assert 'action="/recipes/copy-party/watch"' not in client.get("/recipes/copy-party").get_data(
        as_text=True
    )
    csrf = login("lea", role="contributor")
    assert client.post("/recipes/nope/watch", data={"csrf_token": csrf}).status_code == 404
    assert client.post("/regions/nulle-part/watch", data={"csrf_token": csrf}).status_code == 404
    assert client.post("/recipes/copy-party/watch", data={}).status_code == 400  # no CSRF token
    assert (
        client.post(
            "/recipes/copy-party/watch", data={"csrf_token": csrf, "next": "https://evil.example/"}
        ).headers["Location"]
        == "/recipes/copy-party"
    )


def test_the_watchlist_shows_the_events_of_what_is_watched(app, client, wiki, login):
    with app.extensions["levain.sessions"]() as session:
        camille = accounts.find_user(session, "camille")
        editing.create_recipe(
            session, author=camille, title="Atelier vélo", body=TEXT, render=render_markdown
        )

        def did(slug, title, region=None):
            fields = {"starts_at": "2026-05-14", "place": "Brest", "title": title, "region": region}
            record_event(session, slug, fields, author=camille, render=render_markdown)

        did("copy-party", "On the watched recipe")
        did("repair-cafe", "On a recipe of the watched region")
        did("atelier-velo", "Held in the watched region", region="brest")
        did("atelier-velo", "Elsewhere")
    csrf = login("lea", role="contributor")
    client.post("/recipes/copy-party/watch", data={"csrf_token": csrf})
    assert "Nobody has said they did them yet." not in client.get("/watchlist").get_data(as_text=True)
    client.post("/regions/brest/watch", data={"csrf_token": csrf})

    html = client.get("/watchlist").get_data(as_text=True)
    section = html.partition('id="watched-events-title"')[2]
    listed = re.findall(r'<a href="/events/\d+">([^<]+)</a>', section)
    assert sorted(listed) == [
        "Held in the watched region",
        "On a recipe of the watched region",
        "On the watched recipe",
    ]
    changes = html.partition('id="watched-events-title"')[0]
    # Among the changes too, those of the watched recipes and of the recipes of the watched region.
    assert changes.count('<span class="kind kind--event">event recorded</span>') == 2
