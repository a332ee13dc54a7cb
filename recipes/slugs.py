"""Slugs: the ASCII, lowercase, hyphenated names that recipes and regions have in addresses.

"Cartopartie à Plouarzel" becomes ``cartopartie-a-plouarzel``; a title in another script is
transliterated ("Κοινός κήπος" → ``koinos-kepos``, "共享花园" → ``gong-xiang-hua-yuan``) by
python-slugify, so that every title that has letters gets an address. Slugs are made once, from a
title, and never change when the title does (renaming is an explicit moderation action).
"""

from functools import lru_cache

from slugify import slugify as _transliterated_slug

from recipes.errors import Invalid

MAX_SLUG_LENGTH = 80
# A slug costs python-slugify ~0.4 ms (its "auto" backend looks for the optional Unidecode package at
# each call); the wiki links of a page, and of every revision of an imported page, name the same
# titles again and again: the slugs of a few thousand recent titles are kept.
SLUGS_KEPT = 4096
# Addresses under /recipes/ that are pages of the site itself (/recipes/new is the editor of a new
# recipe): a recipe given one of them could never be read.
RESERVED_SLUGS = frozenset({"new"})


@lru_cache(maxsize=SLUGS_KEPT)
def slugify(title: str) -> str:
    """Return the slug of a title: ASCII letters and digits joined by single hyphens."""
    return _transliterated_slug(title, max_length=MAX_SLUG_LENGTH, lowercase=True)


def refuse_reserved(slug: str) -> None:
    """Invalid if ``slug`` is the address of one of the site's own pages."""
    if slug in RESERVED_SLUGS:
        raise Invalid(
            "The address {slug!r} belongs to a page of the site; choose another.", values={"slug": slug}
        )
