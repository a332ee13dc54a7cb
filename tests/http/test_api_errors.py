"""Malformed requests to the recipes API: each gets its 4xx and ``{"error": {"code", "message"}}``.

No input, however malformed, may get a 500. Requests authenticate with a bearer token, so that what is
tested is the input and not the CSRF check.
"""

from __future__ import annotations

import pytest

from recipes.validation import MAX_BODY_LENGTH

SLUG = "pain-au-levain"
RECIPE = f"/api/v1/recipes/{SLUG}"
NESTED_DEEP = "[" * 100_000 + "]" * 100_000


@pytest.fixture
def auth(client, api_token) -> dict[str, str]:
    """Headers of an editor's token, once a recipe with one revision exists."""
    headers = {"Authorization": f"Bearer {api_token('bot')}"}
    created = client.post(
        "/api/v1/recipes", json={"title": "Pain au levain", "body": "Farine.\n"}, headers=headers
    )
    assert created.status_code == 201
    return headers


def assert_error(response, status: int, code: str) -> None:
    assert response.status_code == status, response.get_data(as_text=True)
    answer = response.get_json()
    assert answer["error"]["code"] == code
    assert isinstance(answer["error"]["message"], str) and answer["error"]["message"]


def revision_count(client) -> int:
    return len(client.get(f"{RECIPE}/revisions").get_json()["items"])


RAW_BODIES = {
    "invalid JSON": "{",
    "empty body": "",
    "JSON array": "[]",
    "JSON string": '"pain"',
    "JSON number": "5",
    "JSON null": "null",
    "nested thousands deep": NESTED_DEEP,
    "not UTF-8": b"\xff\xfe\x00{",
    "a 5,000-digit number": '{"title": ' + "9" * 5000 + "}",
    "form encoded": "title=Pain&body=x",
}


@pytest.mark.parametrize("raw", RAW_BODIES.values(), ids=RAW_BODIES.keys())
@pytest.mark.parametrize(
    "method, path",
    [("post", "/api/v1/recipes"), ("put", RECIPE), ("post", f"{RECIPE}/revert"), ("post", "/api/v1/preview")],
)
def test_a_body_that_is_not_a_json_object_is_invalid(client, auth, method, path, raw):
    response = getattr(client, method)(path, data=raw, headers={**auth, "Content-Type": "application/json"})
    assert_error(response, 400, "invalid")
    assert revision_count(client) == 1


CREATE_FIELDS = {
    "title missing": {"body": "x"},
    "body missing": {"title": "Pain"},
    "title null": {"title": None, "body": "x"},
    "title a number": {"title": 5, "body": "x"},
    "title a list": {"title": ["Pain"], "body": "x"},
    "title blank": {"title": "   ", "body": "x"},
    "title without a letter": {"title": "!!!", "body": "x"},
    "title too long": {"title": "p" * 201, "body": "x"},
    "title with NUL": {"title": "Pa\x00in", "body": "x"},
    "body a number": {"title": "Pain", "body": 5},
    "body an object": {"title": "Pain", "body": {"text": "x"}},
    "tags a number": {"title": "Pain", "body": "x", "tags": 5},
    "tags of numbers": {"title": "Pain", "body": "x", "tags": [1, 2]},
    "tags an object": {"title": "Pain", "body": "x", "tags": {"a": 1}},
    "tag with markup": {"title": "Pain", "body": "x", "tags": ["<b>"]},
    "too many tags": {"title": "Pain", "body": "x", "tags": [f"t{n}" for n in range(21)]},
    "language unknown": {"title": "Pain", "body": "x", "language": "de"},
    "language a list": {"title": "Pain", "body": "x", "language": ["fr"]},
    "region unknown": {"title": "Pain", "body": "x", "region": "atlantide"},
    "region a number": {"title": "Pain", "body": "x", "region": 5},
    "region with NUL": {"title": "Pain", "body": "x", "region": "br\x00est"},
    "summary a list": {"title": "Pain", "body": "x", "summary": ["x"]},
    "summary with NUL": {"title": "Pain", "body": "x", "summary": "a\x00b"},
    "summary too long": {"title": "Pain", "body": "x", "summary": "s" * 501},
}


@pytest.mark.parametrize("fields", CREATE_FIELDS.values(), ids=CREATE_FIELDS.keys())
def test_create_refuses_bad_fields(client, auth, fields):
    assert_error(client.post("/api/v1/recipes", json=fields, headers=auth), 400, "invalid")
    assert [item["slug"] for item in client.get("/api/v1/recipes").get_json()["items"]] == [SLUG]


