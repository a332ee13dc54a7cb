"""Tests of wiki.markdown: the Markdown syntax recipes can use, and what must never get through."""

import ast
import html
import re
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.xss_payloads import XSS_PAYLOADS
from wiki.markdown import (
    is_safe_url,
    mark_missing_links,
    render_markdown,
    table_of_contents,
    wikilink_targets,
)

FORBIDDEN_TAGS = tuple("script iframe object embed svg style math form base meta link".split())
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:", "file:")
# No example database: it would be written into the working tree.
FUZZ = settings(database=None, deadline=None, suppress_health_check=[HealthCheck.too_slow])


class _TagCollector(HTMLParser):
    """Collect every start tag with its attributes, the way a browser would tokenise them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def start_tags(rendered: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    collector = _TagCollector()
    collector.feed(rendered)
    collector.close()
    return collector.tags


def url_values(rendered: str) -> list[str]:
    """Values of href and src, decoded as a browser would, controls and spaces removed."""
    values = []
    for _, attrs in start_tags(rendered):
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                values.append(re.sub(r"[\x00-\x20\x7f]", "", html.unescape(value)).lower())
    return values


def assert_harmless(rendered: str) -> None:
    lowered = rendered.lower()
    for tag in FORBIDDEN_TAGS:
        assert f"<{tag}" not in lowered
    for tag, attrs in start_tags(rendered):
        assert tag not in FORBIDDEN_TAGS
        assert not [name for name, _ in attrs if name.startswith("on") or name == "style"], (tag, attrs)
    for raw_tag in re.findall(r"<[^<>]*>", rendered):
        # Quoted values may mention "onclick=" harmlessly (a title, escaped); names may not.
        outside_values = re.sub(r'"[^"]*"', '""', raw_tag)
        assert not re.search(r"\son\w+\s*=", outside_values, re.IGNORECASE), raw_tag
    for url in url_values(rendered):
        assert not url.startswith(DANGEROUS_SCHEMES), url
        scheme = re.match(r"([a-z][a-z0-9+.\-]*):", url)
        assert scheme is None or scheme.group(1) in ("http", "https", "mailto"), url


# --- Syntax ---------------------------------------------------------------------------


def test_paragraphs_and_emphasis() -> None:
    rendered = render_markdown("Du *bon* pain **maison**.")
    assert rendered == "<p>Du <em>bon</em> pain <strong>maison</strong>.</p>\n"


def test_table_alignment_becomes_a_class_not_a_style() -> None:
    rendered = render_markdown("| Farine | Poids | Prix |\n|:--|:--:|--:|\n| T65 | 500 g | 2 € |\n")
    assert "<table>" in rendered and "<thead>" in rendered and "<tbody>" in rendered
    assert '<th class="align-left">Farine</th>' in rendered
    assert '<th class="align-center">Poids</th>' in rendered
    assert '<td class="align-right">2 €</td>' in rendered
    assert "style" not in rendered


def test_table_without_alignment_has_no_class() -> None:
    rendered = render_markdown("| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert "<th>a</th>" in rendered and "<td>2</td>" in rendered


def test_lists_nested_and_numbered() -> None:
    rendered = render_markdown("- farine\n- eau\n  1. tiède\n  2. filtrée\n\n3. trois\n4. quatre\n")
    assert "<ul>" in rendered and "<li>farine</li>" in rendered
    assert "<ol>\n<li>tiède</li>" in rendered
    assert '<ol start="3">' in rendered


def test_definition_lists() -> None:
    rendered = render_markdown("Levain\n: farine et eau fermentées\n\nPâton\n: la pâte façonnée\n")
    assert rendered == (
        "<dl>\n<dt>Levain</dt>\n<dd>farine et eau fermentées</dd>\n"
        "<dt>Pâton</dt>\n<dd>la pâte façonnée</dd>\n</dl>\n"
    )


def test_a_table_of_bare_tags_keeps_its_spans_and_its_cells_are_markdown() -> None:
    source = (
        '<table>\n<caption>\n\nLe planning\n\n</caption>\n<tr>\n<th colspan="2">\n\nLe **matin**\n\n</th>\n'
        '</tr>\n<tr>\n<td rowspan="2">\n\n- accueil\n- café\n\n</td>\n</tr>\n</table>\n'
    )
    rendered = render_markdown(source)
    assert "<caption>\n<p>Le planning</p>\n</caption>" in rendered
    assert '<th colspan="2">\n<p>Le <strong>matin</strong></p>\n</th>' in rendered
    assert '<td rowspan="2">\n<ul>\n<li>accueil</li>' in rendered


@pytest.mark.parametrize(
    "source",
    [
        '<table onclick="alert(1)">\n<tr>\n<td>\n\nx\n\n</td>\n</tr>\n</table>',
        '<td style="color:red" colspan="2">\n\nx\n\n</td>',
        "<table>\n<script>alert(1)</script>\n</table>",
        '<tr><td colspan="2"><img src=x onerror=alert(1)></td></tr>',
        '<td colspan="99999">',
    ],
)
def test_table_tags_with_anything_more_stay_text(source: str) -> None:
    rendered = render_markdown(source)
    assert_harmless(rendered)
    assert not re.search(r"<(table|tr|td|script|img)\b", rendered)


def test_task_lists_are_disabled_checkboxes() -> None:
    rendered = render_markdown("- [x] acheter la farine\n- [ ] pétrir\n")
    checked, unchecked = re.findall(r"<input[^>]*>", rendered)
    assert 'type="checkbox"' in checked and 'disabled=""' in checked and 'checked=""' in checked
    assert 'type="checkbox"' in unchecked and 'disabled=""' in unchecked and "checked" not in unchecked
    assert rendered.count('<li class="task-list-item">') == 2


def test_a_task_checkbox_is_named_by_the_task_words_alone() -> None:
    rendered = render_markdown('- [ ] des **boîtes** "kraft"\n  - [x] en carton\n\n- [ ] un <b>tampon</b>\n')
    names = re.findall(r'aria-label="([^"]*)"', rendered)
    assert names == ["des boîtes &quot;kraft&quot;", "en carton", "un &lt;b&gt;tampon&lt;/b&gt;"]


def test_footnotes() -> None:
    rendered = render_markdown("Levain[^chef] actif.\n\n[^chef]: Ou « chef ».\n")
    assert '<sup class="footnote-ref" id="fnref-1"><a href="#fn-1"' in rendered
    assert '<section class="footnotes">' in rendered
    assert '<li id="fn-1"><p>Ou « chef ».<a href="#fnref-1" class="footnote"' in rendered


def test_strikethrough() -> None:
    assert "<del>sel</del>" in render_markdown("Sans ~~sel~~ sucre.")


def test_bare_urls_become_links() -> None:
    rendered = render_markdown("Voir https://example.org/levain?x=1, merci.")
    assert '<a href="https://example.org/levain?x=1" rel="noopener noreferrer nofollow">' in rendered


def test_code_blocks_keep_their_language_class_only() -> None:
    rendered = render_markdown("```python\nprint('<pain>')\n```\n")
    assert "<pre><code class=\"language-python\">print('&lt;pain&gt;')\n</code></pre>" in rendered
    assert "class=" not in render_markdown('```"x" y\ncode\n```\n').replace("<pre><code>", "")


def test_raw_html_is_shown_as_text() -> None:
    assert render_markdown("Je t'aime <3 et a < b") == "<p>Je t'aime &lt;3 et a &lt; b</p>\n"
    assert render_markdown("<div>bloc</div>") == "<p>&lt;div&gt;bloc&lt;/div&gt;</p>\n"
    assert "&lt;b&gt;gras&lt;/b&gt;" in render_markdown("du <b>gras</b>")


# --- Headings -------------------------------------------------------------------------


def test_headings_get_slug_ids() -> None:
    rendered = render_markdown("# À savoir avant de se lancer\n\n## Les œufs *frais*\n")
    assert '<h1 id="a-savoir-avant-de-se-lancer">À savoir avant de se lancer</h1>' in rendered
    assert '<h2 id="les-oeufs-frais">Les œufs <em>frais</em></h2>' in rendered


def test_duplicate_headings_are_numbered() -> None:
    rendered = render_markdown("## Étapes\n\n## Étapes\n\n## etapes\n\n## Étapes 2\n")
    ids = re.findall(r'id="([^"]*)"', rendered)
    assert ids == ["etapes", "etapes-2", "etapes-3", "etapes-2-2"]


def test_headings_without_letters_get_a_fallback_id() -> None:
    assert re.findall(r'id="([^"]*)"', render_markdown("# ???\n\n# 🍞\n")) == ["section", "section-2"]


def test_heading_ids_do_not_steal_footnote_anchors() -> None:
    rendered = render_markdown("## fn 1\n\nTexte[^a].\n\n[^a]: note\n")
    assert '<h2 id="fn-1-2">' in rendered and rendered.count('id="fn-1"') == 1


def test_heading_ids_restart_for_each_document() -> None:
    render_markdown("# Pain\n")
    assert '<h1 id="pain">' in render_markdown("# Pain\n")


def test_table_of_contents() -> None:
    rendered = render_markdown(
        "# Pain & levain\n\nTexte\n\n## À savoir\n\n### Voir [[Farine T65|la farine]]\n\n## À savoir\n"
    )
    assert table_of_contents(rendered) == [
        (1, "pain-levain", "Pain & levain"),
        (2, "a-savoir", "À savoir"),
        (3, "voir-la-farine", "Voir la farine"),
        (2, "a-savoir-2", "À savoir"),
    ]


def test_footnote_calls_are_not_part_of_heading_names() -> None:
    rendered = render_markdown("## Farine[^1]\n\n[^1]: T65\n")
    assert '<h2 id="farine">' in rendered
    assert table_of_contents(rendered) == [(2, "farine", "Farine")]


def test_table_of_contents_of_a_text_without_headings() -> None:
    assert table_of_contents(render_markdown("Juste un paragraphe.")) == []


# --- Wiki links -----------------------------------------------------------------------


def test_wikilink() -> None:
    assert render_markdown("Voir [[Pain au levain]].") == (
        '<p>Voir <a class="wikilink" data-wikilink="pain-au-levain" href="/recipes/pain-au-levain"'
        ' title="Pain au levain" rel="noopener noreferrer nofollow">Pain au levain</a>.</p>\n'
    )


def test_wikilink_with_label_and_accents() -> None:
    rendered = render_markdown("[[Crème brûlée à l'érable|la crème]]")
    assert 'data-wikilink="creme-brulee-a-l-erable"' in rendered
    assert 'href="/recipes/creme-brulee-a-l-erable"' in rendered
    assert 'title="Crème brûlée à l\'érable"' in rendered
    assert ">la crème</a>" in rendered


def test_wikilink_title_and_label_are_escaped() -> None:
    rendered = render_markdown('[[a" onmouseover="x|<b>gras</b>]]')
    assert 'title="a&quot; onmouseover=&quot;x"' in rendered
    assert "&lt;b&gt;gras&lt;/b&gt;</a>" in rendered
    assert_harmless(rendered)


@pytest.mark.parametrize("source", ["`[[Pain]]`", "```\n[[Pain]]\n```", "    [[Pain]]"])
def test_wikilinks_in_code_are_not_links(source: str) -> None:
    rendered = render_markdown(source)
    assert "[[Pain]]" in rendered and "<a" not in rendered


@pytest.mark.parametrize("source", ["[[!!!]]", "[[ ]]", "[[ ? | label ]]"])
def test_wikilink_without_slug_stays_text(source: str) -> None:
    rendered = render_markdown(source)
    assert "<a" not in rendered and html.escape(source, quote=False).strip() in rendered


def test_wikilink_inside_a_link_is_not_nested() -> None:
    rendered = render_markdown("[voir [[Pain]]](https://example.org)")
    assert rendered.count("<a ") == 1 and "voir [[Pain]]</a>" in rendered


def test_wikilink_next_to_escaped_raw_html_still_works() -> None:
    rendered = render_markdown("<a>[[Pain]]</a>")
    assert '&lt;a&gt;<a class="wikilink" data-wikilink="pain"' in rendered


def test_wikilink_targets() -> None:
    rendered = render_markdown("[[Pain]], [[Crème brûlée|crème]], [[Pain]] et [ailleurs](/recipes/autre)")
    assert wikilink_targets(rendered) == {"pain", "creme-brulee"}


def test_mark_missing_links() -> None:
    rendered = render_markdown("[[Pain]] et [[Crème brûlée & co|la crème]] et [lien](/recipes/x)")
    marked = mark_missing_links(rendered, {"pain"})
    assert '<a class="wikilink" data-wikilink="pain" href="/recipes/pain" title="Pain"' in marked
    missing = re.search(r'<a class="wikilink missing"[^>]*>la crème</a>', marked)
    assert missing is not None
    assert 'data-wikilink="creme-brulee-co"' in missing.group(0)
    assert 'href="/recipes/new?title=Cr%C3%A8me+br%C3%BBl%C3%A9e+%26+co"' in missing.group(0)
    assert 'title="Crème brûlée &amp; co (recette à créer)"' in missing.group(0)
    assert 'rel="noopener noreferrer nofollow"' in missing.group(0)
    assert '<a href="/recipes/x"' in marked
    assert wikilink_targets(marked) == {"pain", "creme-brulee-co"}


def test_mark_missing_links_is_idempotent_and_leaves_everything_else() -> None:
    rendered = render_markdown("# Titre\n\n[[Pain]] [[Farine]]")
    once = mark_missing_links(rendered, set())
    assert mark_missing_links(once, set()) == once
    assert mark_missing_links(rendered, {"pain", "farine"}) == rendered


def test_mark_missing_links_keeps_hostile_titles_escaped() -> None:
    marked = mark_missing_links(render_markdown('[[a"><script>alert(1)</script>]]'), set())
    assert 'href="/recipes/new?title=a%22%3E%3Cscript%3Ealert%281%29%3C%2Fscript%3E"' in marked
    assert_harmless(marked)


# --- URLs -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/a?b=c#d",
        "http://example.org",
        "mailto:levain@example.org",
        "/media/pain.jpg",
        "#etapes",
        "?page=2",
        "autre-recette",
        "//example.org/x",
    ],
)
def test_safe_urls(url: str) -> None:
    assert is_safe_url(url)
    assert f'href="{html.escape(url)}"' in render_markdown(f"[lien]({url})")


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "&#106;avascript:alert(1)",
        "&#x6A;avascript:alert(1)",
        "&amp;#x6A;avascript:alert(1)",
        "java\tscript:alert(1)",
        "java%0ascript:alert(1)",
        "%6A%61vascript:alert(1)",
        "\x00javascript:alert(1)",
        "data:text/html,x",
        "vbscript:msgbox",
        "file:///etc/passwd",
        "ftp://example.org",
        "unknown-scheme:x",
    ],
)
def test_dangerous_urls(url: str) -> None:
    assert not is_safe_url(url)


@pytest.mark.parametrize(
    "source",
    [
        "[x](javascript:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x](java&#x09;script:alert(1))",
        "<javascript:alert(1)>",
        "[x][r]\n\n[r]: vbscript:x",
    ],
)
def test_dangerous_links_point_nowhere(source: str) -> None:
    assert url_values(render_markdown(source)) == ["#"]


def test_images() -> None:
    picture = "/media/" + "4" * 64 + ".png"
    rendered = render_markdown(f'![Four]({picture} "Miche") ![Pain](https://example.org/pain.jpg)')
    assert f'<img src="{picture}" alt="Four" title="Miche">' in rendered
    # Pictures from elsewhere are links to them, not pictures that tell their site who reads.
    assert '<a href="https://example.org/pain.jpg" rel="noopener noreferrer nofollow">Pain</a>' in rendered


def test_dangerous_images_become_their_text() -> None:
    rendered = render_markdown("![un chat](javascript:alert(1)) ![x](data:image/png;base64,AAAA)")
    assert "<img" not in rendered and "un chat" in rendered


# --- Safety ---------------------------------------------------------------------------


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_xss_payloads_are_harmless(payload: str) -> None:
    rendered = render_markdown(payload)
    assert_harmless(rendered)
    # Stricter than a scheme check, which is only possible on known payloads: a fuzzed
    # "https://&#javascript:" legitimately keeps the word in its host part.
    for url in url_values(rendered):
        assert not any(scheme in url for scheme in DANGEROUS_SCHEMES), url


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_xss_payloads_stay_harmless_once_links_are_marked_missing(payload: str) -> None:
    rendered = render_markdown(payload)
    assert_harmless(mark_missing_links(rendered, set()))
    assert_harmless(mark_missing_links(rendered, wikilink_targets(rendered)))


@FUZZ
@given(st.text())
def test_any_text_renders_harmless_html(text: str) -> None:
    assert_harmless(render_markdown(text))


# Pieces of Markdown and of attacks, so that the fuzzer builds links, images and wiki links.
# fmt: off
MARKDOWN_PIECES = st.sampled_from(
    [
        "[", "]", "(", ")", "[[", "]]", "|", "![", "](", "<", ">", '"', "'", "`", "\n", "\t",
        " ", "#", "*", "- ", "> ", "[^1]", "[^1]: ", "[r]: ", "~~", "&#", "&#x6A;", "&#106;",
        "&colon;", "%3A", "%0A", "\x00", "javascript:", "JaVaScRiPt:", "vbscript:", "data:",
        "https://", "mailto:", "onerror=", "onload=", " onmouseover=", "alert(1)", "<script>",
        "<img src=x ", "<svg", "style=", "| a | b |\n|:-|-:|\n", "<table>\n", '<td colspan="2">\n',
        "</td>\n", "\n\n", "\n: ",
    ]
)
# fmt: on
MARKDOWNISH = st.lists(st.one_of(MARKDOWN_PIECES, st.text(max_size=3)), max_size=40).map("".join)


@settings(FUZZ, max_examples=300)
@given(MARKDOWNISH)
def test_markdownish_text_renders_harmless_html(text: str) -> None:
    rendered = render_markdown(text)
    assert_harmless(rendered)
    assert_harmless(mark_missing_links(rendered, set()))


@FUZZ
@given(st.text())
def test_is_safe_url_agrees_with_a_browser_like_reading(url: str) -> None:
    if is_safe_url(url):
        decoded = re.sub(r"[\x00-\x20\x7f]", "", html.unescape(url)).lower()
        assert not decoded.startswith(DANGEROUS_SCHEMES)


# --- Properties of the renderer -------------------------------------------------------

A_RECIPE = """# Pain au levain

