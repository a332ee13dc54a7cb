"""The same search tests on both backends: Whoosh with SQLite, PostgreSQL full-text with PostgreSQL.

Words match across accents, case and inflection in French and English; phrases, exclusions and OR
work; variants of a recipe come as one hit; facets, sorting, paging, snippets and "did you mean".
The fixtures here (``search_index``, ``author``, ``add``) serve the other search test modules too.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import Text, func, literal, select
from sqlalchemy.engine import make_url

from recipes.community import accounts, regions
from recipes.database import make_engine
from recipes.history import editing
from recipes.lineage import forks
from recipes.search import (
    SearchIndex,
    SearchResults,
    make_request,
    open_index,
    postgres_queries,
    search_recipes,
)
from tests.conftest import PASSWORD, POSTGRES_SERVER_URL, plain_render

CARTOPARTIE = """Une cartopartie réunit des bénévoles pour cartographier un quartier.
Le réseau OpenStreetMap fournit les fonds de carte ; chacun note les bancs, les commerces, les arbres."""
JARDIN = """Créer un jardin partagé avec les voisins : trouver une parcelle, une convention avec la mairie,
un récupérateur d'eau de pluie et un composteur."""
REPAIR = """How to run a Repair Café: volunteers fix broken toasters, bikes and clothes with their owners.
Check the insurance of the venue, and keep a log of every repair."""
GARDENS = """Shared gardens need water, compost and neighbours who take turns watering in summer."""


@pytest.fixture
def search_index(db_url, tmp_path) -> SearchIndex:
    """The backend a deployment on this database uses by default: Whoosh on SQLite, PostgreSQL's own on it."""
    dialect = make_url(db_url).get_backend_name()
    backend = "postgres" if dialect == "postgresql" else "whoosh"
    return open_index(backend, folder=tmp_path / "search", dialect=dialect)


@pytest.fixture
def author(session):
    return accounts.create_user(session, "alice", PASSWORD, role="editor")


@pytest.fixture
def add(session, author):
    """Create a recipe: ``add("Title", "body", language="en", tags=[...], region="brest")``."""

    def create(title: str, body: str, **options):
        return editing.create_recipe(session, author=author, title=title, body=body, render=plain_render,
                                     **options).recipe

    return create


def find(session, index: SearchIndex, text: str, **options) -> SearchResults:
    return search_recipes(session, index, make_request(text, **options))


def slugs(results: SearchResults) -> list[str]:
    return [hit.slug for hit in results.hits]


@pytest.fixture
def corpus(add):
    add("Organiser une cartopartie", CARTOPARTIE, tags=["cartographie", "osm"])
    add("Jardin partagé", JARDIN, tags=["jardin"])
    add("Repair Café", REPAIR, language="en", tags=["repair"])
    add("Shared gardens", GARDENS, language="en", tags=["jardin"])


# (what a reader types, the recipe it must find first): French and English, accents, case, inflection.
LANGUAGE_CASES = [
    ("reseau", "organiser-une-cartopartie"),
    ("RÉSEAU", "organiser-une-cartopartie"),
    ("cartoparties", "organiser-une-cartopartie"),
    ("benevole", "organiser-une-cartopartie"),
    ("Bénévoles quartiers", "organiser-une-cartopartie"),
    ("jardins partagés", "jardin-partage"),
    ("jardin partage", "jardin-partage"),
    ("composteurs", "jardin-partage"),
    ("repair cafes", "repair-cafe"),
    ("REPAIR CAFÉ", "repair-cafe"),
    ("volunteer", "repair-cafe"),
    ("insured toaster", "repair-cafe"),
    ("garden", "shared-gardens"),
    ("watered neighbour", "shared-gardens"),
]


def test_words_match_across_accents_case_and_inflection(session, search_index, corpus):
    found = {text: find(session, search_index, text) for text, _expected in LANGUAGE_CASES}
    misses = {
        text: slugs(found[text]) for text, expected in LANGUAGE_CASES
        if slugs(found[text])[:1] != [expected] or found[text].relaxed
    }
    assert misses == {}


def test_every_word_must_match(session, search_index, corpus):
    assert slugs(find(session, search_index, "jardin voisins")) == ["jardin-partage"]
    assert find(session, search_index, "cartopartie toaster").relaxed


def test_quoted_phrases_match_words_in_that_order(session, search_index, corpus):
    assert slugs(find(session, search_index, '"jardin partagé"')) == ["jardin-partage"]
    assert slugs(find(session, search_index, '"broken toasters"')) == ["repair-cafe"]
    assert find(session, search_index, '"toasters broken"').total == 0


def test_minus_excludes_words_and_phrases(session, search_index, corpus):
    assert slugs(find(session, search_index, "compost -voisins")) == ["shared-gardens"]
    assert slugs(find(session, search_index, 'compost -"eau de pluie"')) == ["shared-gardens"]
    assert find(session, search_index, "compost -composteur -garden").total == 0


