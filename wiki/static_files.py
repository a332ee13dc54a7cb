"""Static files under addresses that name their content, so that browsers and proxies keep them long.

``static_url("css/levain.css")`` (a template global) is ``/static/css/levain.css?v=<hash>``, the hash
of the file's bytes, read once per app. A static file asked for with its current hash may be kept a
year without asking again (``immutable``); when a file changes, so does its address, and every page
names the new one. Asked for without the hash, or with an old one, it is sent as Flask sends any
static file: checked again with ``ETag`` and ``Last-Modified``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, Response, current_app, request, url_for

LONG_CACHE_SECONDS = 365 * 24 * 3600
HASH_LENGTH = 12
EXTENSION = "levain.static_hashes"


def content_hash(filename: str) -> str:
    """The first characters of the SHA-256 of a static file's bytes, kept for the life of the app."""
    hashes: dict[str, str] = current_app.extensions[EXTENSION]
    if filename not in hashes:
        data = (Path(current_app.static_folder) / filename).read_bytes()
        hashes[filename] = hashlib.sha256(data).hexdigest()[:HASH_LENGTH]
    return hashes[filename]


def static_url(filename: str) -> str:
    """The address of a static file, naming its content."""
    return url_for("static", filename=filename, v=content_hash(filename))


def _cache_hashed_files(response: Response) -> Response:
    if request.endpoint != "static" or response.status_code != 200:
        return response
    filename = (request.view_args or {}).get("filename", "")
    if request.args.get("v") == content_hash(filename):
        response.cache_control.public = True
        response.cache_control.max_age = LONG_CACHE_SECONDS
        response.cache_control.immutable = True
    return response


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = {}
    app.add_template_global(static_url)
    app.after_request(_cache_hashed_files)
