"""Every route under /api/v1 is declared once (``wiki.api.spec.endpoint``), and what it declares is what
it checks: a request that breaks a model gets 400 ``invalid`` in the contract's shape, in the reader's
language, and a write without credentials 401 before its body is even read.
"""

from __future__ import annotations

from tests.conftest import csrf_token_of
from wiki.api.spec import is_declared

API = "/api/v1/"


def test_every_api_route_is_declared(app):
    undeclared = sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(API) and not is_declared(app.view_functions[rule.endpoint])
    )
    assert undeclared == []


def test_a_view_without_a_declaration_is_noticed(app):
    assert not is_declared(app.view_functions["static"])
    assert is_declared(app.view_functions["api_recipes.get_recipe"])


def test_the_document_names_each_declared_model(client):
    document = client.get(f"{API}openapi.json").get_json()
    create = document["paths"]["/recipes"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/RecipeDraft"
    }
    draft = document["components"]["schemas"]["RecipeDraft"]
    assert set(draft["required"]) == {"title", "body"}
    assert create["responses"]["201"]["content"]["application/json"]["schema"]["$ref"].endswith("/Recipe")
    listing = {parameter["name"] for parameter in document["paths"]["/recipes"]["get"]["parameters"]}
    assert listing == {"region", "tag", "limit", "cursor"}


def test_a_body_that_breaks_its_model_is_invalid_with_a_sentence(client, api_token):
    headers = {"Authorization": f"Bearer {api_token('bot')}"}
    response = client.post("/api/v1/recipes", json={"body": "Farine."}, headers=headers)
    assert response.status_code == 400
    assert response.get_json()["error"] == {"code": "invalid", "message": "The field 'title' is missing."}


def test_the_sentence_is_in_the_readers_language(client, api_token):
    headers = {"Authorization": f"Bearer {api_token('bot')}", "Accept-Language": "fr"}
    response = client.post("/api/v1/recipes", json={"title": 5, "body": "x"}, headers=headers)
    assert response.status_code == 400
    message = response.get_json()["error"]["message"]
    assert "title" in message and "field" not in message


def test_a_query_parameter_out_of_range_is_invalid(client):
    response = client.get("/api/v1/recipes?limit=0")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid"
    assert "limit" in response.get_json()["error"]["message"]


def test_a_write_without_credentials_is_unauthorized_before_its_body_is_read(client):
    headers = {"X-CSRFToken": csrf_token_of(client), "Content-Type": "application/json"}
    response = client.post("/api/v1/regions", data="{", headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"
