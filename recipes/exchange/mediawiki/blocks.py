"""Wikitext line by line: headings, paragraphs, lists, tables, preformatted text and other blocks.

MediaWiki decides a line's meaning by how it starts (``==``, ``*``, ``{|``, a space …); mwparserfromhell
gives the nodes, and this module cuts them into lines and gathers consecutive lines of one kind into a
Markdown block. A line holding only a comment or categories disappears without breaking its paragraph,
as in MediaWiki. A template spread over several lines (an infobox) stays visible as its source, in a
code block.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

import mwparserfromhell
from mwparserfromhell.nodes import Comment, Heading, Node, Tag, Template, Text
from mwparserfromhell.wikicode import Wikicode

from .inline import (
    ConversionState,
    InlineConverter,
    escape_line_starts,
    plain_text,
    tag_name,
    template_kind,
)
from .links import FILE
from .lists import ListWriter
from .tables import convert_table

LIST_SIGNS = frozenset("*#;:")
LIST_TAGS = frozenset({"li", "dt", "dd"})
BLOCK_TAGS = frozenset(
    "table pre blockquote syntaxhighlight source gallery poem ul ol div center p dl h1 h2 h3 h4 h5 h6".split()
)
# Block tags whose content is kept as blocks of its own while the tag's styling is dropped.
CONTAINER_TAGS = frozenset({"div", "center", "p", "dl"})


def split_lines(nodes: Iterable[Node]) -> list[list[Node]]:
    """The nodes cut at each line break outside a node (a table or a template keeps its own)."""
    lines: list[list[Node]] = [[]]
    for node in nodes:
        if isinstance(node, Text) and "\n" in node.value:
            first, *others = node.value.split("\n")
            if first:
                lines[-1].append(Text(first))
            lines.extend([Text(piece)] if piece else [] for piece in others)
        else:
            lines[-1].append(node)
    return lines


def _is_blank(node: Node) -> bool:
    return isinstance(node, Comment) or (isinstance(node, Text) and not node.value.strip())


def _is_list_sign(node: Node) -> bool:
    return isinstance(node, Tag) and node.wiki_markup in LIST_SIGNS and tag_name(node) in LIST_TAGS


def line_kind(line: list[Node]) -> str:
    """What a line is, from how it starts."""
    significant = [node for node in line if not _is_blank(node)]
    if not significant:
        return "comment" if line else "blank"
    first = significant[0]
    if isinstance(first, Heading):
        return "heading"
    if _is_list_sign(line[0]):
        return "list"
    if isinstance(first, Tag) and first.wiki_markup == "----":
        return "rule"
    if isinstance(first, Tag) and tag_name(first) in BLOCK_TAGS:
        return "block"
    if isinstance(first, Template) and "\n" in str(first).strip():
        return "template"
    if isinstance(line[0], Text) and line[0].value.startswith(" "):
        return "preformatted"
    return "paragraph"


def fenced(text: str, language: str = "") -> str:
    """A fenced code block holding ``text`` as it is."""
    longest = max((len(run) for run in re.findall(r"`{3,}", text)), default=2)
    fence = "`" * (longest + 1)
    return f"{fence}{language}\n{text.strip(chr(10))}\n{fence}"


def list_line(line: list[Node]) -> tuple[str, list[Node], list[Node] | None]:
    """A list line's prefix (``*#;:`` signs), its content, and a term's definition on the same line."""
    prefix, index = "", 0
    while index < len(line) and _is_list_sign(line[index]):
        prefix += line[index].wiki_markup
        index += 1
    content = line[index:]
    if prefix == ";":
        for position, node in enumerate(content):
            if _is_list_sign(node) and node.wiki_markup == ":":
                return prefix, content[:position], content[position + 1 :]
    return prefix, content, None


class BlockConverter:
    """Converts wikitext (a page, a table cell, a quote) to Markdown blocks."""

    def __init__(self, state: ConversionState):
        self.state = state
        self.inline = InlineConverter(state)

    def convert(self, code: Wikicode) -> list[str]:
        writer = _BlockWriter(self)
        for line in split_lines(code.nodes):
            writer.add(line)
        return writer.finish()

    def paragraph_line(self, nodes: list[Node]) -> str:
        return escape_line_starts(self.inline.convert(nodes).strip())

    def heading(self, heading: Heading) -> str:
        title = self.inline.convert(heading.title.nodes, multiline=False).strip()
        return f"{'#' * min(max(heading.level, 1), 6)} {title}" if title else ""

    def block(self, tag: Tag) -> list[str]:
        name = tag_name(tag)
        contents = tag.contents if tag.contents is not None else mwparserfromhell.parse("")
        if name == "table":
            return [convert_table(tag, self)]
        if name == "pre":
            return [fenced(html.unescape(str(contents)))]
        if name in ("syntaxhighlight", "source"):
            language = str(tag.get("lang").value).strip() if tag.has("lang") else ""
            return [fenced(str(contents), re.sub(r"[^\w+#.-]", "", language))]
        if name == "blockquote":
            return [
                "\n".join(f"> {line}".rstrip() for line in "\n\n".join(self.convert(contents)).split("\n"))
            ]
        if name == "gallery":
            return [self.gallery(str(contents))]
        if name == "poem":
            lines = [
                escape_line_starts(self.inline.convert(line).strip()) for line in split_lines(contents.nodes)
            ]
            return ["\\\n".join(line for line in lines if line)]
        if name in ("ul", "ol"):
            sign = "1." if name == "ol" else "-"
            items = [node for node in contents.nodes if isinstance(node, Tag) and tag_name(node) == "li"]
            return ["\n".join(f"{sign} {self.paragraph_line(item.contents.nodes)}" for item in items)]
        if name in CONTAINER_TAGS:
            self.state.unconverted[f"<{name}>"] += 1
            return self.convert(contents)
        level = int(name[1])  # h1 … h6
        return [f"{'#' * level} {self.inline.convert(contents.nodes, multiline=False).strip()}"]

    def gallery(self, contents: str) -> str:
        """A gallery's files, one per line in the source, as a list of image references."""
        items = []
        for entry in contents.splitlines():
            if not entry.strip():
                continue
            link = mwparserfromhell.parse(f"[[{entry.strip()}]]").filter_wikilinks()
            if not link:
                continue
            namespace, name = self.state.links.split(str(link[0].title))
            items.append("- " + self.inline.image(name if namespace == FILE else str(link[0].title), link[0]))
        return "\n".join(items)

    def template(self, template: Template) -> str:
        self.state.unconverted[template_kind(template)] += 1
        return fenced(str(template))


