"""Each wikitext construct, converted and rendered by Levain, reads as MediaWiki renders it.

The reference HTML was rendered by MediaWiki itself (``maintenance/parse.php``, see
tests/fixtures/mediawiki/make_exports.py). Both HTMLs are reduced to what a reader gets: the text,
the structure (headings, lists, tables and their spans, emphasis, code, footnote calls, each with the
elements it is nested in) and where links lead; MediaWiki's own chrome ("[modifier]" links, footnote
back-links) and Levain's are left out.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest

from recipes.exchange.mediawiki.links import Links
from recipes.exchange.mediawiki.reading import open_export
from recipes.exchange.mediawiki.wikitext import convert_wikitext
from wiki.markdown import render_markdown

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "mediawiki"
CONSTRUCTS = sorted(path.stem for path in (FIXTURES / "constructs").glob("*.wiki"))
# The pages of the wiki the snippets were rendered in, and the recipes they became.
RECIPES = {"Copy party": "copy-party", "Cartopartie": "cartopartie", "Repair café": "repair-cafe"}
SAME_NAMES = {"b": "strong", "i": "em"}
STRUCTURE = {f"h{level}" for level in range(1, 7)} | set(
    "ul ol li dl dt dd table caption tr th td pre code sup a strong em del blockquote".split()
)
# Chrome: MediaWiki's section edit links and footnote back-links, Levain's footnote back-links.
CHROME_CLASSES = {"mw-editsection", "mw-cite-backlink", "footnote"}


@dataclass
class Reading:
    """What a reader gets of some HTML."""

    text: str
    structure: Counter
    links: list[str]


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.words: list[str] = []
        self.structure: Counter = Counter()
        self.links: list[str] = []
        self.open: list[tuple[str, bool]] = []  # (tag, is chrome)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        chrome = any(self._chrome) or bool(set((attributes.get("class") or "").split()) & CHROME_CLASSES)
        if tag not in ("br", "img", "input"):
            self.open.append((tag, chrome))
        name = SAME_NAMES.get(tag, tag)
        if chrome or name not in STRUCTURE or (name == "code" and self._inside("pre")):
            return
        spans = "".join(f"[{a}={attributes[a]}]" for a in ("colspan", "rowspan") if attributes.get(a))
        self.structure["/".join([*self._path(), name + spans])] += 1
        if name == "a" and not self._inside("sup"):
            self.links.append(attributes.get("href", ""))

    def handle_endtag(self, tag):
        while self.open:
            if self.open.pop()[0] == tag:
                break

    def handle_data(self, data):
        if not any(self._chrome):
            self.words.append(re.sub(r"[\[\]]", "", data) if self._inside("sup") else data)

    @property
    def _chrome(self):
        return (chrome for _, chrome in self.open)

    def _path(self) -> list[str]:
        """The structural elements this one is in (a list in a list item, a list in a table cell)."""
        names = (SAME_NAMES.get(tag, tag) for tag, _ in self.open[:-1])
        return [name for name in names if name in STRUCTURE]

    def _inside(self, tag: str) -> bool:
        return any(name == tag for name, _ in self.open)


def read(html: str) -> Reading:
    reader = _Reader()
    reader.feed(html)
    return Reading(" ".join("".join(reader.words).split()), reader.structure, reader.links)


@pytest.fixture(scope="module")
def links() -> Links:
    with open_export(FIXTURES / "recettes-0.11.xml") as reader:
        site = reader.site
    return Links(site, dict(RECIPES))


def levain_reading(name: str, links: Links) -> tuple[Reading, dict]:
    conversion = convert_wikitext((FIXTURES / "constructs" / f"{name}.wiki").read_text("utf-8"), links)
    return read(render_markdown(conversion.markdown)), conversion.unconverted


def mediawiki_reading(name: str) -> Reading:
    return read((FIXTURES / "constructs" / f"{name}.html").read_text("utf-8"))


def where_it_leads(href: str) -> str:
    """A link of either wiki as what it points at: a recipe's slug, a file's name, or the URL."""
    href = unquote(href)
    if href.startswith("/w/index.php/Fichier:") or "/Special:FilePath/" in href:
        return "file:" + href.rsplit(":", 1)[-1].rsplit("/", 1)[-1].replace("_", " ")
    if href.startswith("/w/index.php/"):
        return "recipe:" + RECIPES[href.removeprefix("/w/index.php/").replace("_", " ")]
    if href.startswith("/recipes/"):
        return "recipe:" + href.removeprefix("/recipes/")
    return href


@pytest.mark.parametrize("name", [n for n in CONSTRUCTS if n not in ("templates", "files")])
def test_a_construct_reads_in_levain_as_in_mediawiki(name, links):
    ours, unconverted = levain_reading(name, links)
    theirs = mediawiki_reading(name)
    assert ours.text == theirs.text
    assert ours.structure == theirs.structure
    assert [where_it_leads(href) for href in ours.links] == [where_it_leads(h) for h in theirs.links]
    assert unconverted == {}


def test_files_become_references_to_the_files_on_the_wiki_they_came_from(links):
    ours, unconverted = levain_reading("files", links)
    theirs = mediawiki_reading("files")
    leads = [where_it_leads(href) for href in ours.links]
    assert leads == [where_it_leads(href) for href in theirs.links]
    assert leads == ["file:Pain de campagne.jpg", "file:Four.png"]
    # MediaWiki shows a missing file's name where its picture would be; the captions are the same.
    assert ours.text == theirs.text.replace("Fichier:Pain de campagne.jpg ", "")
    assert all(
        href.startswith("https://recettes.example.org/w/index.php/Special:FilePath/") for href in ours.links
    )
    assert unconverted == {}


def test_templates_stay_visible_as_their_source_and_are_counted(links):
    ours, unconverted = levain_reading("templates", links)
    theirs = mediawiki_reading("templates")
    assert unconverted == {"{{Ébauche}}": 1, "{{Durée}}": 1}
    assert ours.text == "{{Ébauche}} Une durée de {{Durée|3|h}} environ."
    # Around the templates, the text is MediaWiki's.
    assert theirs.text.endswith("Une durée de Modèle:Durée environ.")
    assert ours.structure["code"] == 2
