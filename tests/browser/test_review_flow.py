"""A moderator works through the review queue in a real browser, with the pages' scripts running.

Two contributors' edits wait for review (saved under the ``new-accounts`` policy). The moderator opens
the queue, reads the first edit as a difference from the text readers see, approves it; opens the
second, tries to reject it without a reason, then with one. Readers then see the approved text and
never the rejected one. No page may log a console error.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from recipes.community import accounts
from recipes.history import editing
from tests.browser.conftest import PASSWORD, sign_in
from wiki.markdown import render_markdown

pytestmark = pytest.mark.browser

FIRST = "## Matériel\n\nDes tables et du café.\n"
APPROVED = "## Matériel\n\nDes tables, des rallonges et du café.\n"
REJECTED = APPROVED + "\nACHETEZ DES MONTRES\n"


@pytest.fixture
def pending_edits(live_sessions):
    """A recipe with two edits awaiting review, written in the live server's database."""
    with live_sessions() as session:
        editor = accounts.create_user(session, "eli", PASSWORD, role="editor")
        accounts.create_user(session, "morgane", PASSWORD, role="moderator")
        contributors = [accounts.create_user(session, name, PASSWORD) for name in ("camille", "dominique")]
        editing.create_recipe(session, author=editor, title="Repair café", body=FIRST, render=render_markdown)
        for number, (author, body) in enumerate(
            zip(contributors, (APPROVED, REJECTED), strict=True), start=1
        ):
            editing.save_edit(
                session,
                "repair-cafe",
                author=author,
                body=body,
                base_revision=number,
                render=render_markdown,
                review_policy="new-accounts",
            )


def test_a_moderator_reviews_pending_edits_in_the_queue(page, console_errors, pending_edits):
    page.goto("/recipes/repair-cafe")
    expect(page.locator(".notice--pending")).to_contain_text("A newer version awaits review")
    expect(page.locator(".prose")).not_to_contain_text("rallonges")

    sign_in(page, "morgane")
    page.goto("/review")
    rows = page.locator("table.review-queue tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("camille")  # oldest first
    rows.first.locator("a").click()

    expect(page).to_have_url(re.compile(r"/review/repair-cafe/2$"))
    expect(page.locator("table.diff ins").first).to_contain_text("rallonges")
    page.click("#approve-form button")
    expect(page.locator(".flash")).to_contain_text("Revision 2 is published")
    expect(page.locator("table.review-queue tbody tr")).to_have_count(1)

    page.locator("table.review-queue tbody tr a").click()
    expect(page.locator("table.diff")).to_contain_text("ACHETEZ DES MONTRES")
    page.click("#reject-form button")  # the browser asks for the required reason first
    expect(page).to_have_url(re.compile(r"/review/repair-cafe/3$"))
    page.fill("#reject-reason", "publicité")
    page.click("#reject-form button")
    expect(page.locator(".flash")).to_contain_text("Revision 3 is rejected")
    expect(page.locator("main")).to_contain_text("Nothing awaits review")

    page.click("text=Log out")
    page.goto("/recipes/repair-cafe")
    expect(page.locator(".prose")).to_contain_text("rallonges")
    expect(page.locator("main")).not_to_contain_text("MONTRES")
    expect(page.locator(".notice--pending")).to_have_count(0)
    assert console_errors == []