def test_or_offers_alternatives(session, search_index, corpus):
    results = find(session, search_index, "cartopartie OR toasters")
    assert sorted(slugs(results)) == ["organiser-une-cartopartie", "repair-cafe"]
    assert slugs(find(session, search_index, "bancs OR toasters insurance")) == ["repair-cafe"]


def test_title_matches_come_first(session, search_index, add):
    add("Astuces de quartier", "Le compost, le compost et encore le compost : composter toute l'année.")
    add("Compost collectif", "Un bac en bois au pied de l'immeuble.")
    assert slugs(find(session, search_index, "compost")) == ["compost-collectif", "astuces-de-quartier"]


def test_recent_first_on_request(session, search_index, add):
    for title in ("Compost un", "Compost deux", "Compost trois"):
        add(title, "Du compost.")
    results = find(session, search_index, "compost", sort="recent")
    assert slugs(results) == ["compost-trois", "compost-deux", "compost-un"]


def test_a_typo_gets_a_did_you_mean(session, search_index, corpus):
    results = find(session, search_index, "cartopartei")
    assert results.total == 0
    assert results.suggestion == "cartopartie"
    assert find(session, search_index, "voluntears fix").suggestion == "volunteers fix"
    assert find(session, search_index, "zqxwvk").suggestion is None


def test_a_question_leaves_out_the_words_no_recipe_has(session, search_index, corpus):
    results = find(session, search_index, "comment organiser une cartopartie")
    assert results.relaxed and "comment" in results.left_out and "cartopartie" not in results.left_out
    assert slugs(results) == ["organiser-une-cartopartie"]
    assert slugs(find(session, search_index, "repair cafe insurance")) == ["repair-cafe"]


def test_words_that_are_never_together_find_recipes_with_some_of_them(session, search_index, corpus):
    results = find(session, search_index, "cartopartie toaster")
    assert results.relaxed and results.left_out == ()
    assert sorted(slugs(results)) == ["organiser-une-cartopartie", "repair-cafe"]


def test_stop_words_alone_find_nothing(session, search_index, corpus):
    assert find(session, search_index, "le la de").total == 0
    assert find(session, search_index, "the of").total == 0


def test_snippets_mark_the_matches_and_escape_the_text(session, search_index, add):
    add("Atelier", "Apporter <script>alert(1)</script> des outils, 1 < 2 & 3, pour le réseau du quartier.")
    hit = find(session, search_index, "reseaux").hits[0]
    assert "<mark>réseau</mark>" in hit.snippet
    assert "<script>" not in hit.snippet
    assert "1 &lt; 2 &amp; 3" in hit.snippet


def test_a_match_deep_in_a_long_text_is_in_its_snippet_with_whole_words(session, search_index, add):
    filler = "Les bénévoles préparent la salle, accueillent les voisines et rangent les chaises. " * 60
    text = f"{filler}Le réseau des œuvres solidaires se retrouve ensuite. {filler}"
    add("Fête de quartier", text)
    snippet = find(session, search_index, "reseaux solidaires").hits[0].snippet
    assert "<mark>réseau</mark>" in snippet and "<mark>solidaires</mark>" in snippet
    assert set(re.findall(r"\w+", re.sub(r"</?mark>", "", snippet))) <= set(re.findall(r"\w+", text))


@pytest.mark.skipif(not POSTGRES_SERVER_URL, reason="needs PostgreSQL")
def test_a_passage_is_cut_where_its_whole_text_would_be(postgres_database):
    """The cut looked for in a passage's tail is the one the whole passage gives, wherever its end is."""
    tail = postgres_queries.CUT_TAIL
    passages = [
        "mot " * 300,  # ends with a space
        "un deux trois quatre",  # the last word is cut off
        "début " + "x" * (tail + 20),  # a last word longer than the tail
        "début" + " " * (tail + 5) + "fin",  # spaces across the tail's start
        "a" * (1200 - tail) + " " + "b" * (tail - 1),  # spaces at the tail's first character
        "a" * (1200 - tail - 1) + " " + "b" * tail,  # spaces just before the tail
        "fin\u3000de\tligne\nsuite",  # spaces of every kind
        "x" * 1200,  # no space at all
    ]
    engine = make_engine(postgres_database)
    try:
        with engine.connect() as connection:
            for passage in passages:
                text_ = literal(passage, Text)
                cut, whole = connection.execute(select(
                    postgres_queries._cut_after_a_word(text_),
                    func.regexp_replace(text_, postgres_queries.BROKEN_END, ""),
                )).one()
                assert cut == whole, passage[-40:]
    finally:
        engine.dispose()


def test_a_recipe_matched_by_its_title_only_shows_its_beginning(session, search_index, add):
    add("Copy party", "Des fichiers échangés entre amis.")
    hit = find(session, search_index, "copy party").hits[0]
    assert hit.snippet.startswith("Des fichiers")


