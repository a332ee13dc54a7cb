"""``GET /healthz``: whether this server can answer, for load balancers and monitoring.

200 ``{"status": "ok", "database": "ok", "schema": …}`` when the database answers, 503
``{"status": "unavailable", "database": "unreachable"}`` when it does not, and 503 with ``"schema":
null`` when it answers but was never set up (``levain init`` not run: every page would fail). It is
never rate-limited (no limit is declared on it), sets no cookie and may not be cached.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from sqlalchemy.exc import SQLAlchemyError

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """Check that the database answers; say which migration its schema is at."""
    # Imported on the first check: Alembic (some 10 MB) is in a worker only if the check is asked.
    from recipes.schema import current_migration, newest_migration

    engine = current_app.extensions["levain.engine"]
    try:
        schema = current_migration(engine)
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        current_app.logger.error("health check: the database does not answer: %s", reason)
        response = jsonify({"status": "unavailable", "database": "unreachable"})
        response.status_code = 503
    else:
        status = "ok" if schema is not None else "unavailable"
        response = jsonify(
            {"status": status, "database": "ok", "schema": schema, "schema_head": newest_migration()}
        )
        if schema is None:
            current_app.logger.error("health check: the database has no tables; run `levain init`")
            response.status_code = 503
    response.cache_control.no_store = True
    return response
