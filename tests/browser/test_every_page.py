"""Every page, as each kind of person sees it, in French and English, on a desktop and on a phone.

A wiki with what makes pages long or wide (task lists, a table, a long line, a variant behind its
upstream, an open proposal, an edit awaiting review) is visited as a reader, a contributor, an editor
and a moderator, at 1280 and 390 px. On each page nothing is wider than the screen (the page does
not scroll sideways; a wide table or diff scrolls in its own box) and axe-core finds no "serious" or
"critical" accessibility violation. Screenshots of the French pages land in docs/screenshots/every-page/.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from recipes.community import accounts
from recipes.history import editing
from recipes.lineage import forks, proposals
from tests.browser.conftest import PASSWORD, sign_in
from wiki.markdown import render_markdown

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "every-page"
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
BLOCKING_IMPACTS = {"serious", "critical"}
SLUG, VARIANT = "grainotheque", "grainotheque-tregor"
BODY = (
    "## Matériel\n\n- [ ] des boîtes\n- [x] des enveloppes\n- [ ] un tampon\n\n"
    "## Budget\n\n| Poste | Coût | Qui paie | Remarque |\n|---|---|---|---|\n"
    "| Boîtes | 40 € | la mairie | en carton recyclé, à demander au service technique |\n"
    "| Enveloppes | 15 € | l'association | kraft, format C6 |\n\n"
    "## Étapes\n\n1. Trouver un lieu.\n2. Récolter des graines : "
    "https://exemple.org/une-adresse-tres-longue-sans-espace-qui-ne-tient-pas-sur-un-telephone\n"
)
# What each person may open; the pages of everyone below them too.
PAGES = {
    "reader": [
        "/",
        f"/recipes/{SLUG}",
        f"/recipes/{SLUG}/history",
        f"/recipes/{SLUG}/revisions/1",
        f"/recipes/{SLUG}/diff?from=1&to=2",
        f"/recipes/{SLUG}/diff?from=1&to=2&view=side",
        f"/recipes/{SLUG}/lineage",
        f"/recipes/{VARIANT}",
        f"/compare?a={SLUG}&b={VARIANT}",
        "/regions",
        "/regions/tregor",
        "/tags",
        "/tags/graines",
        "/search?q=graines",
        "/changes",
        "/proposals/1",
        f"/recipes/{VARIANT}/proposals",
        "/roles",
        "/login",
        "/register",
        "/recipes/troc-de-graines",
    ],
    "contributor": [
        "/recipes/new",
        f"/recipes/{SLUG}/edit",
        f"/recipes/{SLUG}/fork",
        f"/recipes/{VARIANT}/sync",
        f"/recipes/{SLUG}/revert?revision=1",
        "/watchlist",
        "/account/tokens",
    ],
    "editor": ["/moderation"],
    "moderator": [
        "/review",
        f"/review/{SLUG}/3",
        "/audit",
        f"/recipes/{SLUG}/protect",
        "/users/camille/moderate",
        f"/recipes/{SLUG}/rollback?user=camille",
        "/users/camille/rollback",
    ],
}
ROLES = list(PAGES)


def pages_of(role: str) -> list[str]:
    return [path for kind in ROLES[: ROLES.index(role) + 1] for path in PAGES[kind]]


@pytest.fixture
def wiki(live_sessions):
    """A recipe with task lists and a table, edited; a variant behind it with an open proposal; a
    contributor's edit awaiting review; an account for each role."""
    with live_sessions() as session:
        editor = accounts.create_user(session, "eli", PASSWORD, role="editor")
        accounts.create_user(session, "morgane", PASSWORD, role="moderator")
        contributor = accounts.create_user(session, "camille", PASSWORD)
        forks.add_region(session, author=editor, name="Trégor")
        editing.create_recipe(
            session,
            author=editor,
            title="Grainothèque",
            body=BODY,
            render=render_markdown,
            tags=["graines", "jardin"],
        )
        forks.fork_recipe(session, SLUG, author=editor, region="tregor", render=render_markdown)
        editing.save_edit(
            session,
            VARIANT,
            author=editor,
            body=BODY + "\n3. Prévenir le Trégor.\n",
            base_revision=1,
            render=render_markdown,
            summary="local",
        )
        proposals.create_proposal(session, VARIANT, author=editor, summary="Une étape de plus")
        editing.save_edit(
            session,
            SLUG,
            author=editor,
            body=BODY.replace("40 €", "45 €"),
            base_revision=1,
            render=render_markdown,
            summary="prix",
        )
        editing.save_edit(
            session,
            SLUG,
            author=contributor,
            body=BODY.replace("40 €", "50 €"),
            base_revision=2,
            render=render_markdown,
            summary="prix",
            review_policy="new-accounts",
        )


def blocking_violations(page) -> list[str]:
    return [
        f"{violation['id']} ({violation['impact']}): {[node['target'] for node in violation['nodes']][:3]}"
        for violation in Axe().run(page).response["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]


PERSON = {"contributor": "camille", "editor": "eli", "moderator": "morgane"}


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("role", ROLES)
def test_every_page_fits_the_screen_and_passes_axe(wiki, browser, live_server, role, language):
    found: dict[str, list[str]] = {}
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for device, viewport in WIDTHS.items():
        context = browser.new_context(base_url=live_server, viewport=viewport, is_mobile=device == "phone")
        context.add_cookies([{"name": "levain_lang", "value": language, "url": live_server}])
        page = context.new_page()
        if role in PERSON:
            sign_in(page, PERSON[role])
        for path in pages_of(role):
            page.goto(path)
            expect(page.locator("html")).to_have_attribute("lang", language)
            # The editor's preview arrives after the page; axe reads the page once it has.
            expect(page.locator("#preview[data-state='loading']")).to_have_count(0)
            problems = blocking_violations(page)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > viewport["width"]:
                problems.append(f"{width}px wide on a {viewport['width']}px screen")
            if problems:
                found[f"{device} {path}"] = problems
            if language == "fr" and path in PAGES[role]:
                name = path.strip("/").replace("/", "_").replace("?", "_").replace("&", "_") or "home"
                page.screenshot(path=str(SCREENSHOTS / f"{device}-{role}-{name}.png"), full_page=True)
        context.close()
    assert not found, "\n".join(f"{where}: {problems}" for where, problems in found.items())
