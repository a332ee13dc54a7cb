"""Slugs: the ASCII, lowercase, hyphenated names that recipes and regions have in addresses.

"Cartopartie à Plouarzel" becomes ``cartopartie-a-plouarzel``. Slugs are made once, from a title,
and never change when the title does (renaming is an explicit moderation action).
"""

import re
import unicodedata

from recipes.errors import Invalid

MAX_SLUG_LENGTH = 80
# Addresses under /recipes/ that are pages of the site itself (/recipes/new is the editor of a new
# recipe): a recipe given one of them could never be read.
RESERVED_SLUGS = frozenset({"new"})

_NOT_SLUG_CHARS = re.compile(r"[^a-z0-9]+")
# Letters that NFKD does not decompose into ASCII but that French and German texts use.
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss", "ø": "o", "Ø": "O"})


def slugify(title: str) -> str:
    """Return the slug of a title: ASCII letters and digits joined by single hyphens."""
    folded = unicodedata.normalize("NFKD", title.translate(_LIGATURES))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii").lower()
    slug = _NOT_SLUG_CHARS.sub("-", ascii_text).strip("-")
    return slug[:MAX_SLUG_LENGTH].rstrip("-")


def refuse_reserved(slug: str) -> None:
    """Invalid if ``slug`` is the address of one of the site's own pages."""
    if slug in RESERVED_SLUGS:
        raise Invalid(
            "The address {slug!r} belongs to a page of the site; choose another.", values={"slug": slug}
        )
