"""Wikitext within a line turned into Markdown: emphasis, links, files, footnotes, code, templates.

The nodes come from mwparserfromhell. Text is escaped so that Markdown reads it as text (an asterisk
or a bracket in a sentence stays one). What has no Markdown form is either kept visibly (a template
as its source, in code) or dropped when it only styled text (``<span style=…>``), and counted by kind
in the conversion's ``unconverted``. A line break is allowed only where ``multiline`` says so (not
in a table cell, a heading or a footnote).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import mwparserfromhell
from mwparserfromhell.nodes import (
    Argument,
    Comment,
    ExternalLink,
    Heading,
    HTMLEntity,
    Node,
    Tag,
    Template,
    Text,
    Wikilink,
)
from mwparserfromhell.wikicode import Wikicode

from ...slugs import slugify
from .links import CATEGORY, FILE, MAIN, MEDIA, Links

EMPHASIS = {"b": "**", "strong": "**", "i": "*", "em": "*", "s": "~~", "strike": "~~", "del": "~~"}
CODE_TAGS = frozenset({"code", "tt", "kbd", "samp", "var"})
# Tags that only style their text: the text is kept, the styling is not (and is counted).
STYLING_TAGS = frozenset(
    "span font small big center div abbr cite sup sub mark q u ins bdi dfn time data p".split()
)
# Letters that MediaWiki in French (and English) joins to the link before them: [[pain]]s.
LINK_TRAIL = re.compile(r"[a-zàâçéèêîôûäëïöüùæœÿ]+")
INTERLANGUAGE_PREFIX = re.compile(r"[a-z]{2,3}(?:-[a-z]+)?:")
# Behaviour switches (__NOTOC__, __SANSSOMMAIRE__ …) change how MediaWiki lays a page out, not its text.
BEHAVIOUR_SWITCH = re.compile(r"__[A-ZÀ-Ü]+__")
# Markdown's signs, escaped wherever they are; the underscore only at a word's edge (inside a word it
# never makes emphasis), the ampersand only where it would start an entity.
_ALWAYS_ESCAPED = re.compile(r"([\\`*\[\]<>|~])")
_EDGE_UNDERSCORE = re.compile(r"(?<!\w)_|_(?!\w)")
_ENTITY_AMPERSAND = re.compile(r"&(?=#?\w+;)")
# What Markdown reads at the start of a line as a block: a heading, a quote, a list item, a
# definition, a setext underline.
_LINE_START_SIGN = re.compile(r"^([#>+=:-]|\d+[.)])", re.MULTILINE)
# Image options MediaWiki reads in [[File:…|…]]: the rest is the caption.
_IMAGE_OPTION = re.compile(
    r"(thumb|thumbnail|frame|framed|frameless|border|left|right|center|centre|none|upright|baseline|"
    r"middle|top|bottom|text-top|text-bottom|sub|super|vignette|miniature|cadre|encadré|sans_cadre|"
    r"gauche|droite|centré|néant|redresse|\d*x?\d+ ?px|(?:link|lien|alt|page|class|upright|redresse)=.*)",
    re.IGNORECASE,
)


@dataclass
class ConversionState:
    """What converting one revision gathers besides its text."""

    links: Links
    footnotes: list[str] = field(default_factory=list)  # Markdown of footnote n at index n - 1
    named_footnotes: dict[str, int] = field(default_factory=dict)
    unconverted: Counter[str] = field(default_factory=Counter)
    categories: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    bare_links: int = 0  # [https://…] without words, numbered as MediaWiki shows them


def escape(text: str) -> str:
    """Text that Markdown shows as it is."""
    text = _ALWAYS_ESCAPED.sub(r"\\\1", text)
    text = _EDGE_UNDERSCORE.sub(r"\\_", text)
    return _ENTITY_AMPERSAND.sub("&amp;", text)


def escape_line_starts(text: str) -> str:
    """Escape the sign a line of a paragraph starts with, where Markdown would read a block."""
    return _LINE_START_SIGN.sub(lambda m: m.group(1)[:-1] + "\\" + m.group(1)[-1], text)


def code_span(text: str) -> str:
    """Text in a code span, fenced with more backticks than it holds in a row."""
    text = " ".join(text.split("\n")).strip() or " "
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    padding = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{padding}{text}{padding}{fence}"


def tag_name(tag: Tag) -> str:
    return str(tag.tag).strip().lower()


def plain_text(nodes: Iterable[Node]) -> str:
    """The text a reader sees of some wikitext, without its formatting (for labels and code)."""
    pieces = []
    for node in nodes:
        if isinstance(node, Text):
            pieces.append(node.value)
        elif isinstance(node, HTMLEntity):
            pieces.append(node.normalize())
        elif isinstance(node, Tag) and tag_name(node) == "br":
            pieces.append(" ")
        elif isinstance(node, Tag) and node.contents is not None and tag_name(node) != "ref":
            pieces.append(plain_text(node.contents.nodes))
        elif isinstance(node, Wikilink):
            pieces.append(plain_text((node.text or node.title).nodes))
        elif isinstance(node, ExternalLink):
            pieces.append(plain_text((node.title or node.url).nodes))
        elif isinstance(node, Template | Argument):
            pieces.append(str(node))
    return "".join(pieces)


class InlineConverter:
    """Converts the nodes of one line (or of a cell, a heading, a footnote) to Markdown."""

    def __init__(self, state: ConversionState):
        self.state = state

    def convert(self, nodes: Iterable[Node], *, multiline: bool = True) -> str:
        nodes = list(nodes)
        pieces: list[str] = []
        index = 0
        while index < len(nodes):
            node = nodes[index]
            if isinstance(node, Wikilink) and index + 1 < len(nodes) and isinstance(nodes[index + 1], Text):
                trail = LINK_TRAIL.match(nodes[index + 1].value)
                if trail:
                    pieces.append(self.wikilink(node, trail.group()))
                    nodes[index + 1] = Text(nodes[index + 1].value[trail.end() :])
                    index += 1
                    continue
            pieces.append(self.node(node, multiline))
            index += 1
        return "".join(pieces)

    def node(self, node: Node, multiline: bool = True) -> str:
        if isinstance(node, Text):
            return self.text(node.value, multiline)
        if isinstance(node, HTMLEntity):
            return escape(node.normalize())
        if isinstance(node, Comment):
            return ""
        if isinstance(node, Wikilink):
            return self.wikilink(node)
        if isinstance(node, ExternalLink):
            return self.external_link(node)
        if isinstance(node, Template):
            return self.template(node)
        if isinstance(node, Argument):
            self.state.unconverted["{{{parameter}}}"] += 1
            return code_span(str(node))
        if isinstance(node, Tag):
            return self.tag(node, multiline)
        if isinstance(node, Heading):  # a heading where a line cannot hold one: its text stays
            return self.convert(node.title.nodes, multiline=False).strip()
        return escape(str(node))

    def text(self, value: str, multiline: bool) -> str:
        value = BEHAVIOUR_SWITCH.sub("", value)
        if not multiline:
            value = value.replace("\n", " ")
        return escape(value)

    def emphasis(self, sign: str, inner: str) -> str:
        """``inner`` between ``sign``s, its spaces outside them (Markdown ignores ``** x **``)."""
        stripped = inner.strip()
        if not stripped:
            return inner
        before = inner[: len(inner) - len(inner.lstrip())]
        after = inner[len(inner.rstrip()) :]
        return f"{before}{sign}{stripped}{sign}{after}"

    def tag(self, tag: Tag, multiline: bool) -> str:
        name = tag_name(tag)
        contents = tag.contents.nodes if tag.contents is not None else []
        if name in EMPHASIS:
            return self.emphasis(EMPHASIS[name], self.convert(contents, multiline=multiline))
        if name in CODE_TAGS or name == "pre":
            return code_span(plain_text(contents))
        if name == "nowiki":
            return escape(str(tag.contents or ""))
        if name == "br":
            return "\\\n" if multiline else " "
        if name == "ref":
            return self.footnote(tag)
        if name == "references":
            return ""
        if name in ("li", "dt", "dd") and tag.wiki_markup:  # a list sign amid a line is text
            return escape(tag.wiki_markup)
        if name in STYLING_TAGS:
            self.state.unconverted[f"<{name}>"] += 1
            return self.convert(contents, multiline=multiline)
        if name == "math":
            self.state.unconverted["<math>"] += 1
            return code_span(plain_text(contents))
        self.state.unconverted[f"<{name}>"] += 1  # an extension's tag: its source stays visible
        return code_span(str(tag))

    def footnote(self, tag: Tag) -> str:
        """A call to a footnote; a named one used again calls the same footnote."""
        name = str(tag.get("name").value).strip() if tag.has("name") else ""
        if name and name in self.state.named_footnotes:
            number = self.state.named_footnotes[name]
            if tag.contents is not None and not self.state.footnotes[number - 1]:
                self.state.footnotes[number - 1] = self.convert(tag.contents.nodes, multiline=False).strip()
            return f"[^{number}]"
        text = self.convert(tag.contents.nodes, multiline=False).strip() if tag.contents is not None else ""
        self.state.footnotes.append(text)
        number = len(self.state.footnotes)
        if name:
            self.state.named_footnotes[name] = number
        return f"[^{number}]"

    def template(self, template: Template) -> str:
        """``{{!}}`` and ``{{=}}`` are their sign; any other template stays visible, as its source."""
        name = str(template.name).strip()
        if name in ("!", "="):
            return escape("|" if name == "!" else "=")
        self.state.unconverted[template_kind(template)] += 1
        return code_span(str(template))

    def external_link(self, link: ExternalLink) -> str:
        url = str(link.url).strip()
        if url.startswith("//"):
            url = "https:" + url
        if not link.brackets:
            return f"<{url}>" if not re.search(r"[\s<>]", url) else escape(url)
        if link.title is None or not str(link.title).strip():
            self.state.bare_links += 1
            words = f"\\[{self.state.bare_links}\\]"
        else:
            words = self.convert(link.title.nodes, multiline=False).strip()
        return markdown_link(words, url)

    def wikilink(self, link: Wikilink, trail: str = "") -> str:
        target = str(link.title).strip()
        shown_as_link = target.startswith(":")
        target = target.lstrip(":").strip()
        namespace, name = self.state.links.split(target)
        if namespace == CATEGORY and not shown_as_link:
            self.state.categories.append(name)
            return ""
        if namespace == FILE and not shown_as_link:
            return self.image(name, link)
        if namespace == MAIN and not shown_as_link and INTERLANGUAGE_PREFIX.match(target):
            self.state.unconverted["interlanguage link"] += 1
            return ""
        label = link_label(link, target) + trail
        if namespace in (FILE, MEDIA):
            url = self.state.links.file_url(name)
            self.state.files.append(name)
            return markdown_link(escape(label), url) if url else escape(label)
        slug = self.state.links.recipe_slug(target)
        if slug is None and namespace != MAIN:
            url = self.state.links.page_url(target)
            return markdown_link(escape(label), url) if url else escape(label)
        page, _, section = target.partition("#")
        if section:
            self.state.unconverted["link to a section"] += 1
        if not page.strip():  # [[#Section]]: a link within the page
            return escape(label)
        return wiki_link(self.state.links.normal(page), slug, label)

    def image(self, name: str, link: Wikilink) -> str:
        """A file shown in the page: an image reference to it on the wiki it came from."""
        self.state.files.append(name)
        caption = ""
        if link.text is not None:
            for option in reversed(split_options(link.text)):
                if not _IMAGE_OPTION.fullmatch(str(option).strip()):
                    caption = self.convert(option.nodes, multiline=False).strip()
                    break
        url = self.state.links.file_url(name)
        alt = caption or escape(normal_name(name))
        if url is None:
            return alt
        return f"![{alt}]({link_destination(url)})"


def template_kind(template: Template) -> str:
    """How a template is counted among what was not converted: ``{{Name}}``, ``{{#if:}}``."""
    name = " ".join(str(template.name).split())
    if name.startswith("#"):
        name = name.split(":", 1)[0] + ":"
    return f"{{{{{name}}}}}"


def normal_name(name: str) -> str:
    return " ".join(name.replace("_", " ").split())


def link_label(link: Wikilink, target: str) -> str:
    """The words a wiki link shows: its own, or its target's (the pipe trick drops a namespace)."""
    if link.text is not None and str(link.text).strip():
        return " ".join(plain_text(link.text.nodes).split())
    if link.text is not None:  # [[Namespace:Page (précision)|]]
        name = target.split(":", 1)[-1]
        return re.sub(r"\s*\([^)]*\)$", "", name).strip()
    return " ".join(target.replace("_", " ").split())


def wiki_link(title: str, slug: str | None, label: str) -> str:
    """``[[Title|label]]``, the title chosen so that Levain makes the recipe's slug of it."""
    target = title if slug is None or slugify(title) == slug else slug
    target = re.sub(r"[\[\]|\n]", " ", target)[:200].strip()
    label = re.sub(r"[\[\]\n]", " ", label)[:200].strip()
    if not label or label == target:
        return f"[[{target}]]"
    return f"[[{target}|{label}]]"


def link_destination(url: str) -> str:
    """A URL as a Markdown link destination: in angle brackets when it holds parentheses or spaces."""
    url = url.replace("<", "%3C").replace(">", "%3E")
    return f"<{url}>" if re.search(r"[\s()]", url) else url


def markdown_link(words: str, url: str) -> str:
    return f"[{words or escape(url)}]({link_destination(url)})"


def split_options(text: Wikicode) -> list[Wikicode]:
    """The ``|``-separated parts of a file link's text, a part's own links and templates kept whole."""
    parts: list[list[Node]] = [[]]
    for node in text.nodes:
        if isinstance(node, Text) and "|" in node.value:
            first, *others = node.value.split("|")
            parts[-1].append(Text(first))
            parts.extend([Text(piece)] for piece in others)
        else:
            parts[-1].append(node)
    return [mwparserfromhell.wikicode.Wikicode(part) for part in parts]
