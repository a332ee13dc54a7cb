"""Cross-site scripting payloads saved everywhere a person can type, then opened in a real browser.

The payloads of ``tests/xss_payloads.py`` (a representative subset, the disguised ones included, and
the whole list in one recipe's text) are saved as recipe texts, titles, edit summaries and region
names, and as pending edits. Each page that shows them is opened: the recipe, its history, a diff, an
old revision, its region, search results, the review queue, recent changes and the feeds. User names
cannot hold them (accounts take letters, digits, ``.``, ``_`` and ``-``), so the registration form,
which shows a refused name back, gets them instead.

Nothing may run: no dialog opens (``page.on("dialog")``), no page logs a console error (a blocked
inline script is one: the Content-Security-Policy reports it), no ``securitypolicyviolation`` event
fires, the marker payloads (``window.__xss``, an ``<xss-marker>`` element) leave no trace, and no
element carries an event handler attribute, a dangerous URL, an inline script or an embedding element.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ElementTree
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from recipes.community import accounts, regions
from recipes.history import editing
from recipes.validation import one_line
from tests.browser.conftest import PASSWORD, sign_in
from tests.xss_payloads import XSS_PAYLOADS
from wiki.markdown import render_markdown

pytestmark = pytest.mark.browser

MARKER = "document.body.appendChild(document.createElement('xss-marker'))"
# Payloads that leave a trace if they run, besides a dialog.
MARKER_PAYLOADS = [
    '<img src=x onerror="window.__xss=1">',
    f"<svg><script>{MARKER}</script></svg>",
    f'"><script>{MARKER}</script>',
    f'<img src=x onerror="{MARKER}">',
    '[x](javascript:window.__xss=1) ![y" onerror="window.__xss=1](/media/x.png)',
]
# A subset of the shared list: raw HTML, dangerous schemes disguised by entities, percent-encoding and
# control characters, attribute breakouts in images and wiki links, payloads in tables and footnotes.
SUBSET = [
    "<script>alert('xss')</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<a href="javascript:alert(1)">raw link</a>',
    "<details open ontoggle=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<!--<img src="--><img src=x onerror=alert(1)//">',
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](&#x6A;avascript:alert(1))",
    "[click](&#0000106&#0000097vascript:alert(1))",
    "[click](javascript&colon;alert(1))",
    "[click](java&Tab;script:alert(1))",
    "[click](java%0Ascript:alert(1))",
    "[click](&amp;#106;avascript:alert(1))",
    "[click](\x01javascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<JAVASCRIPT:alert(1)>",
    '[ref][x]\n\n[x]: &#106;avascript:alert(1) "title"',
    "![img](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '![x" onerror="alert(1)](https://example.org/a.png)',
    '[x](https://example.org "a\\" onmouseover=\\"alert(1)")',
    '[[a" onmouseover="alert(1)]]',
    "[[Recette|<img src=x onerror=alert(1)>]]",
    'https://example.org/"><script>alert(1)</script>',
    "note[^1]\n\n[^1]: [x](javascript:alert(1)) <img src=x onerror=alert(1)>",
]
PAYLOADS = SUBSET + MARKER_PAYLOADS

# Run in every page: what a payload that got through would have left in the DOM.
FIND_TRACES = """() => {
  const traces = [];
  if (window.__xss !== undefined) traces.push("window.__xss was set");
  if (document.querySelector("xss-marker")) traces.push("an <xss-marker> element was added");
  const forbidden = "iframe, frame, object, embed, base, body style, body svg, body math";
  document.querySelectorAll(forbidden).forEach(el => traces.push("element <" + el.localName + ">"));
  document.querySelectorAll("script").forEach(el => {
    if (el.type === "application/ld+json") {
      // A data block (the recipe's credits) never runs; it must still be one whole JSON document,
      // or a payload broke out of it.
      try { JSON.parse(el.textContent); } catch (error) { traces.push("a JSON-LD block that is not JSON"); }
      return;
    }
    if (!el.src || new URL(el.src).origin !== location.origin) {
      traces.push("script " + el.outerHTML.slice(0, 80));
    }
  });
  const urlAttributes = ["href", "src", "action", "formaction", "data", "poster", "xlink:href", "background"];
  for (const el of document.querySelectorAll("*")) {
    for (const attribute of el.attributes) {
      const name = attribute.name.toLowerCase();
      if (name.startsWith("on")) traces.push("handler " + name + " on <" + el.localName + ">");
      if (urlAttributes.includes(name) && URL.canParse(attribute.value, document.baseURI)) {
        const protocol = new URL(attribute.value, document.baseURI).protocol;
        if (!["http:", "https:", "mailto:"].includes(protocol)) {
          traces.push(name + "=" + attribute.value.slice(0, 60) + " on <" + el.localName + ">");
        }
      }
    }
  }
  return traces.concat(window.__cspViolations || []);
}"""
RECORD_CSP_VIOLATIONS = """document.addEventListener("securitypolicyviolation", event => {
  (window.__cspViolations = window.__cspViolations || []).push(
    "CSP violation: " + event.violatedDirective + " " + event.blockedURI);
});"""


def single_line(payload: str, limit: int, number: int) -> str:
    """The payload as a one-line field (title, region name), numbered to keep it unique."""
    return f"{one_line(payload)[:limit]} {number}"


def save(session, slug: str, author, body: str, summary: str, base: int, policy: str = "none"):
    return editing.save_edit(
        session,
        slug,
        author=author,
        body=body,
        base_revision=base,
        render=render_markdown,
        summary=summary,
        review_policy=policy,
    )


def seed(session) -> list[dict]:
    """Every payload as a recipe (title, text, summaries, region), edited once and once pending review."""
    editor = accounts.create_user(session, "camille", PASSWORD, role="moderator")
    newcomer = accounts.create_user(session, "nouveau", PASSWORD, role="contributor")
    everything = "\n\n".join(XSS_PAYLOADS + MARKER_PAYLOADS)
    created = editing.create_recipe(
        session, author=editor, title="Toutes les charges", body=everything, render=render_markdown
    )
    seeded = [{"slug": created.recipe.slug, "region": None}]
    for number, payload in enumerate(PAYLOADS, start=1):
        region = regions.create_region(session, single_line(payload, 100, number))
        summary = one_line(payload)[:400]
        recipe = editing.create_recipe(
            session,
            author=editor,
            title=single_line(payload, 180, number),
            body=payload,
            render=render_markdown,
            summary=summary,
            region=region.slug,
        ).recipe
        save(session, recipe.slug, editor, f"{payload}\n\nÉtape {number}.", summary, base=1)
        pending = save(session, recipe.slug, newcomer, f"{payload}\n\nÀ relire.", summary, 2, "new-accounts")
        assert pending.revision.status == "pending"
        seeded.append({"slug": recipe.slug, "region": region.slug})
    return seeded


@pytest.fixture
def seeded(live_sessions) -> list[dict]:
    """The live server's database filled with the payloads."""
    with live_sessions() as session:
        return seed(session)


