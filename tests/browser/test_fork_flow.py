"""A region's whole path with a recipe, in a real browser: fork, adapt, sync with a conflict, propose back.

An editor wrote "Copy party"; a contributor forks it for Brest and changes a line that upstream changes
too. The sync page shows the conflict with base, ours and theirs; the contributor takes both sides with
a button (the page's script), rewrites them, and saves. Then they propose their change upstream, and
the editor accepts it. No page may log a console error (a CSP violation shows up as one).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from recipes import queries
from recipes.community import accounts, regions
from recipes.history import editing
from tests.browser.conftest import PASSWORD, sign_in
from wiki.markdown import render_markdown

pytestmark = pytest.mark.browser

TEXT = "Louer une salle.\n\nApporter des clés USB.\n\nCopier des logiciels libres.\n"


@pytest.fixture
def domain(live_sessions):
    """Run domain functions on the live server's database."""

    def run(action):
        with live_sessions() as session:
            return action(session)

    return run


def upstream_edit(session, old: str, new: str) -> None:
    author = accounts.find_user(session, "camille")
    recipe = queries.get_recipe(session, "copy-party")
    body = TEXT.replace(old, new)
    editing.save_edit(
        session,
        "copy-party",
        author=author,
        body=body,
        base_revision=recipe.head_number,
        render=render_markdown,
    )


def test_fork_edit_sync_with_a_conflict_propose_and_accept(page, domain, console_errors):
    def setup(session):
        camille = accounts.create_user(session, "camille", PASSWORD, role="editor")
        accounts.create_user(session, "lea", PASSWORD, role="contributor")
        regions.create_region(session, "Brest")
        editing.create_recipe(session, author=camille, title="Copy party", body=TEXT, render=render_markdown)

    domain(setup)
    sign_in(page, "lea")

    page.goto("/recipes/copy-party")
    page.click("text=Fork for my region")
    page.select_option("#region", "brest")
    page.click("text=Create my variant")
    expect(page).to_have_url(re.compile(r"/recipes/copy-party-brest$"))
    expect(page.locator(".lineage-note")).to_contain_text("Copy party")

    page.click(".recipe-actions >> text=Edit")
    page.fill("#body", TEXT.replace("des clés USB", "des DVD"))
    page.fill("#summary", "Des DVD à Brest")
    page.click("text=Save")
    expect(page.locator(".prose")).to_contain_text("Apporter des DVD.")

    domain(lambda session: upstream_edit(session, "des clés USB", "des disques durs"))

    page.goto("/recipes/copy-party-brest/lineage")
    expect(page.locator(".node--current")).to_contain_text("1 upstream change not yet in")
    page.click(".node--current >> text=1 upstream change not yet in")
    expect(page.locator(".sync-status")).to_contain_text("1 upstream change not yet in your variant")
    conflict = page.locator("[data-conflict]")
    expect(conflict).to_have_count(1)
    expect(conflict.locator("[data-side=base]")).to_have_text("Apporter des clés USB.\n")
    expect(conflict.locator("[data-side=ours]")).to_have_text("Apporter des DVD.\n")
    expect(conflict.locator("[data-side=theirs]")).to_have_text("Apporter des disques durs.\n")
    box = conflict.locator("textarea")
    expect(box).to_have_value("Apporter des DVD.\n")
    conflict.locator("button[data-take=both]").click()
    expect(box).to_have_value("Apporter des DVD.\nApporter des disques durs.\n")
    box.fill("Apporter des DVD et des disques durs.\n")
    page.click("text=Save the merged text")
    expect(page).to_have_url(re.compile(r"/recipes/copy-party-brest$"))
    expect(page.locator(".flash")).to_contain_text("upstream changes")
    expect(page.locator(".prose")).to_contain_text("Apporter des DVD et des disques durs.")

    page.goto("/recipes/copy-party-brest/lineage")
    expect(page.locator(".node--current")).to_contain_text("up to date with upstream")

    page.goto("/recipes/copy-party-brest/proposals")
    page.fill("#proposal-summary", "Les DVD aussi")
    page.click("text=Propose upstream")
    expect(page).to_have_url(re.compile(r"/proposals/1$"))
    expect(page.locator("table.diff ins").first).to_contain_text("DVD et")
    expect(page.locator("text=Accept and merge")).to_have_count(0)

    page.click("text=Log out")
    sign_in(page, "camille")
    page.goto("/proposals/1")
    page.fill("#accept-comment", "Merci Brest !")
    page.click("text=Accept and merge")
    expect(page.locator(".banner")).to_contain_text("Accepted by camille")
    page.goto("/recipes/copy-party")
    expect(page.locator(".prose")).to_contain_text("Apporter des DVD et des disques durs.")
    page.goto("/recipes/copy-party/proposals")
    expect(page.locator(".proposal-list")).to_contain_text("accepted")

    assert console_errors == []
