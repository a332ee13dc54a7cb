"""Every page and error in the reader's language, and no sentence of the other one.

A small wiki where everything that writes an automatic summary has happened (a fork, a sync, an
accepted proposal, a review, a revert, a rename, a protection, a block, a role change), visited in
French and in English: the visible text of each page may hold no marker of the other language. A
moderator reads, so that the review queue, the audit log and the user pages are drawn too.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from tests.conftest import PASSWORD, csrf_token_of

# Words that only the English interface writes, and only the French one.
ENGLISH_MARKERS = (
    "There is no",
    "Revision ",
    "approved",
    "rejected",
    "Adapted from",
    "Sync with",
    "Proposal ",
    "is taken",
    "contributor",
    "moderator",
    "create_region",
    "blocked",
    "Back to revision",
    "Protection:",
    "Your account",
    "protected",
)
FRENCH_MARKERS = (
    "Révision",
    "approuvée",
    "rejetée",
    "Adapté de",
    "Synchronisation",
    "Proposition",
    "Il n’y a pas",
    "contributeur",
    "modérateur",
    "bloqué",
    "Retour à",
    "Protection :",
    "Modifications récentes",
    "Rôle",
    "protégée",
)
OTHER_LANGUAGE_MARKERS = {"fr": ENGLISH_MARKERS, "en": FRENCH_MARKERS}
PAGES = (
    "/",
    "/recipes/copy-party",
    "/recipes/copy-party/history",
    "/recipes/copy-party/diff?from=1&to=2",
    "/recipes/copy-party/revisions/3",
    "/recipes/copy-party-a-brest/lineage",
    "/recipes/copy-party-a-brest/sync",
    "/recipes/copy-party-a-brest/history",
    "/recipes/copy-party-a-brest/proposals",
    "/proposals/1",
    "/regions/brest",
    "/changes",
    "/audit",
    "/roles",
    "/review",
    "/users/tom/moderate",
)
ERROR_PAGES = (
    "/nothing/here",
    "/recipes/troc-de-graines",
    "/recipes/copy-party/revisions/99",
    "/regions/nowhere",
)


class VisibleText(HTMLParser):
    """The text a person reads on a page: no tags, attributes, scripts or styles."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        self._hidden += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._hidden -= tag in ("script", "style")

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def assert_in_language(response, language: str, where: str) -> None:
    text = visible_text(response.get_data(as_text=True))
    leaks = [marker for marker in OTHER_LANGUAGE_MARKERS[language] if marker in text]
    assert not leaks, f"{where} in {language} shows {leaks}: …{text[:2000]}"


@pytest.fixture
def wiki(client, api_token):
    """A wiki where every kind of automatic summary was written; returns the tokens by name."""
    tokens = {
        name: api_token(name, role=role)
        for name, role in [
            ("ada", "admin"),
            ("modo", "moderator"),
            ("tom", "contributor"),
            ("lea", "contributor"),
        ]
    }

    def call(who: str, method: str, path: str, **fields):
        response = client.open(
            f"/api/v1{path}", method=method, json=fields, headers={"Authorization": f"Bearer {tokens[who]}"}
        )
        assert response.status_code < 300, (path, response.get_data(as_text=True))
        return response.get_json()

    call("ada", "POST", "/regions", name="Brest")
    call("ada", "POST", "/recipes", title="Copy party", body="Une fête.\n\nDes clés.\n")
    call(
        "ada",
        "PUT",
        "/recipes/copy-party",
        body="Une fête.\n\nDes clés USB.\n",
        summary="clés",
        base_revision=1,
    )
    call("ada", "POST", "/recipes/copy-party/forks", region="brest", slug="copy-party-a-brest")
    call(
        "ada",
        "PUT",
        "/recipes/copy-party",
        body="Une fête libre.\n\nDes clés USB.\n",
        summary="libre",
        base_revision=2,
    )
    call("ada", "POST", "/recipes/copy-party-a-brest/sync", base_revision=1)
    call(
        "ada",
        "PUT",
        "/recipes/copy-party-a-brest",
        body="Une fête libre.\n\nDes clés USB.\n\nÀ Brest.\n",
        summary="Brest",
        base_revision=2,
    )
    call("ada", "POST", "/recipes/copy-party-a-brest/proposals", summary="Brest")
    call("modo", "POST", "/proposals/1/accept")
    call("modo", "POST", "/recipes/copy-party/revert", revision=2)
    call("modo", "POST", "/recipes/copy-party/protect", level="editor", reason="calme")
    call("modo", "POST", "/users/tom/block", reason="spam")
    call("ada", "POST", "/users/lea/role", role="editor")
    call("modo", "POST", "/recipes/copy-party/rollback", user="modo")
    call("modo", "POST", "/recipes/copy-party-a-brest/rename", title="Copy party en Bretagne")
    return tokens


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_page_speaks_only_the_readers_language(app, client, login, wiki, language):
    login("mila", role="moderator")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    for path in PAGES:
        response = client.get(path, follow_redirects=True)  # the renamed variant's old address leads on
        assert response.status_code == 200, (path, response.status_code)
        assert_in_language(response, language, path)
    for path in ERROR_PAGES:
        response = client.get(path)
        assert response.status_code == 404, path
        assert_in_language(response, language, path)
    feed = client.get("/feeds/changes.atom")
    assert_in_language(feed, language, "the feed")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_refusals_speak_the_readers_language(app, client, login, wiki, language):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    # A blocked account, a protected recipe.
    for name, role in (("tom", "contributor"), ("zoe", "contributor")):
        if name == "zoe":
            login(name, role=role)
        else:
            token = csrf_token_of(client)
            client.post("/login", data={"username": name, "password": PASSWORD, "csrf_token": token})
        response = client.post(
            "/recipes/copy-party/edit",
            data={
                "title": "Copy party",
                "body": "autre\n",
                "base_revision": "4",
                "csrf_token": csrf_token_of(client, "/"),
            },
        )
        assert response.status_code in (403, 200), response.status_code
        assert_in_language(response, language, f"an edit by {name}")
        client.post("/logout", data={"csrf_token": csrf_token_of(client, "/")})
    # A registration with a name that is taken.
    token = csrf_token_of(client, "/register")
    response = client.post(
        "/register", data={"username": "modo", "password": "Long-enough-1", "csrf_token": token}
    )
    assert response.status_code in (200, 400)
    assert_in_language(response, language, "a registration")