def test_tags_may_be_one_comma_separated_string(client, auth):
    """A decision: "a, b" is read as two tags, as the web form sends them (recipes.validation.clean_tags)."""
    response = client.post(
        "/api/v1/recipes", json={"title": "Miche", "body": "x", "tags": "seigle, Blé"}, headers=auth
    )
    assert response.status_code == 201
    assert response.get_json()["tags"] == ["blé", "seigle"]


SAVE_FIELDS = {
    "body missing": {"base_revision": 1},
    "base missing": {"body": "x"},
    "base null": {"body": "x", "base_revision": None},
    "base a word": {"body": "x", "base_revision": "abc"},
    "base zero": {"body": "x", "base_revision": 0},
    "base negative": {"body": "x", "base_revision": -1},
    "base a fraction": {"body": "x", "base_revision": 1.5},
    "base a boolean": {"body": "x", "base_revision": True},
    "base huge": {"body": "x", "base_revision": 10**30},
    "base 5,000 digits as text": {"body": "x", "base_revision": "9" * 5000},
    "base not saved yet": {"body": "x", "base_revision": 2},
    "title a number": {"body": "x", "base_revision": 1, "title": 5},
    "tags a number": {"body": "x", "base_revision": 1, "tags": 5},
    "upstream negative": {"body": "x", "base_revision": 1, "upstream_revision": -1},
    "upstream a word": {"body": "x", "base_revision": 1, "upstream_revision": "abc"},
}


@pytest.mark.parametrize("fields", SAVE_FIELDS.values(), ids=SAVE_FIELDS.keys())
def test_save_refuses_bad_fields(client, auth, fields):
    assert_error(client.put(RECIPE, json=fields, headers=auth), 400, "invalid")
    assert revision_count(client) == 1


REVERT_FIELDS = {
    "revision missing": {},
    "revision a word": {"revision": "abc"},
    "revision zero": {"revision": 0},
    "revision a list": {"revision": [1]},
    "revision beyond the database": {"revision": 2**40},
    "summary a number": {"revision": 1, "summary": 5},
}


@pytest.mark.parametrize("fields", REVERT_FIELDS.values(), ids=REVERT_FIELDS.keys())
def test_revert_refuses_bad_fields(client, auth, fields):
    assert_error(client.post(f"{RECIPE}/revert", json=fields, headers=auth), 400, "invalid")


def test_texts_over_the_limit_are_too_large(client, auth):
    long_body = "x" * (MAX_BODY_LENGTH + 1)
    for response in [
        client.post("/api/v1/recipes", json={"title": "Long", "body": long_body}, headers=auth),
        client.put(RECIPE, json={"body": long_body, "base_revision": 1}, headers=auth),
        client.post("/api/v1/preview", json={"body": long_body}, headers=auth),
    ]:
        assert_error(response, 413, "too_large")
    assert revision_count(client) == 1


def test_a_request_over_max_content_length_is_too_large(app, client, auth):
    huge = b'{"body": "' + b"x" * app.config["MAX_CONTENT_LENGTH"] + b'"}'
    for method, path in [("post", "/api/v1/recipes"), ("put", RECIPE), ("post", "/api/v1/preview")]:
        response = getattr(client, method)(
            path, data=huge, headers={**auth, "Content-Type": "application/json"}
        )
        assert_error(response, 413, "too_large")


BAD_QUERIES = [
    "/api/v1/recipes?limit=abc",
    "/api/v1/recipes?limit=-5",
    "/api/v1/recipes?limit=0",
    "/api/v1/recipes?limit=1.5",
    "/api/v1/recipes?limit=" + "9" * 5000,
    "/api/v1/recipes?cursor=%00",
    "/api/v1/recipes?cursor=" + "a" * 500,
    "/api/v1/recipes?region=%00",
    "/api/v1/recipes?tag=%00",
    "/api/v1/recipes?tag=%3Cscript%3E",
    f"{RECIPE}/revisions?limit=abc",
    f"{RECIPE}/revisions?limit=-5",
    f"{RECIPE}/revisions?before=0",
    f"{RECIPE}/revisions?before=-1",
    f"{RECIPE}/revisions?before=" + "9" * 30,
    f"{RECIPE}/revisions/abc",
    f"{RECIPE}/revisions/0",
    f"{RECIPE}/revisions/-1",
    f"{RECIPE}/revisions/1.5",
    f"{RECIPE}/revisions/%C2%B2",
    f"{RECIPE}/revisions/" + "9" * 5000,
    f"{RECIPE}/revisions/99999999999999999999999",
    f"{RECIPE}/revisions/2147483648",
    f"{RECIPE}/revisions?before=4611686018427387904",
    f"{RECIPE}/diff?from=2147483648",
    "/api/v1/recipes?limit=100000000000",
    f"{RECIPE}/diff?from=abc",
    f"{RECIPE}/diff?to=-1",
    f"{RECIPE}/diff?from=0&to=1",
    f"{RECIPE}/diff?to=" + "9" * 5000,
]


