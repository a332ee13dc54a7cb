"""Switching the language, finding the way and reading on a phone, in a real browser.

The language switch is a form on every page: the interface turns French, then English, on the same
page, and stays so from page to page. The home page leads to tags and regions; the pages work from
the keyboard; an axe-core check finds no "serious" or "critical" accessibility violation on the
main pages; on a 390×844 phone screen no page is wider than the screen. Screenshots of the phone
layout are saved in docs/screenshots/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PHONE = {"width": 390, "height": 844}
LONG_PAGES = {"home", "recipe", "edit"}
BLOCKING_IMPACTS = {"serious", "critical"}
RECIPE_TEXT = (
    "## Présentation\n\nUne cartopartie réunit des habitants pour cartographier leur quartier "
    "sur OpenStreetMap, à pied, avec un smartphone ou un carnet.\n\n"
    "## Matériel\n\n- des cartes imprimées\n- des crayons\n- un vidéoprojecteur\n\n"
    "## Étapes\n\n1. Choisir un quartier.\n2. Former des équipes.\n3. Saisir les relevés."
)


def write_recipe(page, title: str, tags: str, region: str = "", body: str = RECIPE_TEXT) -> None:
    page.goto("/recipes/new")
    page.fill("#title", title)
    if region:
        page.select_option("#region", region)
    page.fill("#tags", tags)
    page.fill("#body", body)
    page.click(".editor-buttons button[type=submit]")
    expect(page.locator(".flash")).to_be_visible()


def add_region(page, name: str) -> None:
    page.goto("/regions")
    page.fill("#region-name", name)
    page.click("form.stacked-form button[type=submit]")
    expect(page.locator(".flash")).to_be_visible()


@pytest.fixture
def wiki(page):
    """Two recipes in two regions, one of them edited once, written by an editor who stays logged in."""
    sign_in(page, "louise", register=True)
    add_region(page, "Pays de Brest")
    add_region(page, "Genève")
    write_recipe(page, "Cartopartie à Plouarzel", "cartographie, quartier", "pays-de-brest")
    write_recipe(page, "Repair café", "réparation, quartier", "geneve", "## Matériel\n\nDes tournevis.")
    page.goto("/recipes/cartopartie-a-plouarzel/edit")
    page.fill("#body", RECIPE_TEXT + "\n4. Fêter ça.")
    page.fill("#summary", "une étape de plus")
    page.click(".editor-buttons button[type=submit]")
    expect(page.locator(".flash")).to_contain_text("2")
    return page


def test_switch_the_language_on_the_same_page(wiki, console_errors):
    page = wiki
    page.goto("/tags/quartier?from=home")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Recipes tagged “quartier”")

    page.click(".language-switch >> text=Français")
    expect(page).to_have_url(re.compile(r"/tags/quartier\?from=home$"))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("h1")).to_have_text("Recettes étiquetées « quartier »")
    expect(page.locator(".site-nav")).to_contain_text("Territoires")

    # Remembered from page to page; the recipe keeps its own language inside a French interface.
    page.click("text=Cartopartie à Plouarzel")
    expect(page.locator(".recipe-actions")).to_contain_text("Modifier")
    expect(page.locator("article.recipe")).to_have_attribute("lang", "fr")

    page.click(".language-switch >> text=English")
    expect(page).to_have_url(re.compile(r"/recipes/cartopartie-a-plouarzel$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".recipe-actions")).to_contain_text("Edit")
    assert console_errors == []


def test_home_leads_to_tags_and_regions(wiki, console_errors):
    page = wiki
    page.goto("/")
    popular = page.locator("section[aria-labelledby=popular-title] .recipe-list__title")
    expect(popular.first).to_have_text("Cartopartie à Plouarzel")  # two edits this month
    expect(page.locator("section[aria-labelledby=recent-title] .recipe-list__title").first).to_have_text(
        "Cartopartie à Plouarzel"
    )
    page.locator(".tag-cloud").get_by_role("link", name="quartier").click()
    expect(page).to_have_url(re.compile(r"/tags/quartier$"))
    expect(page.locator(".recipe-list__title")).to_have_count(2)

    page.goto("/")
    page.locator(".region-list").get_by_role("link", name="Genève").click()
    expect(page).to_have_url(re.compile(r"/regions/geneve$"))
    expect(page.locator(".node__title")).to_have_text("Repair café")
    page.locator("section[aria-labelledby=region-tags-title]").get_by_role("link", name="réparation").click()
    expect(page.locator("h1")).to_have_text("Recipes tagged “réparation”")
    assert console_errors == []


def test_the_keyboard_reaches_content_and_the_language_switch(wiki, console_errors):
    page = wiki
    page.goto("/")
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))

    page.goto("/tags")
    switch = page.locator(".language-switch button")
    for _ in range(30):  # Tab through the header until the switch has the focus
        page.keyboard.press("Tab")
        if switch.evaluate("button => button === document.activeElement"):
            break
    expect(switch).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Étiquettes")
    assert console_errors == []


def test_the_editor_toolbar_and_the_unsaved_changes_warning(wiki, console_errors):
    page = wiki
    page.goto("/recipes/repair-cafe/edit")
    for name in ("bold", "italic", "heading", "list", "link"):
        expect(page.locator(f"[data-markdown={name}]")).to_have_accessible_name(name.capitalize())
    page.fill("#body", "tournevis")
    page.locator("#body").evaluate("textarea => textarea.setSelectionRange(0, 9)")
    # From the keyboard: one Tab stop for the toolbar, arrows between its buttons.
    page.focus("[data-markdown=bold]")
    page.keyboard.press("ArrowRight")
    expect(page.locator("[data-markdown=italic]")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#body")).to_have_value("*tournevis*")
    page.focus("[data-markdown=italic]")
    page.keyboard.press("ArrowLeft")
    expect(page.locator("[data-markdown=bold]")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(page.locator("#tags")).to_be_focused()

    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.locator(".site-name").click()
    expect(page).to_have_url(re.compile(r"/edit$"))  # the person stayed to save their text
    assert dialogs == ["beforeunload"]
    assert console_errors == []


MAIN_PAGES = {
    "home": "/",
    "recipe": "/recipes/cartopartie-a-plouarzel",
    "edit": "/recipes/cartopartie-a-plouarzel/edit",
    "history": "/recipes/cartopartie-a-plouarzel/history",
    "diff": "/recipes/cartopartie-a-plouarzel/diff?from=1&to=2",
    "search": "/search?q=cartographie",
    "tag": "/tags/quartier",
    "region": "/regions/pays-de-brest",
}


def blocking_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {[node['target'] for node in violation['nodes']]}"
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_no_serious_accessibility_violation_on_the_main_pages(wiki, browser, live_server, language):
    page = wiki
    context = page.context
    context.add_cookies([{"name": "levain_lang", "value": language, "url": live_server}])
    found = {}
    for name, path in MAIN_PAGES.items():
        page.goto(path)
        found[name] = blocking_violations(page)
    anonymous = browser.new_context(base_url=live_server)
    login = anonymous.new_page()
    login.goto("/login")
    found["login"] = blocking_violations(login)
    anonymous.close()
    assert {name: v for name, v in found.items() if v} == {}


def test_phone_layout_fits_the_screen(wiki, browser, live_server, console_errors):
    phone = browser.new_context(
        base_url=live_server, viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
        locale="fr-FR",
    )
    phone.add_cookies(wiki.context.cookies())  # logged in, as the editor who wrote the recipes
    page = phone.new_page()
    page.on("pageerror", lambda error: console_errors.append(str(error)))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name in ("home", "recipe", "edit", "history", "diff", "tag", "region"):
        page.goto(MAIN_PAGES[name])
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{name} is {width}px wide on a {PHONE['width']}px screen"
        # The first screen of the long pages, as a phone shows it; the short ones whole.
        page.screenshot(path=str(SCREENSHOTS / f"phone-{name}.png"), full_page=name not in LONG_PAGES)
    phone.close()
    assert console_errors == []


DESKTOP = {"width": 1280, "height": 900}


def test_desktop_pages_are_saved_for_the_readme(wiki, browser, live_server, console_errors):
    desktop = browser.new_context(base_url=live_server, viewport=DESKTOP, locale="fr-FR")
    desktop.add_cookies(wiki.context.cookies())
    page = desktop.new_page()
    page.on("pageerror", lambda error: console_errors.append(str(error)))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name in ("recipe", "edit", "history", "diff"):
        page.goto(MAIN_PAGES[name])
        expect(page.locator("main h1")).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / f"{'editor' if name == 'edit' else name}.png"))
    desktop.close()
    assert console_errors == []
