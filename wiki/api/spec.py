"""Declaring a JSON API endpoint once, from which its request checks and its OpenAPI description come.

Each view under /api/v1 says what it takes and what it answers as pydantic models (``wiki.api.schemas``)::

    @bp.post("/recipes/<slug>/revert")
    @limit_saves
    @endpoint("recipes", {200: SavedRecipe, 202: Pending}, body=RevertRequest, writes=True)
    def revert(slug: str, body: RevertRequest): ...

``endpoint`` validates the request before the view runs (the view receives ``body`` and ``query`` as
model instances) and registers the declaration with spectree, which generates ``/api/v1/openapi.json``
(``openapi_document``). A request that breaks a model is answered 400 ``invalid`` by ``wiki.errors``,
with a sentence from the catalogues; a write from someone not logged in is 401 before its body is read.
Every operation documents the contract's error answers (the ``Error`` schema) for the statuses it may give.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Mapping
from functools import wraps
from http import HTTPStatus
from typing import Any

from flask import Flask, request
from pydantic import BaseModel, ValidationError
from spectree import Response, SpecTree

from recipes.errors import Invalid

from .common import acting_user
from .schemas.common import PATH_PARAMETERS, Error

API_PREFIX = "/api/v1"

# What each error status of the API means, with the contract's codes.
ERROR_STATUSES = {
    400: "invalid: the request is malformed or breaks a rule",
    401: "unauthorized: log in or send a personal token",
    403: "forbidden: this account may not do that",
    404: "not_found: no such recipe, revision, user or proposal",
    409: "edit_conflict, merge_conflict or licence_conflict, with the conflicts; nothing saved",
    413: "too_large: the request body is too large",
    429: "rate_limited: too many requests; try again later",
}
READ_ERRORS = (400, 404, 429)
WRITE_ERRORS = (400, 401, 403, 404, 413, 429)
SECURITY = [{"bearer": []}, {"session": []}]
SECURITY_SCHEMES = {
    "bearer": {"type": "http", "scheme": "bearer", "description": "A token from `levain user token`"},
    "session": {"type": "apiKey", "in": "cookie", "name": "session"},
}

spec = SpecTree(
    "flask",
    title="Levain JSON API",
    version="1",
    description="Recipes of local initiatives: revisions, forks, lineage, search and moderation. "
    "Reading is open to everyone; changes need a personal token (Authorization: Bearer) or the "
    "browser session with the CSRF token in X-CSRFToken.",
    mode="strict",  # only the declared views: the web pages are not part of the API
    annotations=False,
    validation_error_status=400,
    validation_error_model=Error,
    naming_strategy=lambda model: model.__name__,
    nested_naming_strategy=lambda _parent, child: child,
)


def endpoint(
    area: str,
    responses: Mapping[int, type[BaseModel] | None],
    *,
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    writes: bool = False,
    conflicts: bool = False,
    form: type[BaseModel] | None = None,
) -> Callable:
    """Declare a view's answers, its JSON body and query models; ``writes``: it needs a logged-in user.

    ``conflicts`` adds the 409 answer (a conflict, with what conflicts). ``form`` is a
    ``multipart/form-data`` body instead of JSON (files and fields). The view is called with ``body=``,
    ``query=`` and ``form=`` the validated models when they are declared.
    """
    errors = WRITE_ERRORS if writes else READ_ERRORS
    statuses = {status: (model, HTTPStatus(status).phrase) for status, model in responses.items()}
    statuses |= {status: (Error, ERROR_STATUSES[status]) for status in errors + ((409,) if conflicts else ())}
    documented = Response(**{f"HTTP_{status}": statuses[status] for status in sorted(statuses)})

    def declare(view: Callable) -> Callable:
        @wraps(view)
        def checked(*args: Any, **kwargs: Any):
            if writes:
                acting_user()  # 401 before anything else, even a malformed body
            if query is not None:
                kwargs["query"] = validated(query, query_arguments(), "parameter")
            if body is not None:
                kwargs["body"] = validated(body, json_object(), "field")
            if form is not None:
                kwargs["form"] = validated(form, form_fields(), "field")
            return view(*args, **kwargs)

        return spec.validate(
            json=body,
            query=query,
            form=form,
            resp=documented,
            tags=(area,),
            security=SECURITY if writes else None,
            skip_validation=True,  # validated above, into the contract's errors
        )(checked)

    return declare


def is_declared(view: Callable) -> bool:
    """Whether a view function was declared with ``endpoint``."""
    return spec.get_function_metadata(view) is not None


def json_object() -> dict[str, Any]:
    """The request body as a JSON object (whatever its Content-Type), an empty one for no body, or Invalid."""
    raw = request.get_data(cache=True)  # over MAX_CONTENT_LENGTH: 413 from Werkzeug
    if not raw.strip():
        return {}  # a bare POST: the model says which fields were needed
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as error:  # RecursionError: arrays nested thousands deep
        raise Invalid("The request body is not valid JSON.") from error
    if not isinstance(data, dict):
        raise Invalid("The request body must be a JSON object, {…}.")
    if any(isinstance(value, str) and "\x00" in value for value in data.values()):
        # PostgreSQL cannot store U+0000 in a text column; refuse it here rather than fail there.
        raise Invalid("A text may not contain the NUL character (U+0000).")
    return data


def form_fields() -> dict[str, Any]:
    """The fields and files of a ``multipart/form-data`` body, the first value of each."""
    return {**request.form.to_dict(), **request.files.to_dict()}


def query_arguments() -> dict[str, str]:
    """The query string's parameters, the first value of each; an empty one counts as not sent."""
    return {name: value for name, value in request.args.items() if value != ""}


