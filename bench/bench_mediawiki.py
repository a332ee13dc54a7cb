"""Importing a 10,000-revision MediaWiki export (``levain import-mediawiki``) on SQLite: revisions per second.

The export is made from the real one MediaWiki wrote for the tests (tests/fixtures/mediawiki): its
``<siteinfo>`` as it is, and pages written element by element as MediaWiki writes them (schema 0.11),
whose revisions are the fixture's real wikitexts (lists, tables, footnotes, templates, links between
the pages) edited a little at each revision (a word changed, or a line added every fourth), by
several authors and a visitor. Writing 10,000 revisions with MediaWiki's own ``edit.php`` would take
the better part of an hour; the texts and the shape are MediaWiki's all the same. The whole import is
timed: both readings of the file, the conversion of every revision, the accounts, the saves with
their rendering, and the commits.
"""

from __future__ import annotations

import hashlib
import os
import resource
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from bench.common import Row, guarded, scratch, verdict
from recipes.exchange.mediawiki import import_mediawiki
from wiki.markdown import render_markdown

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "mediawiki"
SOURCES = FIXTURES / "sources"  # the wikitexts of the fixture's recipes, as MediaWiki stored them
PAGES, REVISIONS_PER_PAGE = 100, 100
GOAL = 200  # revisions per second
AUTHORS = [("Marie Dupont", 3), ("Yann Le Goff", 4), ("Zoé", 5), ("Jean-Éric L'Hostis", 6), (None, None)]
MEASURE = f"MediaWiki import, {PAGES * REVISIONS_PER_PAGE:,} revisions in {PAGES} pages (SQLite)"
REVISION = """    <revision>
      <id>{id}</id>
{parent}      <timestamp>{timestamp}</timestamp>
      <contributor>
{contributor}
      </contributor>
      <comment>{comment}</comment>
      <origin>{id}</origin>
      <model>wikitext</model>
      <format>text/x-wiki</format>
      <text bytes="{bytes}" sha1="{sha1}" xml:space="preserve">{text}</text>
      <sha1>{sha1}</sha1>
    </revision>
"""


def main() -> list[Row]:
    return guarded(MEASURE, _measure)


def _measure() -> list[Row]:
    with scratch("sqlite") as bench:
        export = bench.folder / "large-export.xml"
        write_large_export(export, PAGES, REVISIONS_PER_PAGE)
        with bench.session() as session:
            before, started = _cpu(), time.perf_counter()
            report = import_mediawiki(session, export, render=render_markdown)
            elapsed, (own, workers) = time.perf_counter() - started, _cpu_since(before)
    imported = report.revisions_imported
    rate = imported / elapsed
    figure = (
        f"{rate:.0f} revisions/s ({imported:,} revisions, {len(report.recipes_created)} recipes in "
        f"{elapsed:.1f} s; CPU {own:.1f} s writing + {workers:.1f} s converting in worker processes; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )
    met = rate >= GOAL and imported == PAGES * REVISIONS_PER_PAGE
    return [(MEASURE, figure, verdict(f"≥ {GOAL} revisions/s", met))]


def _cpu() -> tuple[float, float]:
    """CPU seconds used so far by this process and by its children that ended (the workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def _cpu_since(before: tuple[float, float]) -> tuple[float, float]:
    now = _cpu()
    return now[0] - before[0], now[1] - before[1]


def write_large_export(path: Path, pages: int, revisions_per_page: int) -> None:
    """An export of ``pages`` pages of ``revisions_per_page`` revisions each, shaped as MediaWiki's."""
    real = (FIXTURES / "recettes-0.11.xml").read_text(encoding="utf-8")
    sources = [*sorted(SOURCES.glob("copy-party.*.wiki")), *sorted(SOURCES.glob("cartopartie.*.wiki"))]
    texts = [source.read_text(encoding="utf-8") for source in sources]
    start = datetime(2020, 1, 1, tzinfo=UTC)
    revision_id = 0
    with path.open("w", encoding="utf-8") as out:
        out.write(real[: real.index("  <page>")])  # the <mediawiki> element and the wiki's <siteinfo>
        for page in range(1, pages + 1):
            title = f"Recette {page}"
            out.write(f"  <page>\n    <title>{escape(title)}</title>\n    <ns>0</ns>\n    <id>{page}</id>\n")
            text = texts[page % len(texts)]
            for number in range(revisions_per_page):
                revision_id += 1
                text = _edited(text, number, page, pages)
                at = start + timedelta(minutes=revision_id)
                out.write(_revision(revision_id, number, text, at, AUTHORS[revision_id % len(AUTHORS)]))
            out.write("  </page>\n")
        out.write("</mediawiki>\n")


def _edited(text: str, number: int, page: int, pages: int) -> str:
    """The next revision's text: a line added every fourth revision, a word changed in between."""
    if number % 4 == 0:
        return text + f"\n* Étape {number} : voir [[Recette {(page + number) % pages + 1}]]."
    return text.replace(f"Étape {number - number % 4}", f"Étape {number - number % 4} bis", 1)


def _revision(revision_id: int, number: int, text: str, at: datetime, author: tuple) -> str:
    name, user_id = author
    if name is None:
        contributor = f"        <ip>192.0.2.{revision_id % 250}</ip>"
    else:
        contributor = f"        <username>{escape(name)}</username>\n        <id>{user_id}</id>"
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()
    return REVISION.format(
        id=revision_id,
        parent=f"      <parentid>{revision_id - 1}</parentid>\n" if number else "",
        timestamp=at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        contributor=contributor,
        comment=escape(f"Étape {number}"),
        bytes=len(text.encode("utf-8")),
        sha1=quoteattr(digest)[1:-1],
        text=escape(text),
    )
