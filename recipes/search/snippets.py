"""Snippets: the passages of a recipe's text around the words a search matched, as safe HTML.

The index gives where the matched words are (character spans); a snippet is one or two windows of
about ``SNIPPET_LENGTH`` characters around them, cut at spaces, the text escaped and each match in
``<mark>``. A recipe matched by its title alone shows the beginning of its text.
"""

from __future__ import annotations

from html import escape

SNIPPET_LENGTH = 240
SNIPPET_WINDOWS = 2
# Context shown before the first match of a window.
LEAD = 60


def marked_snippet(text: str, spans: list[tuple[int, int]]) -> str:
    """Safe HTML of up to two windows of ``text`` around ``spans`` (start, end), with the spans marked."""
    spans = sorted(set(spans))
    if not spans:
        return escape(text[:SNIPPET_LENGTH], quote=False) + ("…" if len(text) > SNIPPET_LENGTH else "")
    windows = []
    for start, _end in spans:
        if len(windows) == SNIPPET_WINDOWS:
            break
        if not windows or start >= windows[-1][1]:
            windows.append(_window(text, start))
    return " … ".join(_marked(text, window, spans) for window in windows)


def _window(text: str, first_match: int) -> tuple[int, int]:
    """A window of text starting a little before a match, both ends moved to a space."""
    start = max(0, first_match - LEAD)
    if start > 0:
        space = text.find(" ", start, first_match)
        start = space + 1 if space != -1 else first_match
    end = min(len(text), start + SNIPPET_LENGTH)
    if end < len(text):
        space = text.rfind(" ", first_match, end)
        end = space if space > first_match else end
    return start, end


def _marked(text: str, window: tuple[int, int], spans: list[tuple[int, int]]) -> str:
    start, end = window
    pieces = ["…" if start > 0 else ""]
    cursor = start
    for span_start, span_end in spans:
        if span_start < cursor or span_end > end:
            continue
        pieces += [
            escape(text[cursor:span_start], quote=False),
            "<mark>",
            escape(text[span_start:span_end], quote=False),
            "</mark>",
        ]
        cursor = span_end
    pieces.append(escape(text[cursor:end], quote=False))
    if end < len(text):
        pieces.append("…")
    return "".join(pieces)
