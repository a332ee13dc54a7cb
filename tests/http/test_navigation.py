"""Finding the way through the test client: the home page, the tag pages and the region pages."""

from __future__ import annotations

import re

import pytest

from recipes.community import regions
from recipes.community.accounts import find_user
from recipes.history import editing
from recipes.lineage import forks
from wiki.markdown import render_markdown


@pytest.fixture
def wiki(app, make_user):
    """Three recipes by camille: a Brest cartopartie and its Lyon variant, and a repair café."""
    make_user("camille", role="editor")
    with app.extensions["levain.sessions"]() as session:
        camille = find_user(session, "camille")
        for name in ("Pays de Brest", "Lyon", "Genève"):
            regions.create_region(session, name)
        for title, tags, region in (
            ("Cartopartie à Plouarzel", ["cartographie", "quartier"], "pays-de-brest"),
            ("Repair café", ["réparation", "quartier"], None),
        ):
            editing.create_recipe(
                session, author=camille, title=title, body=f"## {title}\n\nTexte.", render=render_markdown,
                tags=tags, region=region,
            )
        forks.fork_recipe(
            session, "cartopartie-a-plouarzel", author=camille, region="lyon", render=render_markdown
        )


def page(client, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def section(html: str, heading_id: str) -> str:
    match = re.search(rf'<section aria-labelledby="{heading_id}">(.*?)</section>', html, re.S)
    assert match, f"no section {heading_id}"
    return match.group(1)


def test_the_home_page_shows_popular_and_recent_recipes_regions_and_tags(client, wiki):
    html = page(client, "/")
    popular = section(html, "popular-title")
    # The recipe a region adapted comes first (one revision, one variant).
    assert popular.index("Cartopartie à Plouarzel</a>") < popular.index("Repair café</a>")
    assert "1 variant" in popular and "1 edit in 30 days" in popular

    recent = section(html, "recent-title")
    titles = re.findall(r'class="recipe-list__title" href="/recipes/([^"]+)" lang="fr"', recent)
    assert titles == ["cartopartie-a-plouarzel-lyon", "repair-cafe", "cartopartie-a-plouarzel"]

    regions_part = section(html, "regions-title")
    count = r'</a>\s*<span class="muted">'
    assert re.search(rf'<a href="/regions/geneve">Genève{count}0 recipes</span>', regions_part)
    assert re.search(rf'<a href="/regions/lyon">Lyon{count}1 recipe</span>', regions_part)

    tags_part = section(html, "tags-title")
    assert tags_part.index('href="/tags/quartier"') < tags_part.index('href="/tags/cartographie"')
    assert '<a class="tag" href="/tags/r%C3%A9paration">réparation</a>' in tags_part


def test_an_empty_wiki_has_a_home_page_that_invites_to_write(client):
    html = page(client, "/")
    assert "No recipe yet" in html and "No region yet." in html and "No tag yet." in html
    assert 'id="popular-title"' not in html


def test_a_tag_page_lists_its_recipes_newest_first(client, wiki):
    html = page(client, "/tags/quartier")
    assert "<h1>Recipes tagged “quartier”</h1>" in html
    titles = re.findall(r'class="recipe-list__title" href="/recipes/([^"]+)"', html)
    assert titles == ["cartopartie-a-plouarzel-lyon", "repair-cafe", "cartopartie-a-plouarzel"]
    assert '<a class="region" href="/regions/lyon">Lyon</a>' in html

    assert "repair-cafe" in page(client, "/tags/r%C3%A9paration")
    assert "repair-cafe" not in page(client, "/tags/cartographie")


def test_tag_addresses_are_checked(client, wiki):
    response = client.get("/tags/Quartier%20")
    assert response.status_code == 301 and response.headers["Location"] == "/tags/quartier"
    assert "No recipe has the tag" in page(client, "/tags/inconnu", 404)
    page(client, "/tags/a,b", 400)
    page(client, "/tags/%3Cscript%3E", 400)
    page(client, "/tags/" + "x" * 41, 400)


def test_the_tags_page_lists_every_tag_with_its_count(client, wiki):
    html = page(client, "/tags")
    items = re.findall(r'<a class="tag" href="/tags/[^"]+">([^<]+)</a>\s*<span[^>]*>(\d+)</span>', html)
    assert items == [("quartier", "3"), ("cartographie", "2"), ("réparation", "1")]


def test_a_region_page_lists_its_recipes_and_their_tags(client, wiki):
    html = page(client, "/regions/lyon")
    assert "<h1>Lyon</h1>" in html and "1 recipe is written or adapted here." in html
    assert 'href="/recipes/cartopartie-a-plouarzel-lyon"' in html
    assert 'href="/recipes/repair-cafe"' not in html
    tags = section(html, "region-tags-title")
    assert 'href="/tags/cartographie"' in tags and 'href="/tags/quartier"' in tags
    assert "réparation" not in tags

    empty = page(client, "/regions/geneve")
    assert "No recipe is written or adapted here yet." in empty and "region-tags-title" not in empty
    page(client, "/regions/atlantide", 404)


def test_writing_from_a_region_page_chooses_the_region(client, wiki, login):
    login()
    assert 'href="/recipes/new?region=lyon"' in page(client, "/regions/lyon")
    assert '<option value="lyon" selected>Lyon</option>' in page(client, "/recipes/new?region=lyon")
    unknown = page(client, "/recipes/new?region=atlantide")
    region_select = re.search(r'<select id="region".*?</select>', unknown, re.S).group(0)
    assert " selected>" not in region_select


def test_the_header_leads_to_regions_and_tags_on_every_page(client, wiki):
    for path in ("/", "/recipes/repair-cafe", "/tags/quartier", "/login"):
        html = page(client, path)
        assert '<nav class="site-nav" aria-label="Main">' in html
        assert '<a href="/regions"' in html and '<a href="/tags"' in html
    assert '<a href="/tags" aria-current=page>Tags</a>' in page(client, "/tags/quartier")
