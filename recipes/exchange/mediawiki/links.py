"""Where the links of a MediaWiki page lead once it is a recipe: titles, namespaces and addresses.

- *namespace*: the prefix of a title (``Fichier:``, ``Catégorie:``, ``Discussion:`` …), in the wiki's
  own language (from the export's ``<siteinfo>``) or MediaWiki's canonical English names, in any case.
- *normal title*: a title as MediaWiki compares them: underscores are spaces, runs of spaces one, and
  the first letter a capital (on wikis whose titles are case-sensitive only after it, the default).
- A link to an imported page becomes a wiki link to its recipe's slug; a link to a page of another
  namespace, or to a file, leads to that page or file on the wiki the export came from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

MAIN, FILE, CATEGORY, MEDIA = 0, 6, 14, -2
CANONICAL_NAMESPACES = {
    -2: "Media",
    -1: "Special",
    1: "Talk",
    2: "User",
    3: "User talk",
    4: "Project",
    5: "Project talk",
    6: "File",
    7: "File talk",
    8: "MediaWiki",
    9: "MediaWiki talk",
    10: "Template",
    11: "Template talk",
    12: "Help",
    13: "Help talk",
    14: "Category",
    15: "Category talk",
}
# Names MediaWiki also accepts for a namespace.
NAMESPACE_ALIASES = {"image": FILE, "image talk": 7}


def normal_title(title: str, *, first_letter_case: bool = True) -> str:
    """A title as MediaWiki compares it: spaces for underscores, single spaces, a capital first letter."""
    title = " ".join(title.replace("_", " ").split())
    if first_letter_case and title:
        title = title[0].upper() + title[1:]
    return title


@dataclass(frozen=True)
class Site:
    """What an export says of the wiki it came from."""

    source: str  # the wiki: its database name at its host
    name: str
    base: str | None  # the address of its main page
    language: str | None
    namespaces: Mapping[int, str] = field(default_factory=dict)  # their names in the wiki's language
    first_letter_case: bool = True

    def namespace_ids(self) -> dict[str, int]:
        """Every name a namespace is known by, lowercased, to its number."""
        names = {name.lower(): number for number, name in CANONICAL_NAMESPACES.items()}
        names.update(NAMESPACE_ALIASES)
        names.update({name.lower(): number for number, name in self.namespaces.items() if name})
        return names

    def article_url(self, title: str) -> str | None:
        """The address of a page of the wiki, from the address of its main page; None if unknown."""
        if not self.base:
            return None
        parts = urlsplit(self.base)
        name = title.replace(" ", "_")
        query = dict(parse_qsl(parts.query))
        if "title" in query:
            return urlunsplit(parts._replace(query=urlencode({**query, "title": name})))
        folder = parts.path.rsplit("/", 1)[0]
        return urlunsplit(parts._replace(path=f"{folder}/{quote(name, safe=':/')}"))


class Links:
    """Resolves the titles a page links to: namespaces, imported recipes, addresses on the source wiki."""

    def __init__(self, site: Site, slugs: Mapping[str, str]):
        self.site = site
        self._namespaces = site.namespace_ids()
        self._slugs = slugs  # normal title → slug of the recipe the page is (or redirects to)

    def split(self, title: str) -> tuple[int, str]:
        """The namespace of a title and the title within it."""
        prefix, colon, rest = title.partition(":")
        if colon:
            number = self._namespaces.get(" ".join(prefix.replace("_", " ").split()).lower())
            if number is not None:
                return number, rest.strip()
        return MAIN, title.strip()

    def normal(self, title: str) -> str:
        """The normal form of a full title, its namespace named as the wiki names it."""
        number, rest = self.split(title)
        rest = normal_title(rest, first_letter_case=self.site.first_letter_case)
        if number == MAIN:
            return rest
        prefix = self.site.namespaces.get(number) or CANONICAL_NAMESPACES.get(number, "")
        return f"{prefix}:{rest}"

    def recipe_slug(self, title: str) -> str | None:
        """The slug of the recipe a page became (following redirects), None if it is not imported."""
        return self._slugs.get(self.normal(title))

    def page_url(self, title: str) -> str | None:
        return self.site.article_url(self.normal(title))

    def file_url(self, name: str) -> str | None:
        """Where the wiki serves a file: its ``Special:FilePath``, which leads to the file itself."""
        return self.site.article_url(f"Special:FilePath/{normal_title(name)}")
