"""The one place where domain errors and HTTP errors become answers.

Under ``/api/`` an error is JSON, ``{"error": {"code", "message"}}`` plus any details (a conflict's
``head_revision`` and ``conflicts``); elsewhere it is a page. No input may produce a 500: an
unexpected exception is logged and answered with a plain page that apologises. A database that
is unreachable, busy, read-only or full is not a bug: one log line, and a 503 (507 for full storage)
that says so; the next request tries again, so the wiki recovers by itself when the database does.
"""

from __future__ import annotations

from flask import Flask, current_app, g, jsonify, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, DisconnectionError
from werkzeug.exceptions import HTTPException

from recipes.database import BUSY, FULL, READ_ONLY, UNREACHABLE, database_failure
from recipes.errors import LevainError

from .db import close_session
from .i18n import error_message

STATUS_BY_CODE = {
    "invalid": 400,
    "unauthorized": 401,
    "forbidden": 403,
    "not_found": 404,
    "method_not_allowed": 405,
    "edit_conflict": 409,
    "merge_conflict": 409,
    "licence_conflict": 409,
    "too_large": 413,
    "rate_limited": 429,
    "unavailable": 503,
    "storage_full": 507,
    "internal": 500,
}
CODE_BY_HTTP_STATUS = {
    400: "invalid",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    429: "rate_limited",
}


# The answer to each kind of database failure: its code and a sentence for the person.
FAILURE_ANSWERS = {
    UNREACHABLE: ("unavailable", "The wiki cannot reach its database just now; try again in a few minutes."),
    BUSY: ("unavailable", "The wiki is very busy just now; try again in a few seconds."),
    READ_ONLY: ("unavailable", "The wiki's storage is read-only: nothing was saved; try again later."),
    FULL: ("storage_full", "The wiki's storage is full: nothing was saved. Try again once there is room."),
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(code: str, message: str, details: dict | None = None):
    """Answer an error as JSON (API) or as a page (web), with the status of its code."""
    status = STATUS_BY_CODE.get(code, 400)
    if wants_json():
        return jsonify({"error": {"code": code, "message": message}, **(details or {})}), status
    return render_template("errors/error.html", code=code, message=message, status=status), status


def _domain_error(error: LevainError):
    if error.code == "unauthorized" and not wants_json():
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    return error_response(error.code, error_message(error), error.details)


def _http_error(error: HTTPException):
    code = CODE_BY_HTTP_STATUS.get(error.code or 500, "invalid")
    message = {
        "too_large": "The request is too large.",
        "rate_limited": "Too many requests; wait a little and try again.",
        "not_found": "There is nothing at this address.",
    }.get(code, error.description or "The request is not valid.")
    body, status = error_response(code, message)
    # A 405 says which methods the address takes (RFC 9110): Werkzeug's error carries them.
    allowed = getattr(error, "valid_methods", None)
    return body, status, {"Allow": ", ".join(sorted(allowed))} if allowed else {}


def _csrf_error(error: CSRFError):
    return error_response(
        "invalid", "The security token of this form is missing or expired. Reload the page and try again."
    )


def database_failure_answer(error: BaseException) -> tuple[str, str] | None:
    """The code and message for a failure of the database itself (logged once), None for a bug."""
    failure = database_failure(error)
    if failure is None:
        return None
    reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
    current_app.logger.error("database %s on %s %s: %s", failure, request.method, request.path, reason)
    return FAILURE_ANSWERS[failure]


def _database_error(error: DBAPIError | DisconnectionError):
    answer = database_failure_answer(error)
    if answer is None:
        return _unexpected_error(error)
    close_session()  # a failed session cannot even load what the page shows
    # Draw the page for an anonymous reader: loading the account would ask the database again.
    g._login_user = current_app.login_manager.anonymous_user()
    return error_response(*answer)


def _unexpected_error(error: Exception):
    if isinstance(error, HTTPException):
        return _http_error(error)
    current_app.logger.exception("unexpected error on %s %s", request.method, request.path)
    return error_response("internal", "Something went wrong on our side; nothing was saved.")


def init_app(app: Flask) -> None:
    app.register_error_handler(LevainError, _domain_error)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(DBAPIError, _database_error)
    app.register_error_handler(DisconnectionError, _database_error)
    app.register_error_handler(Exception, _unexpected_error)
