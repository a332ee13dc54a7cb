"""The search index as seen by the web layer: opened per app, fed from the outbox by a writer thread.

The backend comes from ``SEARCH_BACKEND`` (``whoosh``, files in ``<instance>/search/``, or
``postgres``). A request that may have saved something (any unsafe method) notifies the app's
outbox writer (``recipes.search.background``) and answers at once: the thread brings the waiting
saves into the index after the view's transaction committed, and a search applies what still
waits before searching. A failing index never fails the request that saved. The writer is stopped,
after one last drain, by ``stop_index_writer`` or when the process exits.
"""

from __future__ import annotations

import atexit
import weakref
from pathlib import Path

from flask import Flask, Response, current_app, request

from recipes.search import SearchIndex, SearchRequest, make_request, open_index
from recipes.search.background import OutboxWriter

from .api.common import number_arg, slug_arg, tag_arg
from .security import UNSAFE_METHODS

SEARCH_RATE_LIMIT = "120 per minute"
WRITER = "levain.search_writer"


def init_app(app: Flask) -> None:
    index = open_index(
        app.config["SEARCH_BACKEND"],
        folder=Path(app.config["INSTANCE_PATH"]) / "search",
        dialect=app.extensions["levain.engine"].dialect.name,
    )
    writer = OutboxWriter(index, app.extensions["levain.sessions"])
    app.extensions["levain.search"] = index
    app.extensions[WRITER] = writer
    app.after_request(_notify_writer)
    # A weak reference: an app that is gone (the tests make many) is not kept for the exit.
    atexit.register(_stop_at_exit, weakref.ref(writer))


def get_index() -> SearchIndex:
    return current_app.extensions["levain.search"]


def refresh_index(app: Flask) -> int:
    """Apply every waiting outbox row to the index now; return how many were applied."""
    return app.extensions[WRITER].drain()


def stop_index_writer(app: Flask) -> None:
    """Stop the app's outbox writer after it applied what waits: before its engine is disposed."""
    app.extensions[WRITER].stop()


def _notify_writer(response: Response) -> Response:
    # A request that failed on the server's side saved nothing; its database may well be unreachable.
    if request.method in UNSAFE_METHODS and response.status_code < 500:
        current_app.extensions[WRITER].notify()
    return response


def _stop_at_exit(writer: weakref.ref) -> None:
    alive = writer()
    if alive is not None:
        alive.stop()


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
