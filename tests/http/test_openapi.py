"""/api/v1/openapi.json: a valid OpenAPI document of every API route, which the API keeps to.

The schemathesis run sends generated requests to the app in-process (WSGI) and fails on any 500 or
any answer that breaks its documented schema. It is bounded (a few examples per operation, no
shrinking) to stay fast on both databases; routes the app does not have are skipped by name.
"""

from __future__ import annotations

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from recipes import demo
from tests.conftest import plain_render

EXAMPLES_PER_OPERATION = 4
API = "/api/v1"


def flask_path(openapi_path: str) -> str:
    """``/recipes/{slug}`` as Flask writes it, ``/api/v1/recipes/<slug>``."""
    return API + re.sub(r"\{(\w+)\}", r"<\1>", openapi_path)


def api_routes(app) -> set[tuple[str, str]]:
    return {
        (rule.rule, method)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(API + "/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_the_description_is_valid_openapi(client):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200 and response.is_json
    document = response.get_json()
    validate(document)
    assert document["openapi"].startswith("3.1")
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method == "parameters" or path == "/openapi.json":
                continue
            errors = [status for status in operation["responses"] if status.startswith("4")]
            assert errors, (method, path)
            for status in errors:
                schema = operation["responses"][status]["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/Error"}


def test_every_api_route_is_described(app, client):
    document = client.get(f"{API}/openapi.json").get_json()
    described = {
        (flask_path(path), method.upper())
        for path, item in document["paths"].items()
        for method in item
        if method != "parameters"
    }
    assert api_routes(app) - described == set()


@pytest.fixture
def filled_app(app):
    """The app with the demo wiki, so that generated requests also find recipes, regions and revisions."""
    with app.extensions["levain.sessions"]() as session:
        demo.load_demo(session, render=plain_render)
    return app


def test_the_api_keeps_to_its_description(filled_app, api_token):
    headers = {"Authorization": f"Bearer {api_token('robot', role='admin')}"}
    schema = schemathesis.openapi.from_wsgi(f"{API}/openapi.json", filled_app)
    routes = api_routes(filled_app)
    checks = [not_a_server_error, response_schema_conformance, content_type_conformance]
    tested, failures = 0, {}
    for result in schema.get_all_operations():
        operation = result.ok()
        if (flask_path(operation.path), operation.method.upper()) not in routes:
            continue  # described before the route exists: tested once it does
        try:
            run_operation(operation, headers, checks)
        except (Exception, BaseExceptionGroup) as failure:  # noqa: BLE001 - all failures reported together
            failures[operation.label] = describe(failure)
        tested += 1
    assert not failures, "\n\n".join(f"{label}: {text}" for label, text in failures.items())
    assert tested >= 30


def describe(failure: BaseException) -> str:
    """What went wrong, with the failed checks' own messages for a group of them."""
    parts = [str(failure)] + [str(e) for e in getattr(failure, "exceptions", ())]
    return "\n".join(parts)


def run_operation(operation, headers, checks) -> None:
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def call(case):
        case.call_and_validate(headers=headers, checks=checks)

    call()
