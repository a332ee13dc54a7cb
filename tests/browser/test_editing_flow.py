"""An editor's whole path through the wiki in a real browser, with the pages' scripts running.

Register, write a recipe while the live preview follows, save, edit with a summary, read the history,
compare the two revisions, revert to the first one. No page may log a console error: a violation of
the Content-Security-Policy (an inline script or style) shows up as one.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

FIRST_TEXT = "## Matériel\n\nDes tables, des multiprises et du café."
SECOND_TEXT = "## Matériel\n\nDes tables, des rallonges et du café.\n\n## Étapes\n\n1. Réserver la salle."


def radio(page, column: str, number: int):
    """The radio button of the history's "from" or "to" column on revision ``number``."""
    return page.locator(f"tr[data-number='{number}'] input[name={column}]")


def write_with_live_preview(page) -> None:
    """Open the editor from a missing link's address, type the first text, watch the preview follow."""
    page.goto("/recipes/new?title=Copy%20party%20au%20quartier")
    expect(page.locator("#title")).to_have_value("Copy party au quartier")
    expect(page.locator("#body")).to_have_value(re.compile("## Présentation"))
    expect(page.locator("#preview h2").first).to_have_text("Présentation")

    page.fill("#body", "")
    page.locator("#body").press_sequentially(FIRST_TEXT)
    # The starter's seven sections give way to the one typed.
    expect(page.locator("#preview h2")).to_have_count(1)
    expect(page.locator("#preview h2")).to_have_text("Matériel")
    expect(page.locator("#preview p")).to_have_text("Des tables, des multiprises et du café.")


def test_write_edit_compare_and_revert_a_recipe(page, console_errors):
    sign_in(page, "amelie", register=True)
    write_with_live_preview(page)
    page.click("text=Save")

    expect(page).to_have_url(re.compile(r"/recipes/copy-party-au-quartier$"))
    expect(page.locator(".prose p")).to_have_text("Des tables, des multiprises et du café.")

    page.click(".recipe-actions >> text=Edit")
    expect(page.locator("#body")).to_have_value(FIRST_TEXT)
    page.fill("#body", SECOND_TEXT)
    expect(page.locator("#preview li")).to_have_text("Réserver la salle.")
    page.fill("#summary", "rallonges et étapes")
    page.click("text=Save")
    expect(page.locator(".flash")).to_contain_text("revision 2")
    expect(page.locator(".prose li")).to_have_text("Réserver la salle.")

    page.click(".recipe-actions >> text=History")
    rows = page.locator("table.history tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("rallonges et étapes")
    page.click("text=Compare the selected revisions")

    expect(page).to_have_url(re.compile(r"/diff\?(?=.*\bfrom=1\b)(?=.*\bto=2\b)"))
    expect(page.locator("table.diff del").first).to_have_text("multiprises")
    expect(page.locator("table.diff ins").first).to_have_text("rallonges")
    page.click(".view-switch >> text=Side by side")
    expect(page.locator("table.diff--side")).to_be_visible()

    page.goto("/recipes/copy-party-au-quartier/history")
    page.locator("tr[data-number='1']").get_by_role("link", name="Revert to this").click()
    # Nothing happens before the person has seen what going back changes, and confirmed it.
    expect(page.locator("table.diff ins").first).to_have_text("multiprises")
    page.click("#confirm-form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/recipes/copy-party-au-quartier$"))
    expect(page.locator(".prose p")).to_have_text("Des tables, des multiprises et du café.")
    expect(page.locator(".prose li")).to_have_count(0)
    expect(page.locator(".revision-line")).to_contain_text("Revision 3")

    assert console_errors == []


def test_history_radios_offer_only_sensible_pairs(page, console_errors):
    sign_in(page, "basile", register=True)
    page.goto("/recipes/new")
    page.fill("#title", "Repair café")
    page.fill("#body", "v1")
    page.click("text=Save")
    for text in ("v2", "v3"):
        page.click(".recipe-actions >> text=Edit")
        page.fill("#body", text)
        page.click("text=Save")
        expect(page.locator(".flash")).to_be_visible()

    page.goto("/recipes/repair-cafe/history")
    expect(radio(page, "to", 3)).to_be_checked()
    expect(radio(page, "from", 2)).to_be_checked()
    expect(radio(page, "from", 3)).to_be_hidden()
    expect(radio(page, "to", 1)).to_be_hidden()
    radio(page, "from", 1).check()
    expect(radio(page, "to", 2)).to_be_visible()
    page.click("text=Compare the selected revisions")
    expect(page).to_have_url(re.compile(r"/diff\?(?=.*\bfrom=1\b)(?=.*\bto=3\b)"))
    assert console_errors == []


def test_the_toolbar_and_the_language_of_the_template(page, console_errors):
    sign_in(page, "chloe", register=True)
    page.goto("/recipes/new")
    page.select_option("#language", "en")
    expect(page.locator("#body")).to_have_value(re.compile(r"^## Overview"))
    expect(page.locator("#preview h2").first).to_have_text("Overview")

    page.fill("#body", "Hello world")
    page.locator("#body").evaluate("textarea => textarea.setSelectionRange(6, 11)")
    page.click("[data-markdown=bold]")
    expect(page.locator("#body")).to_have_value("Hello **world**")
    expect(page.locator("#preview strong")).to_have_count(1)
    expect(page.locator("#preview strong")).to_have_text("world")
    page.locator("#body").press("End")  # the wrapped word stays selected; leave it
    page.click("[data-markdown=wikilink]")
    expect(page.locator("#body")).to_have_value("Hello **world**[[Title of a recipe]]")
    expect(page.locator("#preview a.wikilink.missing")).to_have_text("Title of a recipe")
    assert console_errors == []
