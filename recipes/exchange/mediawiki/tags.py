"""A page's categories as its recipe's tags, merged as its text is: what changed on either side stays.

A category becomes a tag of Levain's form (lowercase letters, digits, spaces and hyphens, at most 40
characters). Between two imports, categories added to the page in MediaWiki are added to the recipe
and those removed are removed, while tags given or taken away in Levain meanwhile stay as Levain has
them: a three-way merge of sets, with the last imported revision's categories as its base.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ...validation import MAX_TAG_LENGTH, MAX_TAGS

_NOT_TAG_CHARACTERS = re.compile(r"[^\w -]+")


def tag_of(category: str) -> str:
    """The tag a category becomes: "Culture libre (Brest)" → ``culture libre brest``."""
    tag = " ".join(_NOT_TAG_CHARACTERS.sub(" ", category.replace("_", " ")).split()).lower()
    return tag.lstrip("-")[:MAX_TAG_LENGTH].strip()


def merged_tags(current: list[str], base_categories: Iterable[str], categories: Iterable[str]) -> list[str]:
    """The recipe's tags with the page's changes of categories since the base applied, at most MAX_TAGS."""
    base = {tag_of(category) for category in base_categories} - {""}
    ours = list(dict.fromkeys(tag for tag in map(tag_of, categories) if tag))
    removed = base - set(ours)
    kept = [tag for tag in current if tag not in removed]
    return (kept + [tag for tag in ours if tag not in base and tag not in kept])[:MAX_TAGS]
