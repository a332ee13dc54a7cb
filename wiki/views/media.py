"""Serving the wiki's pictures under /media/<sha-256>.<extension>, straight from the database.

A picture's address names its content, so it never changes: browsers and proxies may keep a public
one for a year without asking again. A picture waiting for review (``recipes.history.images.is_public``)
is served only to its senders and reviewers, and kept by no shared cache. Each answer carries the
stored type with ``nosniff`` and a sandboxing Content-Security-Policy, so that even opened directly
it can only ever be shown as a picture.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request

from recipes.errors import NotFound
from recipes.history.images import get_image, is_public, may_see_picture

from ..auth import current_domain_user
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
    """Serve a stored picture with its stored type, if the asker may see it."""
    session, policy = get_session(), current_app.config["REVIEW_POLICY"]
    image = get_image(session, name)
    if not may_see_picture(session, image, current_domain_user(), policy):
        raise NotFound("There is no picture at this address.")
    response = Response(image.data, mimetype=image.content_type, headers=PICTURE_HEADERS)
    if not is_public(session, image, policy):
        response.headers["Cache-Control"] = "private, no-cache"
    response.set_etag(image.id)
    return response.make_conditional(request)
