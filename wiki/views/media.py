"""Serving the wiki's pictures under /media/<sha-256>.<extension>, straight from the database.

A picture's address names its content, so it never changes: browsers and proxies may keep it for a
year without asking again. Each answer carries the stored type with ``nosniff`` and a sandboxing
Content-Security-Policy, so that even opened directly it can only ever be shown as a picture.
"""

from __future__ import annotations

from flask import Blueprint, Response, request

from recipes.history.images import get_image

from ..db import get_session

bp = Blueprint("media", __name__)

ONE_YEAR_SECONDS = 365 * 24 * 3600
PICTURE_HEADERS = {
    "Cache-Control": f"public, max-age={ONE_YEAR_SECONDS}, immutable",
    # The browser's own viewer styles a picture opened directly; nothing else may load or run.
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
    "X-Content-Type-Options": "nosniff",
}


@bp.get("/media/<name>")
def picture(name: str):
    """Serve a stored picture with its stored type."""
    image = get_image(get_session(), name)
    response = Response(image.data, mimetype=image.content_type, headers=PICTURE_HEADERS)
    response.set_etag(image.id)
    return response.make_conditional(request)