@pytest.mark.parametrize("path", BAD_QUERIES)
def test_bad_numbers_and_parameters_are_invalid(client, auth, path):
    assert_error(client.get(path), 400, "invalid")


NOT_FOUND = [
    "/api/v1/recipes/pain-de-mie",
    "/api/v1/recipes/pain-de-mie/revisions",
    "/api/v1/recipes/pain-de-mie/revisions/1",
    "/api/v1/recipes/pain-de-mie/diff",
    "/api/v1/recipes/%00",
    "/api/v1/recipes/%00/revisions",
    "/api/v1/recipes/" + "p" * 5000,
    f"{RECIPE}/revisions/2",
    f"{RECIPE}/revisions/2147483647",
    f"{RECIPE}/diff?from=7",
    f"{RECIPE}/diff?to=7",
    "/api/v1/no-such-thing",
]


@pytest.mark.parametrize("path", NOT_FOUND)
def test_unknown_recipes_and_revisions_are_not_found(client, auth, path):
    assert_error(client.get(path), 404, "not_found")


def test_writes_to_unknown_recipes_or_revisions_are_not_found(client, auth):
    assert_error(
        client.put("/api/v1/recipes/pain-de-mie", json={"body": "x", "base_revision": 1}, headers=auth),
        404,
        "not_found",
    )
    assert_error(
        client.post("/api/v1/recipes/pain-de-mie/revert", json={"revision": 1}, headers=auth),
        404,
        "not_found",
    )
    assert_error(client.post(f"{RECIPE}/revert", json={"revision": 9}, headers=auth), 404, "not_found")


def test_huge_limits_are_served_as_the_largest_page(client, auth):
    for path in ["/api/v1/recipes?limit=2147483647", f"{RECIPE}/revisions?limit=2147483647"]:
        response = client.get(path)
        assert response.status_code == 200 and response.get_json()["next"] is None


def test_an_unsupported_method_is_a_json_405(client, auth):
    assert_error(client.delete(RECIPE, headers=auth), 405, "method_not_allowed")


def test_an_invalid_bearer_token_is_unauthorized_even_for_reading(client, auth):
    for headers in [
        {"Authorization": "Bearer lvn_wrong"},
        {"Authorization": "Basic Ym90OnB3"},
        {"Authorization": ""},
    ]:
        assert_error(client.get(RECIPE, headers=headers), 401, "unauthorized")
        assert_error(
            client.put(RECIPE, json={"body": "y", "base_revision": 1}, headers=headers), 401, "unauthorized"
        )
    assert revision_count(client) == 1


@pytest.mark.parametrize(
    "method, path",
    [("post", "/api/v1/recipes"), ("put", RECIPE), ("post", f"{RECIPE}/revert"), ("post", "/api/v1/regions")],
)
def test_an_unsafe_request_without_credentials_is_unauthorized_not_a_form_error(client, auth, method, path):
    anonymous = client.application.test_client()
    response = getattr(anonymous, method)(path, json={"title": "Pain", "body": "x", "revision": 1})
    assert_error(response, 401, "unauthorized")
    assert "Bearer" in response.get_json()["error"]["message"]
    assert "token of this form" not in response.get_json()["error"]["message"]


def test_api_messages_follow_the_accept_language_and_default_to_english(client):
    english = client.get("/api/v1/recipes/nowhere").get_json()["error"]["message"]
    assert english == "There is no recipe 'nowhere'."
    french = client.get("/api/v1/recipes/nowhere", headers={"Accept-Language": "fr"}).get_json()
    assert french["error"]["message"] == "Il n’y a pas de recette « nowhere »."


def test_the_language_chosen_on_the_wiki_carries_over_to_its_calls_to_the_api(client):
    client.set_cookie("levain_lang", "fr")
    answer = client.get("/api/v1/recipes/nowhere", headers={"Accept-Language": "en"}).get_json()
    assert answer["error"]["message"] == "Il n’y a pas de recette « nowhere »."
