"""Browser tests: a live Levain server on a fresh SQLite database, driven by Debian's Chromium.

Playwright's own browsers are not used (``playwright install`` is not available here): the tests
launch ``/usr/bin/chromium``. Without it the browser tests are skipped, except under ``CI=true``,
where a missing browser fails the run.
"""

from __future__ import annotations

import os
import shutil
import threading

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from recipes.database import make_engine, make_session_factory
from tests.conftest import close_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
IN_CI = os.environ.get("CI", "").lower() == "true"
# The password of every account the browser tests make, in the database or through the forms.
PASSWORD = "un mot de passe solide"


def sign_in(page, name: str, *, register: bool = False) -> None:
    """Log in as ``name`` with PASSWORD through the login form, or first create the account through
    the registration form (``register``); return once the page names the person logged in."""
    page.goto("/register" if register else "/login")
    page.fill("#username", name)
    page.fill("#password", PASSWORD)
    page.click("main form.stacked-form button[type=submit]")
    expect(page.locator(".site-account__name")).to_have_text(name)


@pytest.fixture
def live_server(tmp_path, sqlite_template):
    """The base URL of a Levain app served in a thread on 127.0.0.1 and a free port."""
    from wiki import create_app

    database = tmp_path / "levain.db"
    shutil.copyfile(sqlite_template, database)
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{database}",
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "SECRET_KEY": "browser-test-secret",
            "REVIEW_POLICY": "none",
            "RATELIMIT_ENABLED": False,
        }
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="levain-live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()
    server.server_close()
    close_app(app)


@pytest.fixture
def live_sessions(live_server, tmp_path):
    """A session factory on the live server's database, to prepare what the pages will show."""
    engine = make_engine(f"sqlite:///{tmp_path / 'levain.db'}")
    yield make_session_factory(engine)
    engine.dispose()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, launched once for the session."""
    if not os.path.exists(CHROMIUM):
        if IN_CI:
            pytest.fail(
                f"{CHROMIUM} is missing: the browser tests must run in CI (apt-get install chromium)."
            )
        pytest.skip(f"{CHROMIUM} is missing")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def console_errors() -> list[str]:
    """Errors the pages reported: console errors (CSP violations among them) and uncaught exceptions."""
    return []


@pytest.fixture
def page(browser, live_server, console_errors):
    """A fresh browser tab on the live server; relative addresses go to it."""
    context = browser.new_context(base_url=live_server)
    tab = context.new_page()
    tab.set_default_timeout(10_000)

    def on_console(message):
        if message.type == "error":
            console_errors.append(f"{tab.url}: {message.text}")

    tab.on("console", on_console)
    tab.on("pageerror", lambda error: console_errors.append(str(error)))
    yield tab
    context.close()


@pytest.fixture
def dialogs(page) -> list[str]:
    """Every dialog (alert, confirm, prompt) a page opens, dismissed at once."""
    opened: list[str] = []

    def on_dialog(dialog):
        opened.append(f"{page.url}: {dialog.type} {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return opened
