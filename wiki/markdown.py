"""Markdown of recipes turned into safe HTML, and the view-time reading of that HTML.

Recipes are written in Markdown. ``render_markdown`` is the one configured renderer: it is
called once when a version is saved (the HTML is stored next to the content-addressed blob),
so it must be deterministic, and it must be safe to show whatever an author typed. Safety
comes in two layers: the renderer escapes raw HTML and neutralises dangerous URLs, then the
whole output goes through nh3 with an explicit allow-list.

The other functions (``table_of_contents``, ``wikilink_targets``, ``mark_missing_links``) run
at view time on the stored HTML, with regular expressions only: they never re-run the parser.
They rely on the shapes that this module and nh3 produce (double-quoted attributes, ``<`` and
``>`` escaped inside attribute values).

Rendering is bounded: mistune spends microseconds on every emphasis delimiter, link bracket, line and
other character that may start inline syntax
(about 5 s for ``"*_" * 250000``, against 0.15 s for 500 KB of prose), so a text with more of them
than any recipe needs is refused as too large before the parser sees it (``check_render_cost``). The
bound is on the text, not on a clock, so that the same text is accepted on a busy machine as on an
idle one (an export must import again). Nesting is bounded by mistune's ``max_nested_level``.

This module is plain Python (no Flask) so that the domain can be given ``render_markdown``.
"""

import html
import re
from collections.abc import Collection, Iterator, MutableMapping
from typing import Any
from urllib.parse import unquote, urlencode

import mistune
import nh3
from mistune.core import BlockState, InlineState
from mistune.inline_parser import InlineParser

from recipes.errors import TooLarge
from recipes.history.images import is_media_path
from recipes.slugs import slugify

RECIPE_PATH_PREFIX = "/recipes/"
NEW_RECIPE_PATH = "/recipes/new"
SAFE_URL_SCHEMES = frozenset({"http", "https", "mailto"})
EXTERNAL_LINK_REL = "noopener noreferrer nofollow"
MISSING_RECIPE_HINT = " (recette à créer)"
# Used when a heading has no letter or digit at all ("## ???", "## 🍞").
FALLBACK_HEADING_ID = "section"

# --- URLs -------------------------------------------------------------------------------

_URL_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):")
# Browsers drop tabs and newlines anywhere in a URL and C0 controls / spaces around it,
# so "java\tscript:" is javascript:. Removing all of them before looking at the scheme
# is stricter than any browser.
_ASCII_CONTROL_AND_SPACE = re.compile(r"[\x00-\x20\x7f]+")
_MAX_DECODING_ROUNDS = 8


def _decode_for_scheme_check(url: str) -> str | None:
    """Undo entity and percent encodings until stable; None if it never stabilises."""
    for _ in range(_MAX_DECODING_ROUNDS):
        decoded = unquote(html.unescape(url))
        if decoded == url:
            return _ASCII_CONTROL_AND_SPACE.sub("", decoded).lower()
        url = decoded
    return None


def is_safe_url(url: str) -> bool:
    """Tell whether a link or image URL is relative or uses http, https or mailto."""
    normalized = _decode_for_scheme_check(url)
    if normalized is None:
        return False
    scheme = _URL_SCHEME.match(normalized)
    return scheme is None or scheme.group(1) in SAFE_URL_SCHEMES


# --- Headings ---------------------------------------------------------------------------

# mistune and nh3 escape "<" and ">" everywhere except in tags, even inside attribute values,
# so a tag never contains either: "[^<>]" keeps these scans linear on any input.
_TAG = re.compile(r"<[^<>]*>")
# Footnotes use these ids; a heading called "fn 1" must not steal the footnote's anchor.
_FOOTNOTE_ID = re.compile(r"fn(?:ref)?-\d+")
# A footnote call in a heading is not part of its name ("Farine[^1]" is "Farine", not "Farine1").
_FOOTNOTE_REF = re.compile(r'<sup class="footnote-ref"[^<>]*>(?:[^<]|<(?!/sup>))*</sup>')
_USED_IDS_KEY = "levain_heading_ids"
_NEXT_SUFFIX_KEY = "levain_heading_next_suffix"


def _plain_text(fragment: str) -> str:
    """Return the text of an HTML fragment: tags removed, entities decoded, spaces collapsed."""
    text = _TAG.sub("", _FOOTNOTE_REF.sub("", fragment))
    return " ".join(html.unescape(text).split())


