"""Licences in the browser's pages: the recipe page's licence, authors, credit and JSON-LD; forms."""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import csrf_token_of
from tests.http.test_api_forks import TEXT


@pytest.fixture
def editor(api_token) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_token('camille', 'editor')}"}


@pytest.fixture
def variant(client, editor):
    """copy-party (CC BY 4.0, no region) and its Brest variant under CC BY-SA 4.0."""
    assert client.post("/api/v1/regions", json={"name": "Brest"}, headers=editor).status_code == 201
    body = {"title": "Copy party", "body": TEXT, "licence": "CC-BY-4.0"}
    assert client.post("/api/v1/recipes", json=body, headers=editor).status_code == 201
    fork = {"region": "brest", "licence": "CC-BY-SA-4.0"}
    assert client.post("/api/v1/recipes/copy-party/forks", json=fork, headers=editor).status_code == 201
    return "copy-party-brest"


def json_ld_of(html: str) -> dict:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert found, "no JSON-LD on the page"
    return json.loads(found.group(1))


def test_the_recipe_page_shows_its_licence_authors_and_chain(client, variant):
    html = client.get(f"/recipes/{variant}").get_data(as_text=True)
    assert '<a rel="license" href="https://creativecommons.org/licenses/by-sa/4.0/">CC BY-SA 4.0</a>' in html
    assert '<dd class="authors">camille</dd>' in html
    credit = html[html.index('class="attribution"') :]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", credit[: credit.index("</p>")]))
    assert "Adapted from “Copy party” by camille — CC BY 4.0" in text


def test_the_recipe_page_carries_a_creative_work(client, variant):
    data = json_ld_of(client.get(f"/recipes/{variant}").get_data(as_text=True))
    assert data["@type"] == "CreativeWork"
    assert data["license"] == "https://creativecommons.org/licenses/by-sa/4.0/"
    assert data["author"] == [{"@type": "Person", "name": "camille"}]
    assert data["inLanguage"] == "fr" and data["dateModified"]
    assert data["isBasedOn"]["name"] == "Copy party"
    assert data["isBasedOn"]["license"] == "https://creativecommons.org/licenses/by/4.0/"


def test_the_json_ld_cannot_close_its_script(client, editor):
    body = {"title": "</script><script>alert(1)</script>", "body": TEXT}
    created = client.post("/api/v1/recipes", json=body, headers=editor).get_json()
    html = client.get(f"/recipes/{created['slug']}").get_data(as_text=True)
    assert json_ld_of(html)["name"] == body["title"]
    assert "<script>alert(1)" not in html


def login(client, name="camille"):
    from tests.conftest import PASSWORD

    token = csrf_token_of(client)
    response = client.post("/login", data={"username": name, "password": PASSWORD, "csrf_token": token})
    assert response.status_code in (302, 303)


def test_the_creation_form_offers_the_instance_licences(client, editor):
    login(client)
    html = client.get("/recipes/new").get_data(as_text=True)
    options = re.findall(r'<option value="(CC[^"]+)"', html)
    assert options == ["CC-BY-SA-4.0", "CC-BY-4.0", "CC0-1.0"]
    form = {
        "title": "Repair café",
        "body": TEXT,
        "language": "fr",
        "licence": "CC0-1.0",
        "csrf_token": csrf_token_of(client),
    }
    assert client.post("/recipes/new", data=form).status_code == 303
    assert client.get("/api/v1/recipes/repair-cafe").get_json()["licence"] == "CC0-1.0"


def test_the_fork_form_explains_and_refuses_a_licence_the_parent_forbids(client, editor, variant):
    login(client)
    page = client.get(f"/recipes/{variant}/fork").get_data(as_text=True)
    assert "must keep this licence" in page
    assert re.findall(r'<option value="(CC[^"]+)"', page) == ["CC-BY-SA-4.0"]
    form = {"region": "brest", "slug": "second", "licence": "CC0-1.0", "csrf_token": csrf_token_of(client)}
    refused = client.post(f"/recipes/{variant}/fork", data=form)
    assert refused.status_code == 409
    assert "cannot be published under CC0 1.0" in refused.get_data(as_text=True)
    assert client.get("/api/v1/recipes/second").status_code == 404


def test_the_proposal_page_says_when_the_licences_forbid_accepting(client, editor, variant):
    from tests.http.test_api_forks import edit

    edit(client, editor, variant, "Louer", "Réserver")
    proposal = client.post(
        f"/api/v1/recipes/{variant}/proposals", json={"summary": "x"}, headers=editor
    ).get_json()
    page = client.get(f"/proposals/{proposal['id']}").get_data(as_text=True)
    assert "This proposal cannot be accepted" in page


def test_a_moderator_changes_a_licence_from_the_recipe_page(client, editor, variant, make_user):
    login(client)
    assert 'id="relicense-form"' not in client.get("/recipes/copy-party").get_data(as_text=True)
    assert client.get("/recipes/copy-party/licence").status_code == 403
    make_user("modo", role="moderator")
    login(client, "modo")
    page = client.get("/recipes/copy-party").get_data(as_text=True)
    form = page[page.index('id="relicense-form"') :]
    # Only the licences CC BY 4.0 permits are offered.
    offered = re.findall(r'<option value="(CC[^"]+)"', form[: form.index("</form>")])
    assert offered == ["CC-BY-4.0", "CC-BY-SA-4.0", "CC-BY-NC-4.0", "CC-BY-NC-SA-4.0", "CC-BY-NC-ND-4.0"]
    data = {"licence": "CC-BY-SA-4.0", "reason": "comme la variante", "csrf_token": csrf_token_of(client)}
    assert client.post("/recipes/copy-party/licence", data=data).status_code == 303
    assert client.get("/api/v1/recipes/copy-party").get_json()["licence"] == "CC-BY-SA-4.0"


def test_a_licence_change_the_rules_forbid_is_refused_in_the_readers_language(
    client, editor, variant, make_user
):
    make_user("modo", role="moderator")
    login(client, "modo")
    data = {"licence": "CC0-1.0", "reason": "", "csrf_token": csrf_token_of(client)}
    refused = client.post(f"/recipes/{variant}/licence", data=data, headers={"Accept-Language": "fr"})
    assert refused.status_code == 409
    html = refused.get_data(as_text=True)
    assert "ne peut pas" in html and "CC0 1.0" in html and "CC BY-SA 4.0" in html
    assert "cannot be relicensed" not in html
    english = client.post(f"/recipes/{variant}/licence", data=data, headers={"Accept-Language": "en"})
    assert "cannot be relicensed under CC0 1.0" in english.get_data(as_text=True)
    assert client.get(f"/api/v1/recipes/{variant}").get_json()["licence"] == "CC-BY-SA-4.0"
