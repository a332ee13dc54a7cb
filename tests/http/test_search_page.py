"""The /search page and `levain search rebuild|check`."""

from __future__ import annotations

import html
import shutil
from pathlib import Path

import pytest
from sqlalchemy import delete, update

from recipes.models import Event, Recipe
from recipes.search.models import SearchDocumentRow
from recipes.search.outbox import has_pending
from tests.conftest import close_app, csrf_token_of
from tests.http import test_search_api as api_tests
from wiki import create_app

# Fixtures shared with the API tests.
headers, recipes = api_tests.headers, api_tests.recipes


def page(client, status: int = 200, **parameters) -> str:
    response = client.get("/search", query_string=parameters)
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def test_the_header_search_box_leads_to_results(client, recipes):
    home = client.get("/").get_data(as_text=True)
    assert 'action="/search"' in home
    text = page(client, q="cartoparties")
    assert "1 result" in text
    assert 'href="/recipes/organiser-une-cartopartie"' in text
    assert "Also in:" in text and ">Brest</a>" in text and ">Lyon</a>" in text and "(2 variants)" in text


def test_snippets_highlight_and_facets_narrow(client, recipes):
    text = page(client, q="reseau")
    assert "<mark>réseau</mark>" in text
    assert 'href="/search?q=reseau&amp;region=brest"' in text
    narrowed = page(client, q="reseau", region="brest")
    assert 'href="/recipes/organiser-une-cartopartie-brest"' in narrowed
    assert "(remove)" in narrowed


def test_sorting_paging_and_did_you_mean(client, recipes):
    assert "most recent" in page(client, q="cartopartie OR insurance")
    assert 'href="/search?q=cartopartie"' in page(client, q="cartopartei")
    assert "No recipe matches this search." in page(client, q="zzzzqqq")
    several = page(client, q="cartopartie OR insurance", limit=1)
    assert "Page 1 of 2" in several
    assert 'href="/search?q=cartopartie+OR+insurance&amp;limit=1&amp;page=2"' in several


def test_words_no_recipe_has_are_left_out(client, recipes):
    text = page(client, q="cartopartie zorglub")
    assert "No recipe contains zorglub: the results leave it out." in text
    assert 'href="/recipes/organiser-une-cartopartie"' in text


HTML_QUERIES = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "a:<b>x</b>"]


@pytest.mark.parametrize("query", HTML_QUERIES)
def test_html_in_the_query_is_echoed_escaped(client, recipes, query):
    response = client.get("/search", query_string={"q": query})
    assert response.status_code in (200, 400)
    text = response.get_data(as_text=True)
    assert "<script>alert" not in text and "<img src=x" not in text and "<b>x</b>" not in text
    assert html.escape(query, quote=False).replace('"', "&#34;") in text


def test_bad_input_is_a_400_page_with_the_query_kept(client):
    text = page(client, 400, q="x" * 100_000)
    assert "at most 500 characters" in text
    kept = page(client, 400, q="jardin", language="de")
    assert 'id="search-q" type="search" name="q" value="jardin"' in kept


def test_a_save_through_the_site_is_searchable(client, login):
    login("alice", role="editor")
    response = client.post("/recipes/new", data={
        "title": "Grainothèque", "body": "Des graines à échanger.", "summary": "", "language": "fr",
        "tags": "", "region": "", "csrf_token": csrf_token_of(client, "/recipes/new"),
    })
    assert response.status_code in (302, 303), response.get_data(as_text=True)
    assert 'href="/recipes/grainotheque"' in page(client, q="graine")


def test_cli_rebuild_and_check(app, recipes):
    runner = app.test_cli_runner()
    rebuilt = runner.invoke(args=["search", "rebuild"])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "Indexed 4 recipes" in rebuilt.output
    checked = runner.invoke(args=["search", "check"])
    assert checked.exit_code == 0 and "agrees" in checked.output
    with app.extensions["levain.sessions"]() as session:
        session.execute(update(Recipe).where(Recipe.slug == "repair-cafe").values(published_revision_id=None))
        session.commit()
    drifted = runner.invoke(args=["search", "check"])
    assert drifted.exit_code == 1
    assert "extra: 1 (repair-cafe)" in drifted.output
    assert runner.invoke(args=["search", "rebuild"]).exit_code == 0
    assert runner.invoke(args=["search", "check"]).exit_code == 0


def test_cli_check_notices_an_account_changed_behind_the_indexs_back(app, client, recipes, headers):
    event = client.post(
        "/api/v1/recipes/repair-cafe/events",
        json={"starts_at": "2026-05-14", "place": "Brest"},
        headers=headers,
    ).get_json()
    changed = client.put(f"/api/v1/events/{event['id']}", json={"report": "Des tournevis."}, headers=headers)
    assert changed.status_code == 200
    assert "1 result" in page(client, q="tournevis")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["search", "check"]).exit_code == 0
    with app.extensions["levain.sessions"]() as session:
        session.execute(update(Event).values(report_html="<p>Des pinces.</p>"))
        session.commit()
    drifted = runner.invoke(args=["search", "check"])
    assert drifted.exit_code == 1 and "stale: 1 (repair-cafe)" in drifted.output


def test_init_builds_a_lost_index(app, client, recipes):
    # The index is lost (Whoosh's folder, PostgreSQL's rows) after the outbox was applied.
    shutil.rmtree(Path(app.config["INSTANCE_PATH"]) / "search", ignore_errors=True)
    with app.extensions["levain.sessions"]() as session:
        assert not has_pending(session)
        session.execute(delete(SearchDocumentRow))
        session.commit()
    runner = app.test_cli_runner()
    initialised = runner.invoke(args=["init"])
    assert initialised.exit_code == 0, initialised.output
    assert "The database is ready." in initialised.output
    assert "The search index is ready (4 recipes)." in initialised.output
    assert runner.invoke(args=["search", "check"]).exit_code == 0
    assert "1 result" in page(client, q="insurance")


def test_searching_after_the_index_folder_was_deleted(app, recipes):
    whoosh_app = create_app({**app.config, "SEARCH_BACKEND": "whoosh"})
    client = whoosh_app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"  # as the suite's client: the default is French
    assert "1 result" in page(client, q="insurance")
    shutil.rmtree(Path(app.config["INSTANCE_PATH"]) / "search")
    assert "1 result" in page(client, q="insurance")
    close_app(whoosh_app)
