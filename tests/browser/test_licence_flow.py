"""Forking under a licence, in a real browser: the fork form says what the parent's licence allows,
offers only the licences it permits, and the variant's page credits the recipe it came from.

An editor wrote "Copy party" under CC BY 4.0; a contributor forks it for Brest under CC BY-SA 4.0.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from recipes.community import accounts, regions
from recipes.history import editing
from tests.browser.conftest import PASSWORD, sign_in
from tests.browser.test_fork_flow import TEXT, domain  # noqa: F401 - the fixture runs on the live database
from wiki.markdown import render_markdown

pytestmark = pytest.mark.browser


def test_fork_under_a_licence_the_parent_permits_and_see_the_credit(page, domain, console_errors):  # noqa: F811
    def setup(session):
        camille = accounts.create_user(session, "camille", PASSWORD, role="editor")
        accounts.create_user(session, "lea", PASSWORD, role="contributor")
        regions.create_region(session, "Brest")
        editing.create_recipe(
            session,
            author=camille,
            title="Copy party",
            body=TEXT,
            render=render_markdown,
            licence="CC-BY-4.0",
            offered_licences=("CC-BY-4.0",),
        )

    domain(setup)
    sign_in(page, "lea")

    page.goto("/recipes/copy-party")
    expect(page.locator("a[rel=license]").first).to_have_text("CC BY 4.0")
    page.click("text=Fork for my region")
    expect(page.locator(".licence-note")).to_contain_text("This recipe is under CC BY 4.0")
    offered = page.locator("#licence option").all_inner_texts()
    assert "CC BY-SA 4.0" in offered and "CC0 1.0" not in offered
    page.select_option("#region", "brest")
    page.select_option("#licence", "CC-BY-SA-4.0")
    page.click("text=Create my variant")
    expect(page).to_have_url(re.compile(r"/recipes/copy-party-brest$"))

    expect(page.locator(".recipe-facts .licence a[rel=license]")).to_have_text("CC BY-SA 4.0")
    expect(page.locator(".recipe-credit .attribution")).to_contain_text(
        "Adapted from “Copy party” by camille — CC BY 4.0"
    )
    assert console_errors == []