## À savoir avant de se lancer

Il faut un [[Levain|levain actif]][^1] et de la farine (voir https://example.org).

| Ingrédient | Poids |
|:--|--:|
| Farine | 500 g |

- [x] nourrir le levain
- [ ] pétrir

## À savoir avant de se lancer

[^1]: Nourri la veille.
"""


def test_rendering_is_deterministic() -> None:
    first = render_markdown(A_RECIPE)
    render_markdown("# Autre\n\n## À savoir avant de se lancer\n\n[[Levain]]")
    assert render_markdown(A_RECIPE) == first


@pytest.mark.timed
def test_a_100_kb_recipe_renders_quickly() -> None:
    # The measured time is about 0.1 s; the bound only catches a quadratic regression.
    text = (A_RECIPE * 200)[:100_000]
    started = time.perf_counter()
    render_markdown(text)
    assert time.perf_counter() - started < 3


@pytest.mark.timed
def test_many_identical_headings_stay_fast() -> None:
    started = time.perf_counter()
    # As many headings as a text may have lines (wiki.markdown.MAX_LINES).
    ids = [anchor for _, anchor, _ in table_of_contents(render_markdown("## Étape\n" * 9_999))]
    assert time.perf_counter() - started < 3
    assert ids[:3] == ["etape", "etape-2", "etape-3"] and len(set(ids)) == 9_999


@pytest.mark.timed
def test_view_time_functions_stay_linear_on_broken_html() -> None:
    broken = "<a " * 30_000 + "<h1 " * 30_000
    started = time.perf_counter()
    mark_missing_links(broken, set())
    table_of_contents(broken)
    assert time.perf_counter() - started < 1


def test_the_module_does_not_import_flask() -> None:
    source = (Path(__file__).parents[2] / "wiki" / "markdown.py").read_text(encoding="utf-8")
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert "flask" not in imported and "wiki" not in imported


def test_a_table_scrolls_in_a_box_the_keyboard_reaches() -> None:
    rendered = render_markdown("| a | b |\n|---|---|\n| 1 | 2 |\n\nPas de <table> ici.\n")
    assert rendered.startswith('<div class="table-scroll" tabindex="0"><table>')
    assert rendered.count("<div") == 1 and "</table></div>" in rendered
    assert "Pas de &lt;table&gt; ici." in rendered
