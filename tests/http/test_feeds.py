"""Atom feeds (RFC 4287): well-formed, with the required elements, public changes only, text escaped."""

from __future__ import annotations

from datetime import datetime
from xml.etree import ElementTree

import pytest

from tests.xss_payloads import XSS_PAYLOADS
from wiki.markdown import render_markdown

ATOM = "{http://www.w3.org/2005/Atom}"
TEXT = "Louer une salle.\n"


def parse_atom(response) -> ElementTree.Element:
    """The feed's root element, after checking the RFC 4287 elements every feed and entry must have."""
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml" and response.mimetype_params["charset"] == "utf-8"
    feed = ElementTree.fromstring(response.data)
    assert feed.tag == f"{ATOM}feed"
    _check_common(feed)
    assert feed.find(f"{ATOM}link[@rel='self']") is not None
    assert feed.find(f"{ATOM}author/{ATOM}name") is not None  # entries may then omit theirs
    ids = [entry.findtext(f"{ATOM}id") for entry in feed.findall(f"{ATOM}entry")]
    assert len(ids) == len(set(ids))
    for entry in feed.findall(f"{ATOM}entry"):
        _check_common(entry)
        assert entry.find(f"{ATOM}link[@rel='alternate']").get("href").startswith("http")
        # An entry without content must have an alternate link and a summary.
        assert entry.find(f"{ATOM}summary") is not None
    return feed


def _check_common(element: ElementTree.Element) -> None:
    for name in ("id", "title", "updated"):
        assert len(element.findall(f"{ATOM}{name}")) == 1, name
    assert element.findtext(f"{ATOM}id").strip()
    assert datetime.fromisoformat(element.findtext(f"{ATOM}updated")).tzinfo is not None


@pytest.fixture
def editor(api_token):
    return {"Authorization": f"Bearer {api_token('camille', 'editor')}"}


@pytest.fixture
def recipes(client, editor):
    assert client.post("/api/v1/regions", json={"name": "Brest"}, headers=editor).status_code == 201
    for title, region in [("Copy party", "brest"), ("Repair café", None)]:
        answer = client.post(
            "/api/v1/recipes", json={"title": title, "body": TEXT, "region": region}, headers=editor
        )
        assert answer.status_code == 201
    saved = client.put(
        "/api/v1/recipes/copy-party", json={"body": "Autre.\n", "base_revision": 1}, headers=editor
    )
    assert saved.status_code == 200


def titles(feed) -> list[str]:
    return [entry.findtext(f"{ATOM}title") for entry in feed.findall(f"{ATOM}entry")]


def test_the_site_feed_lists_every_public_change_newest_first(client, recipes):
    feed = parse_atom(client.get("/feeds/changes.atom"))
    assert titles(feed) == ["edit : Copy party", "create : Repair café", "create : Copy party"]
    newest = feed.find(f"{ATOM}entry")
    assert newest.find(f"{ATOM}link").get("href").endswith("/recipes/copy-party/diff?from=1&to=2")
    assert feed.findtext(f"{ATOM}updated") == newest.findtext(f"{ATOM}updated")


def test_a_recipe_feed_and_a_region_feed_list_their_changes_only(client, recipes):
    assert titles(parse_atom(client.get("/feeds/recipes/repair-cafe.atom"))) == ["create : Repair café"]
    assert titles(parse_atom(client.get("/feeds/regions/brest.atom"))) == [
        "edit : Copy party",
        "create : Copy party",
    ]
    for path in ["/feeds/recipes/nope.atom", "/feeds/regions/nulle-part.atom"]:
        assert client.get(path).status_code == 404


def test_entries_and_a_recipe_feed_link_to_the_deed_of_the_licence(client, editor):
    body = {"title": "Grainothèque", "body": TEXT, "licence": "CC0-1.0"}
    assert client.post("/api/v1/recipes", json=body, headers=editor).status_code == 201
    cc0 = "https://creativecommons.org/publicdomain/zero/1.0/"
    feed = parse_atom(client.get("/feeds/recipes/grainotheque.atom"))
    assert feed.find(f"{ATOM}link[@rel='license']").get("href") == cc0
    site = parse_atom(client.get("/feeds/changes.atom"))
    assert site.find(f"{ATOM}link[@rel='license']") is None  # recipes of a whole wiki differ
    assert site.find(f"{ATOM}entry/{ATOM}link[@rel='license']").get("href") == cc0


def test_an_empty_feed_is_still_valid(client):
    assert titles(parse_atom(client.get("/feeds/changes.atom"))) == []


def test_hostile_titles_and_summaries_are_escaped(client, editor):
    for n, payload in enumerate(XSS_PAYLOADS + ["]]></title><entry>", "&amp; &lt;", "\x01\x0b"]):
        created = client.post(
            "/api/v1/recipes",
            json={"title": f"T{n} {payload}", "body": payload, "summary": payload},
            headers=editor,
        )
        assert created.status_code == 201, created.get_json()
    feed = parse_atom(client.get("/feeds/changes.atom"))
    summaries = [entry.findtext(f"{ATOM}summary") for entry in feed.findall(f"{ATOM}entry")]
    items = client.get("/api/v1/changes?limit=50").get_json()["items"]
    # Each summary comes back as the text that was typed, never as markup of the feed.
    assert summaries == [f"{item['summary']} ({item['size_delta']:+d})" for item in items]
    assert any("<script" in s for s in summaries)
    assert all(child.tag.startswith(ATOM) for entry in feed for child in entry)


def test_pending_text_never_reaches_a_feed(app, client, editor):
    from recipes.community import accounts
    from recipes.history import editing

    client.post("/api/v1/recipes", json={"title": "Copy party", "body": TEXT}, headers=editor)
    with app.extensions["levain.sessions"]() as session:
        lea = accounts.create_user(session, "lea", "password123", role="contributor")
        pending = editing.save_edit(
            session,
            "copy-party",
            author=lea,
            body="SECRET\n",
            base_revision=1,
            summary="SECRET summary",
            render=render_markdown,
            review_policy="new-accounts",
        )
        assert pending.revision.status == "pending"
    for path in ["/feeds/changes.atom", "/feeds/recipes/copy-party.atom"]:
        response = client.get(path)
        assert titles(parse_atom(response)) == ["create : Copy party"] and b"SECRET" not in response.data
