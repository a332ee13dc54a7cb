"""How the app sits behind its servers: the proxies it trusts, a request id, log lines that carry it.

Glossary:
- *trusted proxies*: ``TRUSTED_PROXIES`` reverse proxies (nginx, a load balancer) in front of the app,
  each adding the address it got the request from to ``X-Forwarded-For`` and the scheme to
  ``X-Forwarded-Proto``. Werkzeug's ProxyFix takes the client's address and scheme from the last
  ``TRUSTED_PROXIES`` entries, so rate limits and logs see each client rather than the proxy. Left
  at 0, those headers are ignored: anyone can write them.
- *request id*: the id of one request, taken from its ``X-Request-Id`` header when a proxy set a
  sensible one, else made here; it is sent back in ``X-Request-Id`` (where gunicorn's access log reads
  it, see deploy/gunicorn.conf.py) and stamped on every line the app logs while answering.
"""

from __future__ import annotations

import logging
import re
import secrets

from flask import Flask, Response, g, has_request_context, request
from flask.logging import default_handler
from werkzeug.middleware.proxy_fix import ProxyFix

REQUEST_ID_HEADER = "X-Request-Id"
# An id a proxy sends is kept when it is short and plain, so that it cannot forge log lines.
ACCEPTED_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")
LOG_FORMAT = "[%(asctime)s] %(levelname)s request_id=%(request_id)s client=%(client)s %(name)s: %(message)s"
# The loggers of the libraries whose warnings an operator needs, written like the app's own lines.
LIBRARY_LOGGERS = ("flask-limiter",)


def request_id() -> str:
    """The id of the request being answered, or "-" outside a request."""
    if not has_request_context():
        return "-"
    if "request_id" not in g:
        sent = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = sent if ACCEPTED_REQUEST_ID.fullmatch(sent) else secrets.token_hex(16)
    return g.request_id


class RequestContextFilter(logging.Filter):
    """Stamps each log record with the request id and the client's address."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id()
        record.client = request.remote_addr if has_request_context() else "-"
        return True


def _send_request_id(response: Response) -> Response:
    response.headers[REQUEST_ID_HEADER] = request_id()
    return response


def init_logging(app: Flask) -> None:
    """Write the app's log lines, and the libraries' warnings, with the request id and the client."""
    default_handler.setFormatter(logging.Formatter(LOG_FORMAT))
    for stamped in (default_handler, app.logger, *map(logging.getLogger, LIBRARY_LOGGERS)):
        if not any(isinstance(f, RequestContextFilter) for f in stamped.filters):
            stamped.addFilter(RequestContextFilter())
    for name in LIBRARY_LOGGERS:
        library_logger = logging.getLogger(name)
        if default_handler not in library_logger.handlers:
            library_logger.addHandler(default_handler)
        library_logger.setLevel(logging.INFO)
    if app.logger.level == logging.NOTSET:
        app.logger.setLevel(logging.INFO)


def init_app(app: Flask) -> None:
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    init_logging(app)
    # No hook makes the id before the view: ``request_id`` makes it when first asked, by a log line or
    # by the answer's header.
    app.after_request(_send_request_id)