def _claim_heading_id(env: MutableMapping[str, Any], text: str) -> str:
    """Give a heading the slug of its text, made unique in the document with -2, -3..."""
    used: set[str] = env.setdefault(_USED_IDS_KEY, set())
    # Remembering the next suffix of each base keeps a page of 10 000 "## Étape" linear.
    next_suffix: dict[str, int] = env.setdefault(_NEXT_SUFFIX_KEY, {})
    base = slugify(text) or FALLBACK_HEADING_ID
    candidate, counter = base, next_suffix.get(base, 1)
    if counter > 1:
        candidate = f"{base}-{counter}"
    while candidate in used or _FOOTNOTE_ID.fullmatch(candidate):
        counter += 1
        candidate = f"{base}-{counter}"
    used.add(candidate)
    next_suffix[base] = counter + 1
    return candidate


# --- Renderer ---------------------------------------------------------------------------

# Lines made only of table tags: <table>, <caption>, <tr>, <th colspan="2"> … and their end tags.
_TABLE_SKELETON = re.compile(
    r'\s*(?:</?(?:table|caption|thead|tbody|tfoot|tr|th|td)(?:\s+(?:colspan|rowspan)="\d{1,3}")*\s*>\s*)+'
)


def _attributes(attrs: dict[str, str]) -> str:
    return "".join(f' {name}="{html.escape(value, quote=True)}"' for name, value in attrs.items())


class LevainRenderer(mistune.HTMLRenderer):
    """mistune's HTML renderer with Levain's URL policy, heading ids and wiki links."""

    def __init__(self) -> None:
        super().__init__(escape=True)

    def sanitize_url(self, url: str) -> str:
        return url if is_safe_url(url) else "#"

    def image(self, text: str, url: str, title: str | None = None) -> str:
        # Only the wiki's own pictures are shown: a picture from elsewhere would tell its site who
        # reads the recipe, and may change or vanish. It becomes a link to it; an unsafe one, its text
        # (an <img src="#"> would fetch the page itself).
        if is_media_path(url):
            return super().image(text, url, title)
        if is_safe_url(url):
            return self.link(text, url, title)
        return text

    def render_token(self, token: dict[str, Any], state: BlockState) -> str:
        if token["type"] == "heading":
            return self._heading_with_id(token, state)
        return super().render_token(token, state)

    def _heading_with_id(self, token: dict[str, Any], state: BlockState) -> str:
        # Ids are claimed while rendering, in document order, and kept in the per-call env
        # (not on the renderer) so the shared renderer stays deterministic and thread-safe.
        inner = self.render_tokens(token["children"], state)
        anchor = _claim_heading_id(state.env, _plain_text(inner))
        tag = f"h{int(token['attrs']['level'])}"
        return f"<{tag}{_attributes({'id': anchor})}>{inner}</{tag}>\n"

    def block_html(self, html: str) -> str:
        # Raw HTML is shown as text, but for the bare tags of a table whose cells Markdown tables
        # cannot hold (spans, lists, paragraphs): their cells' content, between blank lines, is
        # Markdown again. Nothing but those tags and their spans passes, and nh3 checks the whole.
        if _TABLE_SKELETON.fullmatch(html):
            return html.strip() + "\n"
        return super().block_html(html)

    def table_cell(self, text: str, align: str | None = None, head: bool = False) -> str:
        # A class instead of mistune's style="text-align:..." keeps style attributes out of
        # the allow-list (and works under a strict Content-Security-Policy).
        tag = "th" if head else "td"
        css_class = _attributes({"class": f"align-{align}"}) if align else ""
        return f"  <{tag}{css_class}>{text}</{tag}>\n"

    def wikilink(self, label: str, slug: str, title: str) -> str:
        # The title is kept so that mark_missing_links can offer to create the recipe.
        attrs = {
            "class": "wikilink",
            "data-wikilink": slug,
            "href": RECIPE_PATH_PREFIX + slug,
            "title": title,
        }
        return f"<a{_attributes(attrs)}>{html.escape(label, quote=False)}</a>"


# --- Wiki links -------------------------------------------------------------------------

_WIKILINK_PATTERN = (
    r"\[\[(?P<wikilink_title>[^\[\]|\n]{1,200})"
    r"(?:\|(?P<wikilink_label>[^\[\]\n]{1,200}))?\]\]"
)


def _parse_wikilink(inline: InlineParser, m: re.Match[str], state: InlineState) -> int:
    source = m.group(0)
    title = " ".join(m.group("wikilink_title").split())
    label = " ".join((m.group("wikilink_label") or "").split()) or title
    slug = slugify(title)
    if not slug:
        inline.process_text(source, state)
        return m.end()
    # "_autolink" is mistune's marker for links found inside the text of an explicit link:
    # such a token is turned back into its literal source, so links are never nested.
    token = {"type": "wikilink", "raw": label, "attrs": {"slug": slug, "title": title}, "_autolink": source}
    state.append_token(token)
    return m.end()


