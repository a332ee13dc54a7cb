"""What readers type becomes a small query: words, "phrases", -exclusions and OR, nothing else."""

import time

import pytest

from recipes.errors import Invalid
from recipes.search.interface import MAX_PAGE, MAX_PER_PAGE, make_request
from recipes.search.postgres_tsqueries import without_positions
from recipes.search.query import MAX_QUERY_LENGTH, MAX_QUERY_WORDS, fold, parse_query, vocabulary_words


def test_words_must_all_match_and_keep_their_order():
    query = parse_query("jardins partagés")
    assert [clause.as_text() for clause in query.positive] == ["jardins", "partagés"]
    assert query.excluded == ()


def test_phrases_exclusions_and_or():
    query = parse_query('"jardin partagé" -compost brest OR lyon -"copy party"')
    assert query.as_text() == '"jardin partagé" -compost brest OR lyon -"copy party"'
    assert [clause.as_text() for clause in query.excluded] == ["-compost", '-"copy party"']
    assert [len(clause.atoms) for clause in query.positive] == [1, 2]


def test_an_unclosed_quote_runs_to_the_end():
    assert parse_query('"repair café').as_text() == '"repair café"'


def test_words_joined_by_an_apostrophe_or_a_hyphen_stay_together():
    assert [atom.text for clause in parse_query("l'atelier sans-abri").clauses for atom in clause.atoms] == [
        "l'atelier", "sans-abri",
    ]


@pytest.mark.parametrize("text", ["OR", "OR OR", "jardin OR", "OR jardin"])
def test_a_dangling_or_is_ignored(text):
    assert all(len(clause.atoms) == 1 for clause in parse_query(text).clauses)


@pytest.mark.parametrize("text", ["", "   ", "*", "?*?*?*?*", "((((((((", "-jardin", "!!!", "+-~^", '""'])
def test_queries_without_a_wanted_word_match_nothing(text):
    assert parse_query(text).is_empty


@pytest.mark.parametrize(
    "text", ["jard*", "jard?n", "jardin~2", "jardin^4", "/jard.n/", "(jardin OR compost) brest", "{!lucene}"],
)
def test_query_syntax_characters_are_only_dropped(text):
    query = parse_query(text)
    assert not any(char in query.as_text() for char in "*?~^/(){}!")


@pytest.mark.parametrize(
    "text", ["title:jardin", "body_fr:secret", "_stored_body:x", "status:pending", "-author:alice", "tag:x"],
)
def test_field_queries_are_refused(text):
    with pytest.raises(Invalid, match="field"):
        parse_query(text)


@pytest.mark.parametrize("text", ["[a TO z]", "{2020 TO 2030}", "updated:[a TO b]"])
def test_range_queries_are_refused(text):
    with pytest.raises(Invalid):
        parse_query(text)


@pytest.mark.parametrize("text", ["10:30 atelier", "Note: apporter des gants", "https://example.org/jardin"])
def test_colons_in_ordinary_text_are_not_fields(text):
    assert not parse_query(text).is_empty


@pytest.mark.timed
def test_long_queries_are_refused_at_once():
    started = time.perf_counter()
    with pytest.raises(Invalid, match=str(MAX_QUERY_LENGTH)):
        parse_query("(" * 100_000)
    assert time.perf_counter() - started < 0.05


def test_a_query_has_a_bounded_number_of_words():
    parse_query(" ".join(["mot"] * MAX_QUERY_WORDS))
    with pytest.raises(Invalid, match="words"):
        parse_query(" ".join(["mot"] * (MAX_QUERY_WORDS + 1)))


@pytest.mark.timed
def test_nesting_at_the_length_limit_is_cheap():
    started = time.perf_counter()
    assert parse_query("(" * (MAX_QUERY_LENGTH // 2) + "jardin" + ")" * 200).as_text() == "jardin"
    assert time.perf_counter() - started < 0.05


def test_control_characters_and_non_text_are_handled():
    assert parse_query("jardin\x00partagé\x1b").as_text() == "jardin partagé"
    with pytest.raises(Invalid):
        parse_query(["jardin"])


def test_relaxed_asks_for_any_word_and_keeps_exclusions():
    relaxed = parse_query("comment organiser une cartopartie -lyon").relaxed()
    assert relaxed.as_text() == "comment OR organiser OR une OR cartopartie -lyon"
    assert parse_query("cartopartie -lyon").relaxed() is None


def test_words_replaced_keep_the_rest_of_the_query():
    query = parse_query('Cartopartei OR atelier -"Brest"')
    corrected = query.with_words_replaced({"cartopartei": "cartopartie"})
    assert corrected.as_text() == 'cartopartie OR atelier -"Brest"'


def test_folding_and_vocabulary():
    assert fold("Réseau") == "reseau"
    assert fold("Cœur") == "coeur"
    assert vocabulary_words("Le Réseau des jardins, 2024 ; a l'œil") == {"reseau", "des", "jardins", "oeil"}


def test_requests_are_checked():
    assert make_request("x", per_page=1000).per_page == MAX_PER_PAGE
    bad_requests = [{"sort": "random"}, {"language": "de"}, {"page": MAX_PAGE + 1}, {"page": 0}]
    for bad in [*bad_requests, {"region": "x\0"}]:
        with pytest.raises(Invalid):
            make_request("x", **bad)


@pytest.mark.parametrize(
    ("tsquery", "loosened"),
    [
        ("'jardin' <-> 'partag'", "'jardin' & 'partag'"),
        ("'cart' <2> 'parti' | 'compost'", "'cart' & 'parti' | 'compost'"),
        ("( 'repair' <-> 'cafe' ) & 'insur'", "( 'repair' & 'cafe' ) & 'insur'"),
        ("'a<->b' <-> 'it''s'", "'a<->b' & 'it''s'"),  # operators inside lexemes stay
        ("'jardin' & 'partag'", "'jardin' & 'partag'"),
        ("!( 'jardin' <-> 'partag' )", "!( 'jardin' <-> 'partag' )"),  # loosening a negation would narrow
    ],
)
def test_phrases_loosened_for_the_index(tsquery, loosened):
    assert " ".join(without_positions(tsquery).split()) == loosened