def validated(model: type[BaseModel], data: dict[str, Any], what: str) -> BaseModel:
    """``data`` as ``model``, or Invalid naming the first field that breaks it."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise invalid(error, what) from None


def invalid(error: ValidationError, what: str) -> Invalid:
    """The first problem of a validation error as a sentence for a person (each one in the catalogues)."""
    problem = error.errors(include_url=False)[0]
    kind = problem["type"]
    values = {"name": ".".join(str(part) for part in problem["loc"]) or "?"}
    in_query = what == "parameter"
    if kind == "missing":
        if in_query:
            return Invalid("The parameter '{name}' is missing.", values=values)
        return Invalid("The field '{name}' is missing.", values=values)
    if kind.endswith(("_type", "_parsing")) or kind in ("enum", "literal_error"):
        if in_query:
            return Invalid("The parameter '{name}' does not have the expected kind of value.", values=values)
        return Invalid("The field '{name}' does not have the expected kind of value.", values=values)
    if in_query:
        return Invalid("The parameter '{name}' is outside the values allowed.", values=values)
    return Invalid("The field '{name}' is outside the values allowed.", values=values)


def openapi_document(app: Flask) -> dict[str, Any]:
    """The OpenAPI 3.1 description of every declared route of ``app``, with paths under ``/api/v1``."""
    with app.app_context():  # spectree reads the routes of the current app
        # Made once and kept by spectree (it can only make it once): every app has the same API routes.
        generated = copy.deepcopy(spec.spec)
    paths = {
        path.removeprefix(API_PREFIX): {method: described_parameters(op) for method, op in item.items()}
        for path, item in generated["paths"].items()
        if path.startswith(API_PREFIX + "/")
    }
    generated["components"]["securitySchemes"] = SECURITY_SCHEMES
    return {**generated, "servers": [{"url": API_PREFIX}], "paths": paths}


def described_parameters(operation: dict[str, Any]) -> dict[str, Any]:
    """An operation whose path parameters have the schema their name stands for (a slug, a number)."""
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "path" and parameter["name"] in PATH_PARAMETERS:
            parameter["schema"] = dict(PATH_PARAMETERS[parameter["name"]])
    return operation
