"""The JSON API of recipes and revisions, through the test client: every route, paging, auth."""

from __future__ import annotations

import itertools
from datetime import datetime

import pytest

from recipes.community import regions
from recipes.community.accounts import find_user
from recipes.history import editing
from recipes.history.revisions import SaveOutcome
from recipes.lineage import forks
from recipes.models import Revision
from recipes.queries import get_recipe
from tests.conftest import csrf_token_of
from wiki.markdown import render_markdown

RECIPE_KEYS = {
    "slug",
    "title",
    "region",
    "tags",
    "language",
    "body",
    "html",
    "revision",
    "parent",
    "created_at",
    "updated_at",
}
REVISION_KEYS = {"number", "author", "summary", "created_at", "status", "size"}


@pytest.fixture
def auth(api_token) -> dict[str, str]:
    """Headers authenticating as an editor with a personal token."""
    return {"Authorization": f"Bearer {api_token('bot')}"}


def create(client, auth, title="Cartopartie à Plouarzel", body="# Cartopartie\n\nOn cartographie.\n", **more):
    response = client.post("/api/v1/recipes", json={"title": title, "body": body, **more}, headers=auth)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def save(client, auth, slug, body, base, **more):
    return client.put(
        f"/api/v1/recipes/{slug}", json={"body": body, "base_revision": base, **more}, headers=auth
    )


def domain_edits(app, slug: str, bodies) -> None:
    """Save many revisions straight through the domain (quicker than through HTTP)."""
    with app.extensions["levain.sessions"]() as session:
        author = find_user(session, "bot")
        for body in bodies:
            head = get_recipe(session, slug).head_number
            editing.save_edit(
                session, slug, author=author, body=body, base_revision=head, render=render_markdown
            )


def is_aware_iso(value: str) -> bool:
    return datetime.fromisoformat(value).tzinfo is not None


def test_create_answers_201_with_the_recipe_and_its_location(client, auth):
    response = client.post(
        "/api/v1/recipes",
        json={
            "title": "Cartopartie à Plouarzel",
            "body": "# Carte\n\nDu *papier*.\n",
            "tags": ["OSM", "carte"],
        },
        headers=auth,
    )
    assert response.status_code == 201
    assert response.headers["Location"].endswith("/api/v1/recipes/cartopartie-a-plouarzel")
    recipe = response.get_json()
    assert RECIPE_KEYS <= recipe.keys()
    assert recipe["slug"] == "cartopartie-a-plouarzel"
    assert recipe["tags"] == ["carte", "osm"]
    assert (recipe["language"], recipe["region"], recipe["parent"], recipe["revision"]) == (
        "fr",
        None,
        None,
        1,
    )
    assert "<em>papier</em>" in recipe["html"]
    assert is_aware_iso(recipe["created_at"]) and is_aware_iso(recipe["updated_at"])
    assert client.get(response.headers["Location"]).get_json() == recipe


def test_create_in_a_region_with_comma_separated_tags_in_english(app, client, auth):
    with app.extensions["levain.sessions"]() as session:
        regions.create_region(session, "Pays de Brest")
    recipe = create(
        client, auth, title="Repair café", region="pays-de-brest", tags="vélo, Repair", language="en"
    )
    assert (recipe["region"], recipe["tags"], recipe["language"]) == (
        "pays-de-brest",
        ["repair", "vélo"],
        "en",
    )


def test_the_same_title_twice_gets_a_second_slug(client, auth):
    assert create(client, auth, title="Copy party")["slug"] == "copy-party"
    assert create(client, auth, title="Copy Party!")["slug"] == "copy-party-2"


def test_a_read_shows_the_stored_html_without_rendering(client, auth, monkeypatch):
    created = create(client, auth)

    def no_rendering(text):
        raise AssertionError("rendered at read time")

    monkeypatch.setattr("wiki.api.recipes.render_markdown", no_rendering)
    monkeypatch.setattr("wiki.markdown.render_markdown", no_rendering)
    assert client.get("/api/v1/recipes/cartopartie-a-plouarzel").get_json()["html"] == created["html"]


def test_list_walks_every_recipe_in_slug_order_without_text(client, auth):
    titles = ["Grainothèque", "Atelier vélo", "Jardin partagé", "Copy party", "Disco soupe"]
    for title in titles:
        create(client, auth, title=title)
    seen, cursor = [], None
    while True:
        query = "?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = client.get("/api/v1/recipes" + query).get_json()
        assert len(page["items"]) <= 2
        assert all("body" not in item and "html" not in item for item in page["items"])
        seen += [item["slug"] for item in page["items"]]
        cursor = page["next"]
        if cursor is None:
            break
        assert cursor == seen[-1]
    assert seen == sorted(["grainotheque", "atelier-velo", "jardin-partage", "copy-party", "disco-soupe"])


