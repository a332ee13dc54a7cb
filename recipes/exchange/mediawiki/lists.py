"""MediaWiki's list lines (``*``, ``#``, ``;``, ``:`` prefixes) as Markdown lists, definitions and quotes.

- ``*`` and ``#`` items, nested by their prefix (``**``, ``#*`` …), become ``-`` and ``1.`` items
  indented under their parent's text; a nested item without a parent gets an empty one, as
  MediaWiki shows it.
- ``;term : definition`` (or ``;term`` then ``:definition``) becomes a definition list (``term`` then
  ``: definition``); a term with no definition, a bold line.
- ``#:`` (or ``*:``) continues the item above on a line of its own; ``:`` alone indents a line,
  which becomes a quote (``::`` a quote in a quote).
- Two lists one after the other alternate their markers (``-``/``*``, ``1.``/``1)``), so that
  Markdown keeps them apart as MediaWiki does.
"""

from __future__ import annotations

LIST_SIGNS = frozenset("*#")
MARKER_WIDTH = {"*": 2, "#": 3}


class ListWriter:
    """Writes one run of consecutive list lines; ``blocks`` are the Markdown blocks it makes."""

    def __init__(self, alternate_markers: bool = False):
        self.markers = {"*": "*", "#": "1)"} if alternate_markers else {"*": "-", "#": "1."}
        self.segments: list[tuple[str, list[str]]] = []  # (kind, lines)
        self.stack = ""  # the prefix of the list item written last
        self.unusual = 0  # lines whose mix of signs Markdown cannot nest (written as plain items)

    @property
    def blocks(self) -> list[str]:
        return ["\n".join(lines) for _, lines in self.segments if lines]

    def add(self, prefix: str, content: str, definition: str | None = None) -> None:
        if set(prefix) <= LIST_SIGNS:
            self._item(prefix, content)
        elif prefix == ";":
            self._term(content, definition)
        elif set(prefix) == {":"}:
            self._indented(len(prefix), content)
        elif prefix.rstrip(":") and set(prefix.rstrip(":")) <= LIST_SIGNS and self._continues(prefix):
            self._continuation(prefix.rstrip(":"), content)
        else:
            self.unusual += 1
            bold = ";" in prefix and content.strip()
            signs = "".join(sign if sign in LIST_SIGNS else "*" for sign in prefix.lstrip(":")) or "*"
            self._item(signs, f"**{content.strip()}**" if bold else content)

    def _lines(self, kind: str) -> list[str]:
        if not self.segments or self.segments[-1][0] != kind:
            self.segments.append((kind, []))
            if kind != "list":
                self.stack = ""
        return self.segments[-1][1]

    def _indent(self, prefix: str) -> str:
        return " " * sum(MARKER_WIDTH[sign] for sign in prefix)

    def _item(self, prefix: str, content: str) -> None:
        lines = self._lines("list")
        for level in range(len(prefix) - 1):
            if level >= len(self.stack) or self.stack[level] != prefix[level]:
                # MediaWiki opens the missing parent with an empty item; so does Markdown.
                lines.append(self._indent(prefix[:level]) + self.markers[prefix[level]])
                self.stack = prefix[: level + 1]
        first, *more = content.strip().split("\n")
        marker = self.markers[prefix[-1]]
        lines.append(self._indent(prefix[:-1]) + marker + (f" {first}" if first else ""))
        # The item's own lines (after a line break) stand under its text, not under the list.
        lines.extend(self._indent(prefix) + line for line in more)
        self.stack = prefix

    def _continues(self, prefix: str) -> bool:
        return (
            bool(self.segments)
            and self.segments[-1][0] == "list"
            and self.stack.startswith(prefix.rstrip(":"))
        )

    def _continuation(self, item_prefix: str, content: str) -> None:
        lines = self._lines("list")
        if content.strip():
            lines[-1] += "\\"  # a hard line break, then the text under the item's own
            lines.append(self._indent(item_prefix) + content.strip())

    def _term(self, term: str, definition: str | None) -> None:
        lines = self._lines("definitions")
        if not term.strip():
            return
        if lines and not lines[-1].startswith(":"):  # a term without a definition before this one
            self.segments.append(("definitions", []))  # stays apart, a bold line (``finish``)
            lines = self.segments[-1][1]
        if lines and lines[-1].startswith(":"):
            lines.append("")  # or Markdown reads the term as more of the definition above
        lines.append(term.strip())
        if definition is not None and definition.strip():
            lines.append(f": {definition.strip()}")

    def _indented(self, depth: int, content: str) -> None:
        if depth == 1 and self.segments and self.segments[-1][0] == "definitions":
            lines = self.segments[-1][1]
            if lines and content.strip():
                lines.append(f": {content.strip()}")
                return
        lines = self._lines("quote")
        if lines:
            lines.append(">" * min(depth, self._depth_of(lines[-1])))
        lines.append("> " * depth + content.strip())

    @staticmethod
    def _depth_of(line: str) -> int:
        """How many quotes deep a line written by ``_indented`` is (its text's own signs are escaped)."""
        depth = 0
        while line.startswith(">"):
            depth, line = depth + 1, line[1:].lstrip(" ")
        return depth

    def finish(self) -> list[str]:
        """The blocks, a term left without a definition made a bold line."""
        for kind, lines in self.segments:
            if kind == "definitions" and lines and not lines[-1].startswith(":"):
                lines[-1] = f"**{lines[-1]}**"
        return self.blocks
