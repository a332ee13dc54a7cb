"""The search index as seen by the web layer: opened per app, fed from the outbox after each request.

The backend comes from ``SEARCH_BACKEND`` (``whoosh``, files in ``<instance>/search/``, or
``postgres``). After a request that may have saved something (any unsafe method), the outbox
writer brings the waiting saves into the index, in a session of its own, after the view's
transaction committed; it waits a little for another process's writer and otherwise leaves the
rows for the next writer or search. A failing index never fails the request that saved.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, Response, current_app, request

from recipes.search import SearchIndex, SearchRequest, make_request, open_index
from recipes.search.outbox import has_pending

from .api.common import number_arg, slug_arg, tag_arg
from .security import UNSAFE_METHODS

# Saves may wait this long, after their transaction, for another process's index writer.
AFTER_SAVE_LOCK_TIMEOUT = 2.0
SEARCH_RATE_LIMIT = "120 per minute"


def init_app(app: Flask) -> None:
    app.extensions["levain.search"] = open_index(
        app.config["SEARCH_BACKEND"],
        folder=Path(app.config["INSTANCE_PATH"]) / "search",
        dialect=app.extensions["levain.engine"].dialect.name,
    )
    app.after_request(_refresh_after_write)


def get_index() -> SearchIndex:
    return current_app.extensions["levain.search"]


def refresh_index(app: Flask) -> int:
    """Apply the waiting outbox rows to the index; return how many were applied."""
    with app.extensions["levain.sessions"]() as session:
        if not has_pending(session):
            return 0
        try:
            return app.extensions["levain.search"].apply_outbox(session, lock_timeout=AFTER_SAVE_LOCK_TIMEOUT)
        except Exception:  # the save is committed; the outbox keeps what the index missed
            app.logger.exception("could not update the search index; the outbox keeps the changes")
            return 0


def _refresh_after_write(response: Response) -> Response:
    # A request that failed on the server's side saved nothing; its database may well be unreachable.
    if request.method in UNSAFE_METHODS and response.status_code < 500:
        refresh_index(current_app)
    return response


def request_from_args() -> SearchRequest:
    """The search the query string asks for: q, region, tag, language, licence, sort, page, limit."""
    return make_request(
        request.args.get("q", ""),
        region=slug_arg("region"),
        tag=tag_arg("tag"),
        language=request.args.get("language") or None,
        licence=request.args.get("licence") or None,
        sort=request.args.get("sort") or None,
        page=number_arg("page"),
        per_page=number_arg("limit"),
    )