def wikilinks(md: mistune.Markdown) -> None:
    """mistune plugin for ``[[Recipe title]]`` and ``[[Recipe title|shown label]]``."""
    # Before "link", otherwise "[[" would open an ordinary link bracket.
    md.inline.register("wikilink", _WIKILINK_PATTERN, _parse_wikilink, before="link", start_chars="[")


# The start of what follows a task's own words in its list item: a nested list or another paragraph.
_AFTER_TASK_WORDS = re.compile(r"</?(?:p|ul|ol)\b")


def _task_list_item(renderer: mistune.HTMLRenderer, text: str, checked: bool = False) -> str:
    """A task of a task list, its read-only checkbox named by the task's words (a form control
    without a name is announced as a bare "checkbox" by screen readers)."""
    words = _plain_text(_AFTER_TASK_WORDS.split(text.removeprefix("<p>"), maxsplit=1)[0])
    checkbox = (
        f'<input class="task-list-item-checkbox" type="checkbox" disabled aria-label="{html.escape(words)}"'
        + (" checked/>" if checked else "/>")
    )
    if text.startswith("<p>"):
        text = text.replace("<p>", "<p>" + checkbox, 1)
    else:
        text = checkbox + text
    return '<li class="task-list-item">' + text + "</li>\n"


# --- The configured renderer ------------------------------------------------------------

_MARKDOWN = mistune.create_markdown(
    escape=True,
    renderer=LevainRenderer(),
    plugins=["table", "footnotes", "task_lists", "strikethrough", "url", "def_list", wikilinks],
)
_MARKDOWN.renderer.register("task_list_item", _task_list_item)  # in place of the plugin's own