def test_list_filters_by_region_and_tag(app, client, auth):
    with app.extensions["levain.sessions"]() as session:
        regions.create_region(session, "Genève")
    create(client, auth, title="Disco soupe", region="geneve", tags=["cuisine"])
    create(client, auth, title="Copy party", region="geneve", tags=["livres"])
    create(client, auth, title="Jardin", tags=["cuisine"])

    def slugs(query):
        return [item["slug"] for item in client.get("/api/v1/recipes" + query).get_json()["items"]]

    assert slugs("?region=geneve") == ["copy-party", "disco-soupe"]
    assert slugs("?tag=Cuisine") == ["disco-soupe", "jardin"]
    assert slugs("?region=geneve&tag=cuisine") == ["disco-soupe"]
    assert slugs("?region=nowhere") == []


def test_a_save_on_the_head_makes_a_new_revision(client, auth):
    create(client, auth)
    response = save(
        client,
        auth,
        "cartopartie-a-plouarzel",
        "# Carte\n\nNouveau.\n",
        1,
        summary="mieux",
        title="Cartopartie",
        tags=["osm"],
    )
    assert response.status_code == 200
    recipe = response.get_json()
    assert (recipe["revision"], recipe["merged"], recipe["changed"]) == (2, False, True)
    assert (recipe["title"], recipe["tags"], recipe["slug"]) == (
        "Cartopartie",
        ["osm"],
        "cartopartie-a-plouarzel",
    )
    assert recipe["body"] == "# Carte\n\nNouveau.\n"
    newest = client.get("/api/v1/recipes/cartopartie-a-plouarzel/revisions").get_json()["items"][0]
    assert (newest["number"], newest["summary"], newest["author"]) == (2, "mieux", "bot")


def test_an_unchanged_save_makes_no_revision(client, auth):
    created = create(client, auth)
    response = save(client, auth, created["slug"], created["body"], 1)
    assert response.status_code == 200
    assert (response.get_json()["changed"], response.get_json()["revision"]) == (False, 1)
    assert len(client.get(f"/api/v1/recipes/{created['slug']}/revisions").get_json()["items"]) == 1


def test_a_stale_overlapping_save_is_a_conflict_and_saves_nothing(client, auth):
    slug = create(client, auth, body="Four à 180 °C.\n")["slug"]
    assert save(client, auth, slug, "Four à 200 °C.\n", 1).status_code == 200
    response = save(client, auth, slug, "Four à 190 °C.\n", 1)
    assert response.status_code == 409
    answer = response.get_json()
    assert answer["error"]["code"] == "edit_conflict" and answer["error"]["message"]
    assert answer["head_revision"] == 2
    assert answer["conflicts"] == [
        {"base": "Four à 180 °C.\n", "ours": "Four à 190 °C.\n", "theirs": "Four à 200 °C.\n"}
    ]
    assert client.get(f"/api/v1/recipes/{slug}").get_json()["body"] == "Four à 200 °C.\n"


def test_a_stale_save_that_does_not_overlap_is_merged(client, auth):
    slug = create(client, auth, body="Farine.\nEau.\nSel.\n")["slug"]
    assert save(client, auth, slug, "Farine de seigle.\nEau.\nSel.\n", 1).status_code == 200
    response = save(client, auth, slug, "Farine.\nEau.\nSel de Guérande.\n", 1)
    assert response.status_code == 200, response.get_json()
    recipe = response.get_json()
    assert (recipe["merged"], recipe["changed"], recipe["revision"]) == (True, True, 3)
    assert recipe["body"] == "Farine de seigle.\nEau.\nSel de Guérande.\n"


@pytest.mark.parametrize(
    ("base", "head", "stale"),
    [
        ("- 1,5 kg de farine\n", "- 2,5 kg de farine\n", "- 1,75 kg de farine\n"),
        ("Départ à 10:30.\n", "Départ à 11:30.\n", "Départ à 10:45.\n"),
        ("Four à 180°C.\n", "Four à 200°C.\n", "Four à 180°F.\n"),
        (
            "## Ingrédients\n\n- 250 g de farine\n\n- 1 pincée de sel\n",
            "## Ingrédients\n\n- 250 g de farine\n- 50 g de sucre\n- 1 pincée de sel\n",
            "## Ingrédients\n\n- 250 g de farine\n\n- 50 g de sucre\n- 1 pincée de sel\n",
        ),
    ],
)
def test_a_stale_save_that_would_need_invented_text_is_a_conflict(client, auth, base, head, stale):
    slug = create(client, auth, body=base)["slug"]
    assert save(client, auth, slug, head, 1).status_code == 200
    response = save(client, auth, slug, stale, 1)
    assert response.status_code == 409, response.get_json()
    answer = response.get_json()
    assert answer["error"]["code"] == "edit_conflict" and answer["conflicts"]
    for conflict in answer["conflicts"]:
        assert conflict["ours"] in stale and conflict["theirs"] in head
    assert client.get(f"/api/v1/recipes/{slug}").get_json()["body"] == head