def test_an_automatic_summary_is_stored_as_what_happened_and_read_in_each_language(client, wiki):
    history = "/recipes/copy-party/history"
    english = visible_text(client.get(history).get_data(as_text=True))
    french = visible_text(client.get(history, headers={"Accept-Language": "fr"}).get_data(as_text=True))
    assert "Back to revision 2" in english and "Retour à la révision 2" in french
    api = client.get("/api/v1/recipes/copy-party/revisions").get_json()["items"]
    assert "Back to revision 2" in [item["summary"] for item in api]


def test_form_refusals_are_written_in_the_readers_language(client, login, wiki):
    """A refused form shows the domain's sentence in French to a French reader, filled in."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr"
    token = login("mila", role="editor")
    refusals = {
        "a title without a letter": (
            "/recipes/new",
            {"title": "!!!", "body": "Une fête.\n"},
            "Un titre a besoin d'au moins une lettre ou un chiffre.",
        ),
        "a fork under an unknown licence": (
            "/recipes/copy-party/fork",
            {"region": "brest", "title": "Copy party au port", "slug": "", "licence": "WTFPL"},
            "La licence doit être l’une de celles-ci",
        ),
        "an event on no date": (
            "/recipes/copy-party/events",
            {"starts_at": "demain", "place": "Brest"},
            "Le champ début 'demain' n'est ni une date",
        ),
    }
    for what, (path, fields, french) in refusals.items():
        response = client.post(path, data={**fields, "csrf_token": token})
        text = visible_text(response.get_data(as_text=True))
        assert response.status_code in (400, 409, 422), (what, response.status_code)
        assert french in text, f"{what}: …{text[:1500]}"
        assert_in_language(response, "fr", what)
    client.post("/logout", data={"csrf_token": token})
    response = client.post(
        "/register",
        data={
            "username": "modo",
            "password": "Long-enough-1",
            "csrf_token": csrf_token_of(client, "/register"),
        },
    )
    assert "Le nom « modo » est déjà pris." in visible_text(response.get_data(as_text=True))


def test_compare_errors_name_the_fields_as_the_form_does(client, wiki):
    french = {"HTTP_ACCEPT_LANGUAGE": "fr"}
    missing = client.get("/compare?a=copy-party", environ_base=french)
    assert missing.status_code == 400
    text = visible_text(missing.get_data(as_text=True))
    assert "Indiquez la recette d’arrivée de la comparaison (b)" in text
    bad_number = client.get("/compare?a=copy-party@x&b=copy-party", environ_base=french)
    assert bad_number.status_code == 400
    assert "révision de départ de la comparaison (a)" in visible_text(bad_number.get_data(as_text=True))


def test_a_region_deletion_is_logged_as_what_happened(client, login, wiki):
    headers = {"Authorization": f"Bearer {wiki['modo']}"}
    assert client.post("/api/v1/regions", json={"name": "Quimper"}, headers=headers).status_code == 201
    assert client.delete("/api/v1/regions/quimper", headers=headers).status_code in (200, 204)
    login("mila", role="moderator")
    english = visible_text(client.get("/audit").get_data(as_text=True))
    french = visible_text(client.get("/audit", headers={"Accept-Language": "fr"}).get_data(as_text=True))
    assert "Region Quimper (quimper) deleted" in english
    assert "Territoire Quimper (quimper) supprimé" in french
