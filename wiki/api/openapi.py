"""``/api/v1/openapi.json``: the OpenAPI 3.1 description generated from the endpoints' declarations.

The document is made once per app, on its first request (``wiki.api.spec.openapi_document``).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify

from .schemas.common import Answer
from .spec import endpoint, openapi_document

bp = Blueprint("api_openapi", __name__)
DOCUMENT_EXTENSION = "levain.openapi"


class OpenAPIDocument(Answer):
    """An OpenAPI 3.1 document."""

    openapi: str
    paths: dict[str, Any]


@bp.get("/openapi.json")
@endpoint("api", {200: OpenAPIDocument})
def openapi_json():
    """Describe the JSON API in OpenAPI 3.1."""
    made = current_app.extensions
    if DOCUMENT_EXTENSION not in made:
        made[DOCUMENT_EXTENSION] = openapi_document(current_app)
    return jsonify(made[DOCUMENT_EXTENSION])