@pytest.fixture
def dialogs(dialogs, page) -> list[str]:
    """Every dialog a page opens; the pages also record Content-Security-Policy violations as traces."""
    page.context.add_init_script(RECORD_CSP_VIOLATIONS)
    return dialogs


def visit(page, path: str, traces: list[str]) -> None:
    page.goto(path)
    page.wait_for_load_state("load")
    traces.extend(f"{path}: {trace}" for trace in page.evaluate(FIND_TRACES))


def test_no_payload_runs_on_any_page(page, seeded, dialogs, console_errors):
    sign_in(page, "camille")  # a moderator sees the most: pending edits, the review queue
    traces: list[str] = []
    for recipe in seeded:
        slug = recipe["slug"]
        for path in (f"/recipes/{slug}", f"/recipes/{slug}/history", f"/recipes/{slug}/revisions/1"):
            visit(page, path, traces)
        if recipe["region"] is not None:
            visit(page, f"/recipes/{slug}/diff?from=1&to=3", traces)
            visit(page, f"/review/{slug}/3", traces)
            visit(page, f"/regions/{recipe['region']}", traces)
    for path in ("/", "/regions", "/tags", "/changes", "/changes?type=edit", "/review", "/watchlist"):
        visit(page, path, traces)
    for query in ("alert", "click", "javascript", "onerror", *PAYLOADS[:8]):
        visit(page, f"/search?q={quote(query)}", traces)

    assert dialogs == []
    assert traces == []
    assert console_errors == []


