"""A reader's search in a real browser: words without their accents, variants grouped, a facet, a result.

The recipes are written straight into the live server's database (with their search outbox rows,
as a save writes them); the server's first search brings them into its index. No page may log a
console error: a violation of the Content-Security-Policy shows up as one. The results page is
saved in docs/screenshots/search.png.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from recipes.community import accounts, regions
from recipes.database import make_engine, make_session_factory
from recipes.history import editing
from recipes.lineage import forks
from wiki.markdown import render_markdown

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
CARTOPARTIE = """Une cartopartie réunit des bénévoles pour cartographier un quartier avec le réseau
OpenStreetMap : chacun relève les bancs, les commerces et les arbres, puis on saisit tout ensemble."""
JARDIN = """Un jardin partagé vit de son réseau de voisins : une parcelle, une convention avec la mairie
et un composteur. On se retrouve le samedi matin pour arroser."""
REPAIR = "Volunteers fix toasters and bikes with their owners. Check the insurance of the venue."


@pytest.fixture
def recipes_to_find(live_server, tmp_path):
    """Three recipes (one of them forked in Brest) in the live server's database."""
    engine = make_engine(f"sqlite:///{tmp_path / 'levain.db'}")
    try:
        with make_session_factory(engine)() as session:
            author = accounts.create_user(session, "yann", "un mot de passe solide", role="editor")
            for name in ("Brest", "Lyon"):
                regions.create_region(session, name)
            editing.create_recipe(session, author=author, title="Organiser une cartopartie", body=CARTOPARTIE,
                                  tags=["cartographie"], region="lyon", render=render_markdown)
            forks.fork_recipe(session, "organiser-une-cartopartie", author=author, region="brest",
                              render=render_markdown)
            editing.create_recipe(session, author=author, title="Jardin partagé", body=JARDIN,
                                  tags=["jardin"], region="lyon", render=render_markdown)
            editing.create_recipe(session, author=author, title="Repair Café", body=REPAIR, language="en",
                                  tags=["repair"], render=render_markdown)
    finally:
        engine.dispose()


def test_search_without_accents_narrow_by_a_facet_and_open_a_result(page, recipes_to_find, console_errors):
    page.goto("/")
    page.fill("#site-search-q", "reseau")
    page.press("#site-search-q", "Enter")

    expect(page).to_have_url(re.compile(r"/search\?q=reseau$"))
    expect(page.locator("#search-count")).to_have_text("2 results")
    hits = page.locator(".search-hit")
    expect(hits).to_have_count(2)
    expect(page.locator(".search-hit__snippet mark").first).to_have_text(re.compile("^réseau$", re.I))
    cartopartie = hits.filter(has_text="Organiser une cartopartie")
    expect(cartopartie.locator(".search-hit__variants")).to_contain_text("(1 variant)")
    expect(page.locator(".search-facet").filter(has_text="Region")).to_contain_text("Lyon")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "search.png"), full_page=True)

    page.locator(".search-facet").filter(has_text="Tag").get_by_role("link", name="jardin").click()
    expect(page).to_have_url(re.compile(r"[?&]tag=jardin\b"))
    expect(page.locator("#search-count")).to_have_text("1 result")
    expect(page.locator(".search-facet__chosen")).to_contain_text("jardin")
    expect(page.locator("#search-q")).to_have_value("reseau")

    page.locator(".search-facet__chosen").get_by_role("link").click()
    expect(page.locator("#search-count")).to_have_text("2 results")
    page.locator(".search-hit__title a", has_text="Jardin partagé").click()
    expect(page).to_have_url(re.compile(r"/recipes/jardin-partage$"))
    expect(page.locator("h1")).to_contain_text("Jardin partagé")
    assert console_errors == []


def test_a_phrase_an_exclusion_and_a_misspelt_word(page, recipes_to_find, console_errors):
    page.goto("/search?q=%22jardin+partage%22+-cartopartie")
    expect(page.locator("#search-count")).to_have_text("1 result")
    expect(page.locator(".search-hit__title")).to_have_text("Jardin partagé")

    page.goto("/search?q=cartopartei")
    suggestion = page.locator(".search-suggestion a")
    expect(suggestion).to_have_text("cartopartie")
    suggestion.click()
    expect(page.locator(".search-hit__title")).to_have_text("Organiser une cartopartie")
    assert console_errors == []