def test_a_save_waiting_for_review_answers_202(app, client, auth, monkeypatch):
    slug = create(client, auth)["slug"]

    def pending_save(session, slug, **_):
        recipe = get_recipe(session, slug)
        return SaveOutcome(recipe, Revision(number=2, status="pending"))

    monkeypatch.setattr(editing, "save_edit", pending_save)
    response = save(client, auth, slug, "Autre texte.\n", 1)
    assert (response.status_code, response.get_json()) == (202, {"status": "pending", "revision": 2})


def test_a_fork_names_its_parent_and_records_what_it_took_in(app, client, auth):
    parent = create(client, auth, body="Farine.\nEau.\n")["slug"]
    with app.extensions["levain.sessions"]() as session:
        regions.create_region(session, "Genève")
        forks.fork_recipe(
            session, parent, author=find_user(session, "bot"), region="geneve", render=render_markdown
        )
    fork = f"{parent}-geneve"
    assert client.get(f"/api/v1/recipes/{fork}").get_json()["parent"] == {"slug": parent, "revision": 1}
    save(client, auth, parent, "Farine.\nEau.\nSel.\n", 1)
    response = save(client, auth, fork, "Farine.\nEau.\nSel.\n", 1, upstream_revision=2)
    assert response.status_code == 200, response.get_json()
    newest = client.get(f"/api/v1/recipes/{fork}/revisions?limit=1").get_json()["items"][0]
    assert newest["kind"] == "sync"
    not_a_fork = save(client, auth, parent, "Farine.\n", 2, upstream_revision=1)
    assert (not_a_fork.status_code, not_a_fork.get_json()["error"]["code"]) == (400, "invalid")


def test_history_pages_through_121_revisions_newest_first(app, client, auth):
    slug = create(client, auth, body="étape 0\n")["slug"]
    domain_edits(app, slug, (f"étape {n}\n" for n in range(1, 121)))
    numbers, before = [], None
    while True:
        query = "?limit=50" + (f"&before={before}" if before else "")
        page = client.get(f"/api/v1/recipes/{slug}/revisions{query}").get_json()
        assert all(REVISION_KEYS <= item.keys() for item in page["items"])
        numbers += [item["number"] for item in page["items"]]
        before = page["next"]
        if before is None:
            break
        assert before == numbers[-1]
    assert numbers == list(range(121, 0, -1))
    newest = client.get(f"/api/v1/recipes/{slug}/revisions?limit=1").get_json()["items"][0]
    assert (newest["status"], newest["size"], newest["kind"]) == ("approved", len("étape 120\n"), "edit")
    assert is_aware_iso(newest["created_at"])


def test_a_revision_shows_its_text_and_html(client, auth):
    slug = create(client, auth, body="Premier *jet*.\n")["slug"]
    save(client, auth, slug, "Second jet.\n", 1)
    first = client.get(f"/api/v1/recipes/{slug}/revisions/1").get_json()
    assert (first["number"], first["body"], first["kind"]) == (1, "Premier *jet*.\n", "create")
    assert "<em>jet</em>" in first["html"]
    assert client.get(f"/api/v1/recipes/{slug}/revisions/3").status_code == 404


TEXTS = [
    "# Disco soupe\n\nÉplucher les légumes.\nCuire 20 minutes.\n",
    "# Disco soupe\n\nÉplucher et couper les légumes.\nCuire 20 minutes.\nServir chaud.\n",
    "Servir chaud.\n# Disco soupe\n\nCuire 25 minutes.",
    "",
    "\n\n\nUne ligne\r\nseule\n",
    "# Disco soupe\n\nÉplucher les légumes.\nCuire 20 minutes.\n",
]


def joined(ops, kinds):
    return "".join(text for op, text in ops if op in kinds)


def test_diff_ops_spell_both_revisions(app, client, auth):
    slug = create(client, auth, body=TEXTS[0])["slug"]
    domain_edits(app, slug, TEXTS[1:])
    bodies = {n: client.get(f"/api/v1/recipes/{slug}/revisions/{n}").get_json()["body"] for n in range(1, 7)}
    for old, new in itertools.permutations(range(1, 7), 2):
        answer = client.get(f"/api/v1/recipes/{slug}/diff?from={old}&to={new}").get_json()
        assert (answer["from"], answer["to"]) == (old, new)
        assert {op for op, _ in answer["ops"]} <= {-1, 0, 1}
        assert joined(answer["ops"], {0, -1}) == bodies[old]
        assert joined(answer["ops"], {0, 1}) == bodies[new]


