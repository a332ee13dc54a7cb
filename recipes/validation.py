"""Checks on what people send: titles, bodies, summaries, tags, languages, revision numbers.

Each function returns the cleaned value or raises ``Invalid`` with a sentence for a person.
"""

from __future__ import annotations

import re

from .errors import N_, Invalid, Label, TooLarge
from .models import LANGUAGES
from .slugs import slugify

MAX_TITLE_LENGTH = 200
MAX_SUMMARY_LENGTH = 500
MAX_BODY_LENGTH = 500_000
MAX_TAGS = 20
MAX_TAG_LENGTH = 40
# Revision numbers are 32-bit integers in the database.
MAX_REVISION_NUMBER = 2**31 - 1

_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def one_line(text: str) -> str:
    """Text for a single-line field: no control characters, white space folded."""
    return " ".join(_CONTROL_CHARACTERS.sub("", text).split())

_TAG_PATTERN = re.compile(r"^[\w][\w -]*$")


def clean_title(title: object) -> str:
    if not isinstance(title, str) or not title.strip():
        raise Invalid("A recipe needs a title.")
    title = one_line(title)
    if len(title) > MAX_TITLE_LENGTH:
        raise Invalid("A title has at most {most} characters.", values={"most": MAX_TITLE_LENGTH})
    if not slugify(title):
        raise Invalid("A title needs at least one letter or digit.")
    return title


def clean_body(body: object) -> str:
    """Return the body with line endings made LF; texts are compared and merged line by line."""
    if not isinstance(body, str):
        raise Invalid("The text of a recipe must be a string.")
    if len(body) > MAX_BODY_LENGTH:
        raise TooLarge("A recipe has at most {most:,} characters.", values={"most": MAX_BODY_LENGTH})
    return body.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")


def clean_summary(summary: object) -> str:
    if summary is None:
        return ""
    if not isinstance(summary, str):
        raise Invalid("An edit summary must be a string.")
    summary = one_line(summary)
    if len(summary) > MAX_SUMMARY_LENGTH:
        raise Invalid("An edit summary has at most {most} characters.", values={"most": MAX_SUMMARY_LENGTH})
    return summary


def clean_tags(tags: object) -> list[str]:
    """Return tags lowercased, trimmed, without duplicates, in the given order."""
    if tags is None:
        return []
    if isinstance(tags, str):
        tags = tags.split(",")
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise Invalid("Tags are a list of words.")
    cleaned: list[str] = []
    for tag in (" ".join(t.split()).lower() for t in tags):  # control characters fail the pattern
        if not tag or tag in cleaned:
            continue
        if len(tag) > MAX_TAG_LENGTH or not _TAG_PATTERN.match(tag):
            raise Invalid(
                "A tag has at most {most} letters, digits, spaces or hyphens.",
                values={"most": MAX_TAG_LENGTH},
            )
        cleaned.append(tag)
    if len(cleaned) > MAX_TAGS:
        raise Invalid("A recipe has at most {most} tags.", values={"most": MAX_TAGS})
    return cleaned


def clean_language(language: object) -> str:
    if language is None:
        return "fr"
    if language not in LANGUAGES:
        raise Invalid("The language is one of {choices}.", values={"choices": ", ".join(LANGUAGES)})
    return language


def clean_revision_number(value: object, what: str = N_("revision")) -> int:
    """Return a revision number (1, 2, 3 …) from an int or a string of digits.

    ``what`` names the field for a person (the catalogues gather it: see the Makefile's keywords).
    """
    if isinstance(value, bool):
        raise Invalid("The {what} must be a whole number.", values={"what": Label("phrase", what)})
    if isinstance(value, str) and len(value) < 20 and value.strip().isascii() and value.strip().isdigit():
        value = int(value)
    if not isinstance(value, int) or value < 1 or value > MAX_REVISION_NUMBER:
        raise Invalid("The {what} must be a whole number from 1.", values={"what": Label("phrase", what)})
    return value
