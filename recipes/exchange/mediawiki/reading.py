"""Reading a MediaWiki XML export as a stream: plain, gzip or bzip2; export schemas 0.10 and 0.11.

mwxml reads the export's structure (``<siteinfo>``, pages, revisions) page by page, so that a dump of
a whole wiki never has to fit in memory. It is fed by an XML pull parser that this module feeds line
by line: whatever breaks (malformed XML, an element where none belongs, a truncated or damaged
compressed stream, a bad date) is refused with ``ExportRefused`` and the number of the line where it
broke. The compression is told by the file's first bytes, not by its name.
"""

from __future__ import annotations

import bz2
import gzip
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, TypeVar
from urllib.parse import urlsplit
from xml.etree.ElementTree import ParseError, XMLPullParser

import mwxml
from mwxml.element_iterator import ElementIterator, EventPointer
from mwxml.errors import MalformedXML

from ...errors import Invalid
from .links import Site

SCHEMAS = ("0.10", "0.11")
GZIP_MAGIC, BZIP2_MAGIC = b"\x1f\x8b", b"BZh"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# What reading a broken file raises, from the decompressors, the XML parser, mwxml and mwtypes.
READ_ERRORS = (ParseError, MalformedXML, EOFError, OSError, zlib.error, ValueError, TypeError, AttributeError)
T = TypeVar("T")


class ExportRefused(Invalid):
    """The file is not an export this import reads, or it breaks at ``line``; nothing was imported."""

    def __init__(self, line: int, reason: str):
        super().__init__("line {line}: {reason}", values={"line": line, "reason": reason}, line=line)
        self.line = line
        self.reason = reason


class _LineFedEvents:
    """The (event, element) pairs of an XML pull parser fed one line at a time; ``line`` says where."""

    def __init__(self, stream: BinaryIO):
        self.stream = stream
        self.line = 0
        self.parser = XMLPullParser(events=("start", "end"))

    def __iter__(self) -> Iterator[tuple[str, object]]:
        for number, raw in enumerate(self.stream, start=1):
            self.line = number
            self.parser.feed(raw)
            yield from self.parser.read_events()
        self.parser.close()  # a document left open (a truncated file) fails here
        yield from self.parser.read_events()


class ExportReader:
    """An open export: what it says of its wiki (``site``), and its pages one at a time."""

    def __init__(self, stream: BinaryIO):
        self.events = _LineFedEvents(stream)
        root = self.guard(lambda: self._root())
        self.schema = root.element.attrib.get("version", "")
        if self.schema not in SCHEMAS:
            raise ExportRefused(
                1, f"export schema {self.schema!r}; this import reads {' and '.join(SCHEMAS)}"
            )
        language = root.element.attrib.get(XML_LANG)
        self.dump = self.guard(lambda: mwxml.Dump.from_element(root))
        self.site = site_of(self.dump.site_info, language)

    def _root(self) -> ElementIterator:
        pointer = EventPointer(iter(self.events))
        _, element = next(pointer)
        root = ElementIterator(element, pointer)
        if root.tag != "mediawiki":
            raise ExportRefused(self.events.line, f"<{root.tag}> is not a MediaWiki export's <mediawiki>")
        return root

    def guard(self, read):
        """Run ``read``; a broken file becomes ExportRefused with the line the parser had reached."""
        try:
            return read()
        except StopIteration:
            raise ExportRefused(self.events.line, "the file ends before the export starts") from None
        except READ_ERRORS as error:
            raise self.refusal(error) from error

    def refusal(self, error: Exception) -> ExportRefused:
        line = error.position[0] if isinstance(error, ParseError) and error.position else self.events.line
        if isinstance(error, EOFError | zlib.error | OSError):  # the next line could not be read
            return ExportRefused(
                self.events.line + 1, f"the compressed file is truncated or damaged ({error})"
            )
        reason = str(error).split("...")[0].strip() or type(error).__name__
        return ExportRefused(line, f"this is not a well-formed MediaWiki export ({reason})")

    def iterate(self, items: Iterator[T]) -> Iterator[T]:
        """The items of one of mwxml's lazy iterators, a broken file refused where it breaks."""
        while True:
            try:
                item = next(items)
            except StopIteration:
                return
            except READ_ERRORS as error:
                raise self.refusal(error) from error
            yield item

    def pages(self) -> Iterator[mwxml.Page]:
        return self.iterate(iter(self.dump.pages))

    def revisions(self, page: mwxml.Page) -> Iterator[mwxml.Revision]:
        return self.iterate(iter(page))


@contextmanager
def open_export(path: str | Path) -> Iterator[ExportReader]:
    """Open an export (plain, ``.gz`` or ``.bz2``, told by its first bytes) for reading."""
    with open(path, "rb") as raw:
        magic = raw.read(3)
    opener = gzip.open if magic[:2] == GZIP_MAGIC else bz2.open if magic == BZIP2_MAGIC else open
    with opener(path, "rb") as stream:
        if not magic:
            raise ExportRefused(1, "the file is empty")
        yield ExportReader(stream)


def site_of(info: mwxml.SiteInfo, language: str | None) -> Site:
    """The wiki an export came from. Its *source* is its database name at its host: page and
    revision ids are those of one wiki, and many wikis keep the installer's database name."""
    host = urlsplit(info.base).hostname if info.base else None
    source = "@".join(part for part in (info.dbname, host) if part) or info.name or "mediawiki"
    namespaces = {ns.id: ns.name for ns in info.namespaces or () if ns.name}
    return Site(
        source=source[:255],
        name=info.name or source,
        base=info.base,
        language=(language or "").split("-")[0].lower() or None,
        namespaces=namespaces,
        first_letter_case=(info.case or "first-letter") == "first-letter",
    )


def revision_time(revision: mwxml.Revision) -> datetime:
    return datetime.fromtimestamp(revision.timestamp.unix(), UTC)
