"""``GET /metrics``: what the wiki is doing, in Prometheus's text format (the official client).

- ``levain_http_requests_total{method, route, status}`` and ``levain_http_request_duration_seconds{route}``:
  every request, by its route's rule (``/recipes/<slug>``, never the address itself) and status.
- ``levain_saves_total{kind}``: revisions saved (committed), by kind: edit, create, fork, sync, proposal,
  revert, rename.
- ``levain_merges_total{kind}``: saves that merged three ways: an edit based on an older revision merged
  with the head, a sync from upstream, an accepted proposal.
- ``levain_conflicts_total{route}``: answers 409, an edit, merge or licence conflict: nothing saved.
- ``levain_search_duration_seconds``: how long a search (page or API) took to answer.

Under gunicorn each worker is a process of its own: the documented configuration
(deploy/gunicorn.conf.py) sets ``PROMETHEUS_MULTIPROC_DIR``, where every worker writes its counts and
from which ``/metrics`` adds them all up (the client's multiprocess mode). Without it, a single
process answers with its own counts.
"""

from __future__ import annotations

import os
import time

from flask import Blueprint, Flask, Response, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from sqlalchemy import event
from sqlalchemy.orm import Session

from recipes.models import Revision

REQUESTS = Counter("levain_http_requests", "HTTP requests answered", ["method", "route", "status"])
LATENCY = Histogram("levain_http_request_duration_seconds", "Time to answer a request", ["route"])
SAVES = Counter("levain_saves", "Revisions saved", ["kind"])
MERGES = Counter("levain_merges", "Saves merged three ways", ["kind"])
CONFLICTS = Counter("levain_conflicts", "Saves refused by a conflict (409)", ["route"])
SEARCH_LATENCY = Histogram("levain_search_duration_seconds", "Time to answer a search")

SEARCH_ENDPOINTS = frozenset({"search.search", "api_search.search"})
# The kinds of revision that are always three-way merges of a recipe and one of its relatives.
MERGE_KINDS = frozenset({"sync", "proposal"})
SAVED_KINDS = "levain.saved_kinds"

bp = Blueprint("metrics", __name__)


@bp.get("/metrics")
def metrics():
    """Every metric, summed over the processes of this server when there are several."""
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)


def count_merged_edit() -> None:
    """An edit based on an older revision was merged with the head (known only to the save's caller)."""
    MERGES.labels(kind="edit").inc()


def _start_timer() -> None:
    g.metrics_started = time.perf_counter()


def _record_request(response: Response) -> Response:
    started = g.pop("metrics_started", None)
    route = request.url_rule.rule if request.url_rule is not None else "unmatched"
    REQUESTS.labels(request.method, route, str(response.status_code)).inc()
    if started is not None:
        elapsed = time.perf_counter() - started
        LATENCY.labels(route).observe(elapsed)
        if request.endpoint in SEARCH_ENDPOINTS:
            SEARCH_LATENCY.observe(elapsed)
    if response.status_code == 409:
        CONFLICTS.labels(route).inc()
    return response


def _note_new_revisions(session: Session, _flush_context) -> None:
    kinds = [item.kind for item in session.new if isinstance(item, Revision)]
    if kinds:
        session.info.setdefault(SAVED_KINDS, []).extend(kinds)


def _count_saves(session: Session) -> None:
    for kind in session.info.pop(SAVED_KINDS, []):
        SAVES.labels(kind=kind).inc()
        if kind in MERGE_KINDS:
            MERGES.labels(kind=kind).inc()


def _forget_saves(session: Session) -> None:
    session.info.pop(SAVED_KINDS, None)


def init_app(app: Flask) -> None:
    sessions = app.extensions["levain.sessions"]
    event.listen(sessions, "after_flush", _note_new_revisions)
    event.listen(sessions, "after_commit", _count_saves)
    event.listen(sessions, "after_rollback", _forget_saves)
    app.before_request(_start_timer)
    app.after_request(_record_request)
    app.register_blueprint(bp)

