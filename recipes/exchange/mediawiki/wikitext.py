"""One revision's wikitext as the Markdown Levain renders, with what it says besides its text.

``convert_wikitext`` parses with mwparserfromhell and writes Markdown block by block (``blocks``,
``lists``, ``tables``) and within lines (``inline``). Besides the Markdown, a conversion gives the
page's *categories* (which become the recipe's tags), the *files* it shows or links to, and what
could not be converted, counted by *kind* (``{{Infobox}}``, ``<span>``, ``link to a section`` …).
``<ref>`` notes become Markdown footnotes, numbered in order, at the end of the text.

``redirect_target`` tells a redirect page (``#REDIRECT [[…]]``, in French ``#REDIRECTION``) and
where it leads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import mwparserfromhell

from .blocks import BlockConverter
from .inline import ConversionState, escape
from .links import Links, normal_title

# The magic words of a redirect MediaWiki reads in English and French; "#REDIRECTION" starts
# with "#REDIRECT".
REDIRECT_WORDS = ("#REDIRECT",)
MISSING_FOOTNOTE = "?"


@dataclass(frozen=True)
class Conversion:
    """A revision's Markdown, and what its wikitext said that is not text."""

    markdown: str
    categories: tuple[str, ...]
    files: tuple[str, ...]
    unconverted: Mapping[str, int]


def convert_wikitext(text: str, links: Links) -> Conversion:
    """Convert one revision's wikitext on its own (so that history and diffs read as the page did)."""
    state = ConversionState(links)
    blocks = BlockConverter(state).convert(mwparserfromhell.parse(text))
    notes = []
    for number, note in enumerate(state.footnotes, start=1):
        if not note:
            state.unconverted["<ref> without text"] += 1
        notes.append(f"[^{number}]: {note or escape(MISSING_FOOTNOTE)}")
    if notes:
        blocks.append("\n".join(notes))
    markdown = "\n\n".join(blocks)
    return Conversion(
        markdown=markdown + "\n" if markdown else "",
        categories=tuple(dict.fromkeys(normal_title(name) for name in state.categories if name.strip())),
        files=tuple(dict.fromkeys(state.files)),
        unconverted=dict(state.unconverted),
    )


def redirect_target(text: str) -> str | None:
    """The title a redirect page leads to (its section left out), or None when the page is no redirect."""
    start = text.lstrip()[:20].upper()
    if not start.startswith(REDIRECT_WORDS):
        return None
    links = mwparserfromhell.parse(text).filter_wikilinks(recursive=False)
    if not links:
        return None
    target = str(links[0].title).strip().lstrip(":").partition("#")[0].strip()
    return target or None