def test_the_pages_visited_do_show_the_payloads(page, seeded, dialogs, console_errors):
    """The pages do show the payloads, as text: the test above would prove nothing on empty pages."""
    sign_in(page, "camille")
    page.goto("/review")
    expect(page.locator("main")).to_contain_text(single_line(PAYLOADS[0], 180, 1))
    page.goto("/changes")
    expect(page.locator("main")).to_contain_text(one_line(PAYLOADS[-1])[:60])
    page.goto(f"/recipes/{seeded[1]['slug']}")
    expect(page.locator("h1")).to_have_text(single_line(PAYLOADS[0], 180, 1))
    page.goto("/search?q=onerror")
    expect(page.locator(".search-hit").first).to_be_visible()
    assert dialogs == [] and console_errors == []


def entry_html(feed: str) -> list[str]:
    """The HTML an Atom feed hands to feed readers: the text of its ``type="html"`` elements."""
    root = ElementTree.fromstring(feed)
    return [el.text or "" for el in root.iter() if el.get("type") == "html"]


def test_the_feeds_open_inert_and_hand_readers_only_safe_html(page, seeded, dialogs, console_errors):
    traces: list[str] = []
    failed: list[str] = []
    page.on("response", lambda response: response.status >= 400 and failed.append(response.url))
    paths = ["/feeds/changes.atom", *(f"/feeds/recipes/{r['slug']}.atom" for r in seeded[:6])]
    for path in paths:
        response = page.request.get(path)
        if response.status == 404 and path == paths[0]:
            pytest.skip("the Atom feeds are not available")
        assert response.ok, path
        for fragment in entry_html(response.text()):
            assert not re.search(r"<\s*(script|iframe|object|embed|svg|math|style)\b", fragment, re.I), (
                fragment
            )
            assert not re.search(r"<[^>]*\son[a-z]+\s*=", fragment, re.I), fragment
            for url in re.findall(r'(?:href|src)\s*=\s*"([^"]*)"', fragment):
                assert not re.match(r"\s*(javascript|data|vbscript):", html.unescape(url), re.I), url
        visit(page, path, traces)  # the browser's own view of the XML
    assert dialogs == []
    assert traces == []
    # An XML page names no icon, so the browser asks for /favicon.ico, which is not there.
    assert {url.rsplit("/", 1)[-1] for url in failed} <= {"favicon.ico"}
    assert [e for e in console_errors if "status of 404" not in e] == []


@pytest.mark.parametrize("payload", [*SUBSET[:3], MARKER_PAYLOADS[2], "javascript:alert(1)"])
def test_a_payload_as_user_name_is_refused_and_shown_back_inert(page, dialogs, console_errors, payload):
    page.goto("/register")
    page.fill("#username", payload)
    page.fill("#password", PASSWORD)
    page.click("form.stacked-form button[type=submit]")
    expect(page.locator(".form-error")).to_be_visible()
    expect(page.locator("#username")).to_have_value(
        payload[:40]
    )  # shown back, as text, cut to the field's size
    traces = page.evaluate(FIND_TRACES)
    page.goto(f"/users/{quote(payload, safe='')}/moderate")
    traces += page.evaluate(FIND_TRACES)
    assert dialogs == []
    assert traces == []
    # The refused registration answers 400, which the browser logs; nothing else may be logged.
    assert [e for e in console_errors if "status of 40" not in e] == []
