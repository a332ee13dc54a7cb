"""Recipe pages kept per process for readers who are not logged in, shown again while they are current.

Glossary:
- *reader*: a visitor with no account in play (no login, no API token) asking for a recipe's address
  with no query string and no message waiting to be flashed. Every reader in one interface language
  sees the same page: it carries no CSRF token (its one form, the language switch, is checked by its
  origin, see ``wiki.security``), so answering it neither makes a session nor sets a cookie, and a
  caching proxy may keep it.
- *page version*: the one row (``recipes.queries.page_version``) of everything the page shows that can
  change while the address stays, including which of the recipes its wiki links name exist. Equal
  versions mean the same page.
- *kept page*: the HTML of a reader's page, kept under its slug and language with the entity tag of
  the version it was rendered from, the slugs its links name, and the data generation
  (``recipes.generation``) at which that version was last read. A view first reads the generation (a
  primary-key read): when nothing was written anywhere since, the kept page is shown at once.
  Otherwise it reads the version and shows the kept page only if it is of that version: any change
  visible on the page, including a recipe its links name being created, deleted or renamed, makes
  the next view render it afresh.
- *page shelf*: the kept pages also written as files in the instance folder, one per page, shared by
  the processes serving the wiki on one machine. A process keeps the pages read last in memory, up
  to a number of bytes; a page it does not hold is looked for on the shelf before it is rendered. A
  page from the shelf is always checked against the version it was rendered from: the shelf outlives
  the processes, and a database restored or made anew counts its generations again. The shelf's
  folder is named after the release (code, templates and catalogues), so another release never
  shows a page of this one.
- *entity tag*: a digest of the page's key and version, sent in ``ETag`` with ``Cache-Control:
  no-cache``: a browser or proxy holding the page asks again with ``If-None-Match`` and gets a
  304 without the page while it is current.

A page is kept only when nothing outside its version decides it: no picture, no upload (whether an
upload shows depends on its uploader's standing), no protection that ends by itself, and no CSRF
token of the visitor's own rendered into it.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from functools import cache
from importlib.metadata import version as installed_version
from pathlib import Path

from flask import Response, current_app, g, render_template, request, session
from flask_babel import get_locale
from sqlalchemy import Row

import recipes
import wiki
from recipes.queries import page_version

from .api.common import checked_slug
from .auth import carries_no_credentials, current_domain_user
from .db import get_session

# What the pages kept in a process's memory may weigh together (their HTML in UTF-8): about 3,000
# pages of 10 KB, a thousand of 30 KB. Bounded by bytes, not by count: a wiki of long recipes would
# otherwise hold three times as much in each process. The shelf holds every page besides.
PAGE_BYTES_KEPT = 32 * 1024 * 1024
EXTENSION = "levain.page_cache"
SHELF_FOLDER = "kept-pages"
UNCHECKED = -1  # the generation of a page from the shelf: no generation is ever negative
RELEASE_DIGEST = "levain.release_digest"
# Stands for the CSRF token in a kept page; random, so that no text of the page can contain it.
CSRF_PLACEHOLDER = f"csrf-{secrets.token_hex(16)}"

PageKey = tuple[str, str]


@dataclass(frozen=True)
class KeptPage:
    """A reader's page as rendered, with the entity tag of the version it was rendered from."""

    generation: int  # the data generation when that version was last read
    # UTF-8: half the memory of a str as soon as the page has one character past Latin-1 (a
    # typographic quote), and the bytes a response sends anyway.
    html: bytes
    link_targets: frozenset[str]
    etag: str


class PageStore:
    """Kept pages up to ``size`` bytes of HTML, the least recently used dropped first, over the page
    shelf; safe across threads."""

    def __init__(self, shelf: PageShelf, size: int = PAGE_BYTES_KEPT):
        self._pages: OrderedDict[PageKey, KeptPage] = OrderedDict()
        self._shelf = shelf
        self._size = size
        self._bytes = 0  # the HTML of the pages held
        self._lock = threading.Lock()

    def get(self, key: PageKey) -> KeptPage | None:
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
                return page
        page = self._shelf.get(key)
        if page is not None:
            self.remember(key, page)
        return page

    def put(self, key: PageKey, page: KeptPage) -> None:
        """Keep a page newly rendered, in memory and on the shelf."""
        self.remember(key, page)
        self._shelf.put(key, page)

    def remember(self, key: PageKey, page: KeptPage) -> None:
        """Keep a page in this process's memory only (a page from the shelf, or one checked again)."""
        with self._lock:
            replaced = self._pages.pop(key, None)
            if replaced is not None:
                self._bytes -= len(replaced.html)
            self._pages[key] = page
            self._bytes += len(page.html)
            while self._bytes > self._size:
                _key, dropped = self._pages.popitem(last=False)
                self._bytes -= len(dropped.html)


