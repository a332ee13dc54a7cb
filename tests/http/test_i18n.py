"""The interface language: chosen from the browser's languages, switched by a POST form, remembered.

Also checks the catalogues themselves: every interface string of the templates and views has a French
translation, with the same placeholders, and the compiled catalogue is the one the pages use.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from tests.conftest import csrf_token_of

ROOT = Path(__file__).resolve().parents[2]
FRENCH_CATALOGUE = ROOT / "translations" / "fr" / "LC_MESSAGES" / "messages.po"
METHOD_MAP = [("wiki/**.py", "python"), ("templates/**.html", "jinja2")]


def html_lang(html: str) -> str:
    match = re.search(r'<html lang="([^"]+)">', html)
    assert match, "no <html lang> on the page"
    return match.group(1)


def home(client, **headers) -> str:
    response = client.get("/", headers=headers)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def switch(client, language: str, next_path: str, token: str | None = None):
    data = {"language": language, "next": next_path, "csrf_token": token or csrf_token_of(client)}
    return client.post("/language", data=data)


def test_the_browser_languages_choose_the_interface_language(client):
    french = home(client, **{"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"})
    assert html_lang(french) == "fr"
    assert "Écrire une recette" in french and "Se connecter" in french and "Étiquettes" in french

    english = home(client, **{"Accept-Language": "en-GB,en;q=0.8"})
    assert html_lang(english) == "en"
    assert "Write a recipe" in english and "Log in" in english
    assert "Écrire une recette" not in english

    # A language the wiki does not speak: French, the language of most of its readers.
    assert html_lang(home(client, **{"Accept-Language": "de-DE"})) == "fr"


def test_pages_tell_caches_that_they_depend_on_the_language(client):
    response = client.get("/tags")
    assert {"Accept-Language", "Cookie"} <= set(response.vary)


def test_the_switch_is_remembered_and_returns_to_the_same_page(client):
    response = switch(client, "fr", "/regions?sort=name")
    assert response.status_code == 303
    assert response.headers["Location"] == "/regions?sort=name"
    cookie = client.get_cookie("levain_lang")
    assert cookie is not None and cookie.value == "fr" and cookie.http_only

    # The choice wins over the browser's languages on every page that follows.
    page = client.get("/regions", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert html_lang(page) == "fr" and "Territoires" in page

    switch(client, "en", "/regions")
    page = client.get("/regions", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert html_lang(page) == "en" and "Regions" in page


def test_every_page_offers_the_switch_back_to_itself(client):
    html = client.get("/tags?x=1", headers={"Accept-Language": "en"}).get_data(as_text=True)
    form = re.search(r'<form class="language-switch" action="/language" method="post".*?</form>', html, re.S)
    assert form, "no language switch on the page"
    assert 'name="csrf_token"' in form.group(0)
    assert '<input type="hidden" name="next" value="/tags?x=1">' in form.group(0)
    assert 'name="language" value="fr" lang="fr">Français</button>' in form.group(0)


@pytest.mark.parametrize(
    "data, status",
    [
        ({"language": "de", "next": "/"}, 400),  # a language the wiki does not speak
        ({"language": "", "next": "/"}, 400),
        ({"language": "fr\x00", "next": "/"}, 400),
    ],
)
def test_a_bad_language_is_refused_and_nothing_is_remembered(client, data, status):
    token = csrf_token_of(client)
    response = client.post("/language", data={**data, "csrf_token": token})
    assert response.status_code == status
    assert client.get_cookie("levain_lang") is None


def test_switching_needs_the_csrf_token_and_a_post(client):
    assert client.post("/language", data={"language": "en", "next": "/"}).status_code == 400
    assert client.get("/language?language=en").status_code == 405
    assert client.get_cookie("levain_lang") is None


def test_the_return_address_stays_on_this_site(client):
    for target in ("https://evil.example/", "//evil.example/", "javascript:alert(1)", ""):
        response = switch(client, "en", target)
        assert response.status_code == 303
        assert response.headers["Location"] == "/", target


def test_recipe_content_keeps_its_own_language(client, login):
    token = login()
    for title, language in (("Repair café", "fr"), ("Seed library", "en")):
        response = client.post(
            "/recipes/new",
            data={"title": title, "body": "## A\n\ntext", "language": language, "csrf_token": token},
        )
        assert response.status_code == 303
    switch(client, "fr", "/", token)
    html = client.get("/recipes/seed-library").get_data(as_text=True)
    assert html_lang(html) == "fr"
    assert '<article class="recipe" lang="en">' in html
    assert "Modifier" in html and "Historique" in html  # the interface around it is French
    assert 'lang="en">Seed library</a>' in client.get("/").get_data(as_text=True)


def _interface_strings() -> set[str | tuple[str, str]]:
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(str(ROOT), METHOD_MAP):
        found.add(message if isinstance(message, str) else tuple(message))
    return found


def test_every_interface_string_has_a_french_translation_with_the_same_placeholders():
    with FRENCH_CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle, locale="fr")
    translated = {
        (message.id if isinstance(message.id, str) else tuple(message.id))
        for message in catalogue
        if message.id and message.string and all(message.string) and "fuzzy" not in message.flags
    }
    missing = sorted(map(str, _interface_strings() - translated))
    assert not missing, "strings without a French translation (run `make messages`):\n" + "\n".join(missing)
    problems = [(message.id, errors) for message, errors in catalogue.check() if errors]
    assert not problems, problems


def test_a_french_flash_message_comes_from_the_compiled_catalogue(client, login):
    token = login()
    switch(client, "fr", "/", token)
    response = client.post(
        "/recipes/new", data={"title": "Cartopartie", "body": "Des cartes.", "csrf_token": token},
        follow_redirects=True,
    )
    assert "Enregistrée comme version 1." in response.get_data(as_text=True)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_entry_of_both_catalogues_is_filled_and_none_is_fuzzy(language):
    path = ROOT / "translations" / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalogue = read_po(handle, locale=language)
    unfilled = [
        message.id
        for message in catalogue
        if message.id and not all(message.string if isinstance(message.string, tuple) else [message.string])
    ]
    fuzzy = [message.id for message in catalogue if message.id and "fuzzy" in message.flags]
    assert not unfilled, f"entries without a {language} text (fill them after `make messages`): {unfilled}"
    assert not fuzzy, f"fuzzy entries in the {language} catalogue: {fuzzy}"


def test_every_domain_error_template_is_in_the_catalogues():
    """The domain's sentences (first argument of each error class, automatic summaries) are extracted."""
    keywords = {
        "Invalid": None,
        "NotFound": None,
        "Forbidden": None,
        "Unauthorized": None,
        "TooLarge": None,
        "N_": None,
    }
    found = {
        message
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), [("recipes/**.py", "python")], keywords=keywords
        )
        if isinstance(message, str)
    }
    with FRENCH_CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle, locale="fr")
    translated = {message.id for message in catalogue if message.id and message.string}
    assert found and not found - translated, sorted(found - translated)