# Exactly what mistune and the plugins above produce; anything else is dropped (text kept).
_ALLOWED_TAGS = set(
    "p h1 h2 h3 h4 h5 h6 a img br hr em strong del code pre blockquote sup"
    " ul ol li input section table caption thead tbody tr th td dl dt dd".split()
)
_HEADING_ATTRIBUTES = {f"h{level}": {"id"} for level in range(1, 7)}
_ALLOWED_ATTRIBUTES = {
    **_HEADING_ATTRIBUTES,
    "a": {"href", "title", "data-wikilink"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "li": {"id"},
    "sup": {"id"},
    "input": {"checked", "aria-label"},
    "code": {"class"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}
_ALLOWED_CLASSES = {
    "a": {"wikilink", "footnote"},
    "th": {"align-left", "align-center", "align-right"},
    "td": {"align-left", "align-center", "align-right"},
    "li": {"task-list-item"},
    "input": {"task-list-item-checkbox"},
    "sup": {"footnote-ref"},
    "section": {"footnotes"},
}
_LANGUAGE_CLASS = re.compile(r"language-[A-Za-z0-9_+#.\-]{1,40}")


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    # Fenced code gets "language-xxx" (for a future highlighter); any other class on <code>
    # could borrow the site's own styles, so it is dropped.
    if tag == "code" and attribute == "class":
        return value if _LANGUAGE_CLASS.fullmatch(value) else None
    if tag == "img" and attribute == "src":
        return value if is_media_path(value) else None
    return value


_CLEANER = nh3.Cleaner(
    tags=_ALLOWED_TAGS,
    attributes=_ALLOWED_ATTRIBUTES,
    attribute_filter=_filter_attribute,
    allowed_classes=_ALLOWED_CLASSES,
    # Whatever happens upstream, an <input> can only be a read-only checkbox.
    set_tag_attribute_values={"input": {"type": "checkbox", "disabled": ""}},
    link_rel=EXTERNAL_LINK_REL,
    url_schemes=set(SAFE_URL_SCHEMES),
)


# A run of "*", "_" or "~" is one delimiter for mistune's emphasis pass; "[" opens a link, an image, a
# wiki link or a footnote. 20 000 of either cost about 0.2 s; a long recipe uses a few hundred.
MAX_EMPHASIS_DELIMITERS = 20_000
MAX_LINK_BRACKETS = 20_000
# Each line can open a block (list item, heading, definition…) that costs mistune tens of microseconds:
# 125 000 one-word list items took 15 s. A long recipe has a few hundred lines.
MAX_LINES = 10_000
# Any other character that may start inline syntax ends mistune's fast path for plain text: 500 000
# "<" took 1.5 to 10 s. Tens of thousands leave room for code samples and long tables.
INLINE_SYNTAX_CHARACTERS = "<&!`\\"
MAX_INLINE_SYNTAX_CHARACTERS = 50_000
_EMPHASIS_DELIMITER = re.compile(r"\*+|_+|~+")


def check_render_cost(text: str) -> None:
    """Refuse (TooLarge) a text whose Markdown would take the renderer too long."""
    delimiters = sum(1 for _ in _EMPHASIS_DELIMITER.finditer(text))
    if delimiters > MAX_EMPHASIS_DELIMITERS:
        raise TooLarge(
            "This text has {count} emphasis marks (*, _ or ~); a text may have at most {limit}.",
            values={"count": delimiters, "limit": MAX_EMPHASIS_DELIMITERS},
        )
    lines = text.count("\n") + 1
    if lines > MAX_LINES:
        raise TooLarge(
            "This text has {count} lines; a text may have at most {limit}.",
            values={"count": lines, "limit": MAX_LINES},
        )
    syntax = sum(text.count(character) for character in INLINE_SYNTAX_CHARACTERS)
    if syntax > MAX_INLINE_SYNTAX_CHARACTERS:
        raise TooLarge(
            "This text has {count} characters among < & ! ` \\; a text may have at most {limit}.",
            values={"count": syntax, "limit": MAX_INLINE_SYNTAX_CHARACTERS},
        )
    brackets = text.count("[")
    if brackets > MAX_LINK_BRACKETS:
        raise TooLarge(
            "This text has {count} opening brackets ([); a text may have at most {limit}.",
            values={"count": brackets, "limit": MAX_LINK_BRACKETS},
        )


def render_markdown(text: str) -> str:
    """Render a recipe's Markdown to safe HTML; the same text always gives the same HTML.

    Raises TooLarge for a text that would take too long to render (``check_render_cost``).
    """
    check_render_cost(text)
    rendered = _MARKDOWN(text)
    assert isinstance(rendered, str), "the HTML renderer returns a string"
    return _with_scrolling_tables(_CLEANER.clean(rendered))


def _with_scrolling_tables(clean_html: str) -> str:
    """Each table in a box that scrolls sideways on a narrow screen, and that the keyboard can reach
    to scroll it. After cleaning, a table's tags carry no attribute, and any other "<table>" is text,
    escaped, so plain replacing finds exactly the tables."""
    return clean_html.replace("<table>", TABLE_BOX_START + "<table>").replace("</table>", "</table></div>")


TABLE_BOX_START = '<div class="table-scroll" tabindex="0">'


# --- View time: reading the stored HTML -------------------------------------------------

# The content of a heading stops at the next heading tag, so unclosed ones cost no backtracking.
_HEADING = re.compile(r"<h([1-6])(\s[^<>]*)?>((?:[^<]|<(?!/?h[1-6]\b))*)</h\1>")
_ANCHOR_START = re.compile(r"<a(\s[^<>]*)?>")
_ATTRIBUTE = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?""")


def _parse_attributes(source: str) -> dict[str, str]:
    """Read the attributes of a start tag (without its name) into a dict of decoded values."""
    attrs: dict[str, str] = {}
    for m in _ATTRIBUTE.finditer(source):
        value = next((group for group in m.groups()[1:] if group is not None), "")
        attrs.setdefault(m.group(1).lower(), html.unescape(value))
    return attrs


def table_of_contents(html_text: str) -> list[tuple[int, str, str]]:
    """List the (level, id, plain text) of the headings of rendered HTML, in order."""
    entries = []
    for m in _HEADING.finditer(html_text):
        anchor = _parse_attributes(m.group(2) or "").get("id")
        if anchor:
            entries.append((int(m.group(1)), anchor, _plain_text(m.group(3))))
    return entries


def _wikilink_tags(html_text: str) -> Iterator[tuple[re.Match[str], dict[str, str]]]:
    """Yield the start tags of wiki links (marked missing or not), with their attributes."""
    for m in _ANCHOR_START.finditer(html_text):
        attrs = _parse_attributes(m.group(1) or "")
        if "wikilink" in attrs.get("class", "").split() and attrs.get("data-wikilink"):
            yield m, attrs


def wikilink_targets(html_text: str) -> set[str]:
    """Return the slugs of the recipes that rendered HTML links to with wiki links."""
    return {attrs["data-wikilink"] for _, attrs in _wikilink_tags(html_text)}


def _missing_link_tag(attrs: dict[str, str]) -> str:
    title = attrs.get("title") or attrs["data-wikilink"]
    marked = {
        **attrs,
        "class": "wikilink missing",
        "href": NEW_RECIPE_PATH + "?" + urlencode({"title": title}),
        "title": title + MISSING_RECIPE_HINT,
    }
    return f"<a{_attributes(marked)}>"


def mark_missing_links(html_text: str, existing: Collection[str]) -> str:
    """Point wiki links to recipes that do not exist (slug not in ``existing``) to their creation."""
    pieces, position = [], 0
    for m, attrs in _wikilink_tags(html_text):
        # Already marked links are skipped, so marking twice changes nothing.
        if attrs["data-wikilink"] in existing or "missing" in attrs["class"].split():
            continue
        pieces += [html_text[position : m.start()], _missing_link_tag(attrs)]
        position = m.end()
    pieces.append(html_text[position:])
    return "".join(pieces)