class PageShelf:
    """Kept pages as files, one per page: written whole under another name, then renamed into place,
    so that a process reading one never sees half of it. A file that cannot be read is no page."""

    def __init__(self, folder: Path):
        self._folder = folder

    def get(self, key: PageKey) -> KeptPage | None:
        """The page on the shelf, of no generation: its version must be checked before it is shown."""
        try:
            stored = json.loads(self._path(key).read_text(encoding="utf-8"))
            targets = frozenset(stored["link_targets"])
            return KeptPage(UNCHECKED, stored["html"].encode(), targets, stored["etag"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def put(self, key: PageKey, page: KeptPage) -> None:
        path = self._path(key)
        stored = {"html": page.html.decode(), "link_targets": sorted(page.link_targets), "etag": page.etag}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False) as file:
                json.dump(stored, file)
            os.replace(file.name, path)
        except OSError:
            current_app.logger.warning("page shelf: could not keep %s", path, exc_info=True)

    def _path(self, key: PageKey) -> Path:
        # Slugs are safe file names, but a digest keeps every name short and in one alphabet.
        name = hashlib.blake2b(repr(key).encode(), digest_size=16).hexdigest()
        return self._folder / name[:2] / f"{name}.json"


def _store() -> PageStore:
    # One store per app: two apps in one process (the tests make many) share nothing.
    store = current_app.extensions.get(EXTENSION)
    if store is None:
        release = f"{installed_version('levain')}-{_release_digest()}"
        shelves = Path(current_app.instance_path) / SHELF_FOLDER
        _clear_other_releases(shelves, release)
        store = current_app.extensions.setdefault(EXTENSION, PageStore(PageShelf(shelves / release)))
    return store


def _clear_other_releases(shelves: Path, release: str) -> None:
    # Pages of another release are never shown again: their files would only fill the disk. A
    # process of the other release still running meanwhile renders its pages instead.
    if shelves.is_dir():
        for folder in shelves.iterdir():
            if folder.name != release:
                shutil.rmtree(folder, ignore_errors=True)


@dataclass(frozen=True)
class ReaderView:
    """A reader's view of a recipe page: where its page is kept, the data generation read first, and
    the version read then (None when the generation showed the kept page current)."""

    key: PageKey
    generation: int
    version: Row | None
    kept: KeptPage | None


def reader_view(slug: str) -> ReaderView | None:
    """The reader's view of the recipe at ``slug``; None when the request is not a reader's or no
    recipe is there."""
    if request.query_string:
        return None
    if not carries_no_credentials() and ("_flashes" in session or current_domain_user() is not None):
        return None
    key = (checked_slug(slug), str(get_locale()))
    # Read before the version: a write committed between the two raises it past what is kept.
    generation = current_app.extensions["levain.generation"].read()
    kept = _store().get(key)
    if kept is not None and kept.generation == generation:
        return ReaderView(key, generation, None, kept)
    version = page_version(get_session(), slug, kept.link_targets if kept is not None else ())
    return ReaderView(key, generation, version, kept) if version is not None else None


def kept_page(view: ReaderView) -> Response | None:
    """The page kept for this view if nothing was written since it was checked, or if it is of the
    version read (a 304 when the asker holds it)."""
    if view.kept is None:
        return None
    if view.version is not None:
        if view.kept.etag != _entity_tag(view.key, _version_of(view.version)):
            return None
        _store().remember(view.key, replace(view.kept, generation=view.generation))
    return _reader_response(view.kept.html, view.kept.etag)


def render_and_keep(
    view: ReaderView,
    template: str,
    context: dict,
    *,
    link_targets: frozenset[str],
    existing: set[str],
    shows_pictures: bool,
) -> str:
    """Render a reader's page, whose wiki links lead to ``existing`` of ``link_targets``; keep it when
    nothing outside its version decides it."""
    html = render_template(template, **context, csrf_token=lambda: CSRF_PLACEHOLDER)
    before = view.version
    # A real token in the page (a macro that does not see the placeholder) is this visitor's alone.
    own_token = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token") in g
    html = html.replace(CSRF_PLACEHOLDER, "")
    if not (own_token or shows_pictures or before.uploads or before.protection_expires_at):
        # A change saved while the page was rendered may be in it: keep it only under a version read
        # after, which must be the one read before, with the links the page shows (now known).
        after = page_version(get_session(), view.key[0], link_targets)
        version = _version_of(after) if after is not None else None
        if version is not None and version == (*_version_of(before)[:-1], frozenset(existing)):
            page = KeptPage(view.generation, html.encode(), link_targets, _entity_tag(view.key, version))
            _store().put(view.key, page)
            return _reader_response(page.html, page.etag)
    return html


def _reader_response(html: bytes, etag: str) -> Response:
    # Kept by browsers and proxies, and asked again each time: a change shows on the next view. The
    # headers are written as they read (the tag is hex, quoted as is): no header objects to build.
    headers = {"ETag": f'"{etag}"', "Cache-Control": "no-cache"}
    response = current_app.response_class(html, headers=headers)
    # Only an asker holding a copy can be answered 304; the others need no comparing at all.
    return response.make_conditional(request) if request.if_none_match else response


def _entity_tag(key: PageKey, version: tuple) -> str:
    # The same in every process: the link slugs sorted, the code that renders the page named.
    described = repr((key, version[:-1], sorted(version[-1]), _release_digest()))
    return hashlib.blake2b(described.encode(), digest_size=12).hexdigest()


def _release_digest() -> str:
    """A digest of the code, templates and catalogues pages are made with: another release, other tags."""
    digest = current_app.extensions.get(RELEASE_DIGEST)
    if digest is None:
        code = (Path(module.__file__).parent for module in (wiki, recipes))
        folders = (current_app.template_folder, current_app.config["BABEL_TRANSLATION_DIRECTORIES"], *code)
        digest = current_app.extensions[RELEASE_DIGEST] = _digest_of(tuple(str(folder) for folder in folders))
    return digest


@cache
def _digest_of(folders: tuple[str, ...]) -> str:
    # Read once per process: the tests make many apps of one release.
    hasher = hashlib.blake2b(digest_size=8)
    for path in sorted(path for folder in folders for path in Path(folder).rglob("*") if _made_by_hand(path)):
        hasher.update(path.read_bytes())
    return hasher.hexdigest()


def _made_by_hand(path: Path) -> bool:
    # Python's compiled files differ between machines and runs; the sources say the same.
    return path.is_file() and "__pycache__" not in path.parts


def _version_of(row: Row) -> tuple:
    # The slugs the links lead to come in no given order.
    return (*row[:-1], frozenset((row.links_that_lead or "").split()))