def test_diff_defaults_to_the_head_and_the_revision_before(client, auth):
    slug = create(client, auth, body="un\n")["slug"]
    save(client, auth, slug, "un\ndeux\n", 1)
    save(client, auth, slug, "un\ndeux\ntrois\n", 2)
    assert client.get(f"/api/v1/recipes/{slug}/diff").get_json() == {
        "from": 2,
        "to": 3,
        "ops": [[0, "un\ndeux\n"], [1, "trois\n"]],
    }
    assert client.get(f"/api/v1/recipes/{slug}/diff?to=2").get_json()["from"] == 1
    assert client.get(f"/api/v1/recipes/{slug}/diff?from=1").get_json()["to"] == 3
    assert client.get(f"/api/v1/recipes/{slug}/diff?to=1").get_json() == {
        "from": None,
        "to": 1,
        "ops": [[1, "un\n"]],
    }


def test_revert_makes_a_new_revision_equal_to_an_old_one(client, auth):
    slug = create(client, auth, title="Grainothèque", body="Des graines.\n")["slug"]
    save(client, auth, slug, "Du spam.\n", 1, title="Spam")
    response = client.post(
        f"/api/v1/recipes/{slug}/revert", json={"revision": 1, "summary": "spam"}, headers=auth
    )
    assert response.status_code == 200
    recipe = response.get_json()
    assert (recipe["revision"], recipe["body"], recipe["title"], recipe["changed"]) == (
        3,
        "Des graines.\n",
        "Grainothèque",
        True,
    )
    newest = client.get(f"/api/v1/recipes/{slug}/revisions/3").get_json()
    assert (newest["kind"], newest["summary"]) == ("revert", "spam")


def test_preview_renders_and_marks_missing_wiki_links(client, auth):
    create(client, auth, title="Copy party")
    response = client.post(
        "/api/v1/preview", json={"body": "**gras** [[copy-party]] [[absente]]"}, headers=auth
    )
    assert response.status_code == 200
    html = response.get_json()["html"]
    assert "<strong>gras</strong>" in html
    assert html.count("missing") == 1


def test_preview_needs_an_account_and_refuses_long_texts(client, auth):
    from recipes.validation import MAX_BODY_LENGTH

    anonymous = client.post("/api/v1/preview", json={"body": "x"})
    assert anonymous.status_code in (400, 401)  # no CSRF token, or no account
    too_long = client.post("/api/v1/preview", json={"body": "x" * (MAX_BODY_LENGTH + 1)}, headers=auth)
    assert (too_long.status_code, too_long.get_json()["error"]["code"]) == (413, "too_large")


def test_a_session_writes_with_its_csrf_token(client, login):
    token = login("carole", role="contributor")
    headers = {"X-CSRFToken": token}
    created = client.post(
        "/api/v1/recipes", json={"title": "Disco soupe", "body": "Soupe.\n"}, headers=headers
    )
    assert created.status_code == 201
    saved = client.put(
        "/api/v1/recipes/disco-soupe", json={"body": "Velouté.\n", "base_revision": 1}, headers=headers
    )
    assert saved.status_code == 200
    preview = client.post("/api/v1/preview", json={"body": "*a*"}, headers=headers)
    assert preview.get_json() == {"html": "<p><em>a</em></p>\n"}
    history = client.get("/api/v1/recipes/disco-soupe/revisions").get_json()["items"]
    assert [item["author"] for item in history] == ["carole", "carole"]


def test_anonymous_writers_are_asked_to_log_in(client, auth):
    slug = create(client, auth)["slug"]
    headers = {"X-CSRFToken": csrf_token_of(client)}
    writes = [
        client.post("/api/v1/recipes", json={"title": "Anonyme", "body": "x"}, headers=headers),
        client.put(f"/api/v1/recipes/{slug}", json={"body": "x", "base_revision": 1}, headers=headers),
        client.put(f"/api/v1/recipes/{slug}", json={}, headers=headers),
        client.post(f"/api/v1/recipes/{slug}/revert", json={"revision": 1}, headers=headers),
        client.post("/api/v1/preview", json={"body": "x"}, headers=headers),
    ]
    assert [(w.status_code, w.get_json()["error"]["code"]) for w in writes] == [(401, "unauthorized")] * 5
    assert len(client.get(f"/api/v1/recipes/{slug}/revisions").get_json()["items"]) == 1


def test_reading_is_open_to_everyone(client, auth):
    slug = create(client, auth)["slug"]
    for path in [
        "/api/v1/recipes",
        f"/api/v1/recipes/{slug}",
        f"/api/v1/recipes/{slug}/revisions",
        f"/api/v1/recipes/{slug}/revisions/1",
        f"/api/v1/recipes/{slug}/diff",
    ]:
        assert app_client_get_ok(client, path)


def app_client_get_ok(client, path) -> bool:
    response = client.get(path)
    return response.status_code == 200 and response.is_json
