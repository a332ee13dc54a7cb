"""MediaWiki tables (``{| … |}`` or ``<table>``) as Markdown tables, or as HTML where those cannot say it.

A table *fits* Markdown when its first row is all header cells, the others all data cells, no cell
spans rows or columns, there is no caption, and every cell holds one line of text. Any other table is
written as HTML that Levain's renderer keeps: lines of bare table tags (``<table>``, ``<tr>``,
``<td colspan="2">`` …) around each cell's content, which is Markdown again (a list, a paragraph, a
table), set apart by blank lines so that it is read as Markdown. Styling attributes are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import mwparserfromhell
from mwparserfromhell.nodes import Heading, Node, Tag, Text
from mwparserfromhell.wikicode import Wikicode

from .inline import InlineConverter, tag_name

if TYPE_CHECKING:
    from .blocks import BlockConverter

CELL_TAGS = frozenset({"td", "th"})
SPAN_ATTRIBUTES = ("colspan", "rowspan")
MAX_SPAN = 100
# What a cell that fits a Markdown table may not hold: anything that needs a line of its own.
MULTILINE_TAGS = frozenset({"table", "pre", "br", "blockquote", "div", "gallery", "poem", "ul", "ol", "li"})


@dataclass(frozen=True)
class Cell:
    header: bool
    content: Wikicode
    spans: tuple[tuple[str, int], ...]  # (colspan|rowspan, n) where n > 1


@dataclass(frozen=True)
class Table:
    caption: Wikicode | None
    rows: tuple[tuple[Cell, ...], ...]


def read_table(tag: Tag) -> Table:
    """The caption and the rows of cells of a table, whether written as wikitext or as HTML."""
    caption: Wikicode | None = None
    rows: list[list[Cell]] = []
    loose: list[Cell] = []  # cells before the first row marker make an implicit first row
    for node in tag.contents.nodes if tag.contents is not None else []:
        if not isinstance(node, Tag):
            continue
        name = tag_name(node)
        if name == "caption" or (name == "td" and not rows and _is_caption(node)):
            caption = _caption_text(node)
        elif name in CELL_TAGS:
            loose.append(_cell(node))
        elif name == "tr":
            if loose:
                rows.append(loose)
                loose = []
            rows.append([_cell(cell) for cell in _cells_of(node)])
        elif name in ("thead", "tbody", "tfoot"):
            rows.extend([_cell(cell) for cell in _cells_of(row)] for row in _cells_of(node, {"tr"}))
    if loose:
        rows.append(loose)
    return Table(caption, tuple(tuple(row) for row in rows if row))


def _cells_of(tag: Tag, names: frozenset[str] | set[str] = CELL_TAGS) -> list[Tag]:
    nodes = tag.contents.nodes if tag.contents is not None else []
    return [node for node in nodes if isinstance(node, Tag) and tag_name(node) in names]


def _is_caption(tag: Tag) -> bool:
    return tag.wiki_markup == "|" and str(tag.contents or "").startswith("+")


def _caption_text(tag: Tag) -> Wikicode:
    text = str(tag.contents or "")
    return _parsed(text[1:] if tag_name(tag) == "td" else text)


def _parsed(text: str) -> Wikicode:
    return mwparserfromhell.parse(text)


def _cell(tag: Tag) -> Cell:
    spans = []
    for name in SPAN_ATTRIBUTES:
        if tag.has(name):
            value = str(tag.get(name).value).strip()
            if value.isdigit() and int(value) > 1:
                spans.append((name, min(int(value), MAX_SPAN)))
    content = tag.contents if tag.contents is not None else _parsed("")
    return Cell(tag_name(tag) == "th", content, tuple(spans))


def fits_markdown(table: Table) -> bool:
    if table.caption is not None or not table.rows or len(table.rows) < 2:
        return False
    head, *body = table.rows
    if not all(cell.header for cell in head) or any(cell.header for row in body for cell in row):
        return False
    return all(not cell.spans and _single_line(cell.content) for row in table.rows for cell in row)


def _single_line(content: Wikicode) -> bool:
    if "\n" in str(content).strip():
        return False
    return not any(
        isinstance(node, Heading) or (isinstance(node, Tag) and tag_name(node) in MULTILINE_TAGS)
        for node in content.filter(recursive=True)
    )


def markdown_table(table: Table, inline: InlineConverter) -> str:
    width = max(len(row) for row in table.rows)
    lines = []
    for number, row in enumerate(table.rows):
        cells = [inline.convert(_trimmed(cell.content), multiline=False).strip() for cell in row]
        cells += [""] * (width - len(cells))
        lines.append("| " + " | ".join(cells) + " |")
        if number == 0:
            lines.append("|" + " --- |" * width)
    return "\n".join(lines)


def _trimmed(content: Wikicode) -> list[Node]:
    return [node for node in content.nodes if not (isinstance(node, Text) and not node.value.strip())]


def html_table(table: Table, blocks: BlockConverter) -> str:
    """The table as bare HTML tags, each cell's content Markdown between blank lines."""
    parts = ["<table>"]
    if table.caption is not None:
        parts += ["<caption>", *_content(table.caption, blocks), "</caption>"]
    for row in table.rows:
        parts.append("<tr>")
        for cell in row:
            name = "th" if cell.header else "td"
            spans = "".join(f' {attribute}="{value}"' for attribute, value in cell.spans)
            parts += [f"<{name}{spans}>", *_content(cell.content, blocks), f"</{name}>"]
        parts.append("</tr>")
    parts.append("</table>")
    return "\n".join(parts)


def _content(content: Wikicode, blocks: BlockConverter) -> list[str]:
    """A cell's content as blocks; the spaces after its ``|`` are not a preformatted line's."""
    nodes = list(content.nodes)
    if nodes and isinstance(nodes[0], Text):
        nodes[0] = Text(nodes[0].value.lstrip(" \t"))
    converted = blocks.convert(Wikicode(nodes))
    return ["", "\n\n".join(converted), ""] if converted else []


def convert_table(tag: Tag, blocks: BlockConverter) -> str:
    table = read_table(tag)
    if not table.rows:
        return ""
    if fits_markdown(table):
        return markdown_table(table, blocks.inline)
    return html_table(table, blocks)