@pytest.fixture
def lineage(session, author, add):
    """A recipe and three regional variants; the Lyon one says more about bicycles."""
    for name in ("Brest", "Lyon", "Genève"):
        regions.create_region(session, name)
    add("Organiser une cartopartie", CARTOPARTIE, tags=["osm"])
    for region in ("brest", "lyon", "geneve"):
        forks.fork_recipe(session, "organiser-une-cartopartie", author=author, region=region,
                          render=plain_render)
    bicycles = "\nÀ Lyon, on cartographie aussi les pistes cyclables et les vélos en libre-service."
    editing.save_edit(session, "organiser-une-cartopartie-lyon", author=author, base_revision=1,
                      render=plain_render, body=CARTOPARTIE + bicycles)


def test_variants_of_a_recipe_come_as_one_hit(session, search_index, lineage):
    results = find(session, search_index, "cartopartie réseau")
    assert results.total == 1
    hit = results.hits[0]
    assert hit.variant_count == 3
    assert {variant.region_name for variant in hit.variants} | {hit.region_name} == {
        None, "Brest", "Lyon", "Genève",
    }


def test_the_best_matching_variant_leads(session, search_index, lineage):
    hit = find(session, search_index, "cartopartie vélos").hits[0]
    assert hit.slug == "organiser-une-cartopartie-lyon"
    assert hit.variant_count == 0
    hit = find(session, search_index, "cartopartie OR vélos").hits[0]
    assert hit.slug == "organiser-une-cartopartie-lyon"
    assert hit.variant_count == 3


def test_facets_count_recipes_and_narrow_the_results(session, search_index, lineage, corpus):
    results = find(session, search_index, "cartopartie")
    assert results.facets["region"] == {"brest": 1, "geneve": 1, "lyon": 1}
    assert results.facets["tag"]["osm"] == 5
    assert results.facets["language"] == {"fr": 5}
    assert results.region_names["geneve"] == "Genève"
    narrowed = find(session, search_index, "cartopartie", region="geneve")
    assert slugs(narrowed) == ["organiser-une-cartopartie-geneve"] and narrowed.hits[0].variant_count == 0
    assert slugs(find(session, search_index, "compost", tag="jardin", language="en")) == ["shared-gardens"]
    assert find(session, search_index, "cartopartie", tag="repair").total == 0


def test_facets_follow_a_recipe_retagged(session, search_index, author, add):
    regions.create_region(session, "Brest")
    add("Disco soupe", "Une soupe de légumes invendus.", tags=["cuisine"], region="brest")
    add("Soupe au potiron", "Une soupe d'automne.", tags=["cuisine"])
    editing.save_edit(session, "disco-soupe", author=author, base_revision=1, render=plain_render,
                      body="Une soupe de légumes invendus, en musique.", tags=["anti-gaspi", "musique"])
    results = find(session, search_index, "soupe")
    assert results.facets["tag"] == {"anti-gaspi": 1, "cuisine": 1, "musique": 1}
    assert results.facets["region"] == {"brest": 1}
    assert slugs(find(session, search_index, "soupe", tag="cuisine")) == ["soupe-au-potiron"]


@pytest.fixture
def few_ranked(db_url, monkeypatch):
    """On PostgreSQL, rank by the whole text only the first match of each search (as it does beyond
    200 matches), so that a test needs no more than a few recipes to go past that bound."""
    if make_url(db_url).get_backend_name() == "postgresql":
        monkeypatch.setattr(postgres_queries, "EXACT_RANKING_LIMIT", 0)
        monkeypatch.setattr(postgres_queries, "CANDIDATES_PER_HIT", 1)
    postgres_queries._search_statement.cache_clear()
    yield
    postgres_queries._search_statement.cache_clear()


def test_every_variant_found_is_counted_and_listed_when_many_recipes_match(
    session, search_index, lineage, few_ranked
):
    results = find(session, search_index, "cartopartie", per_page=1)
    assert results.total == 1
    assert results.hits[0].variant_count == 3
    assert len(results.hits[0].variants) == 3


def test_results_come_in_pages(session, search_index, add):
    for number in range(25):
        add(f"Compost numéro {number}", f"Du compost, recette {number}.")
    first = find(session, search_index, "compost", per_page=10)
    third = find(session, search_index, "compost", per_page=10, page=3)
    assert (first.total, first.pages, len(first.hits), len(third.hits)) == (25, 3, 10, 5)
    every = set(slugs(first)) | set(slugs(find(session, search_index, "compost", per_page=10, page=2)))
    assert len(every | set(slugs(third))) == 25
    assert find(session, search_index, "compost", page=50).hits == []


def test_an_edit_replaces_what_is_found(session, search_index, author, add):
    add("Gratiferia", "Une zone de gratuité au marché.")
    assert find(session, search_index, "marché").total == 1
    editing.save_edit(session, "gratiferia", author=author, base_revision=1, render=plain_render,
                      body="Une zone de gratuité à la bibliothèque.", title="Gratiferia en bibliothèque")
    assert find(session, search_index, "marché").total == 0
    hit = find(session, search_index, "bibliotheque").hits[0]
    assert hit.title == "Gratiferia en bibliothèque"