class _BlockWriter:
    """Gathers the lines of one text into blocks: a paragraph, a list or preformatted text at a time."""

    def __init__(self, converter: BlockConverter):
        self.converter = converter
        self.blocks: list[str] = []
        self.paragraph: list[str] = []
        self.preformatted: list[str] = []
        self.lists: ListWriter | None = None
        # A list right after another (a blank line between) takes other markers, or Markdown joins them.
        self.after_list = False

    def add(self, line: list[Node]) -> None:
        kind = line_kind(line)
        if kind == "comment":
            return
        if kind == "paragraph":
            text = self.converter.paragraph_line(line)
            if text:  # a line of categories alone says nothing where it stands
                self.flush(keep="paragraph")
                self.paragraph.append(text)
        elif kind == "list":
            self.flush(keep="list")
            self.list_line(line)
        elif kind == "preformatted":
            self.flush(keep="preformatted")
            self.preformatted.append(plain_text(line)[1:])
        else:
            self.flush()
            if kind != "blank":
                self.block_line(kind, line)

    def block_line(self, kind: str, line: list[Node]) -> None:
        significant = [node for node in line if not _is_blank(node)]
        first, rest = significant[0], line[line.index(significant[0]) + 1 :]
        if kind == "heading":
            self.append([self.converter.heading(first)])
        elif kind == "rule":
            self.append(["---"])
        elif kind == "template":
            self.append([self.converter.template(first)])
        else:
            self.append(self.converter.block(first))
        if any(not _is_blank(node) for node in rest):
            self.add(rest)  # text after a block on its line: a paragraph of its own

    def list_line(self, line: list[Node]) -> None:
        if self.lists is None:
            self.lists = ListWriter(alternate_markers=self.after_list)
        prefix, content, definition = list_line(line)
        text = self.converter.paragraph_line(content)
        described = self.converter.paragraph_line(definition) if definition is not None else None
        self.lists.add(prefix, text, described)

    def append(self, blocks: list[str], *, is_list: bool = False) -> None:
        blocks = [block for block in blocks if block.strip()]
        if blocks:
            self.blocks.extend(blocks)
            self.after_list = is_list

    def flush(self, keep: str | None = None) -> None:
        if keep != "paragraph" and self.paragraph:
            self.append(["\n".join(self.paragraph)])
            self.paragraph = []
        if keep != "preformatted" and self.preformatted:
            self.append([fenced("\n".join(self.preformatted))])
            self.preformatted = []
        if keep != "list" and self.lists is not None:
            if self.lists.unusual:
                self.converter.state.unconverted["unusual list indentation"] += self.lists.unusual
            self.append(self.lists.finish(), is_list=True)
            self.lists = None

    def finish(self) -> list[str]:
        self.flush()
        return self.blocks
