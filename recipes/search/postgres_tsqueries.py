"""PostgreSQL text search for Levain: the configurations, the vectors, and queries as tsqueries.

A document's vector is made with its language's configuration (``levain_french``,
``levain_english``: ``unaccent`` before the stemmer). A query is *resolved*: compiled per language
with ``phraseto_tsquery`` in that language's configuration (a stop word gives an empty tsquery,
which combines as nothing) and read back as text, the wanted words apart from the excluded ones.
The GIN index cannot tell where words are: ``without_positions`` gives the words of a phrase, which
the index decides alone.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, Text, bindparam, case, func, literal, literal_column, select
from sqlalchemy.dialects.postgresql import REGCONFIG

from ..models import LANGUAGES
from .query import ParsedQuery

CONFIGURATIONS = {"fr": "levain_french", "en": "levain_english"}
# A quoted lexeme (kept as it is), or a phrase operator: <-> or <N>.
_PHRASE_OPERATOR = re.compile(r"('(?:[^']|'')*')|<(?:-|\d+)>")
_LEXEME = re.compile(r"'((?:[^']|'')*)'")
# A stem is the beginning of its words but for its last letter at times ("happy" is 'happi').
STEM_PREFIX_SLACK, SHORT_STEM = 1, 4


def configuration(language: str):
    return literal(CONFIGURATIONS[language], REGCONFIG)


def _configuration_of(language):
    return case(
        *[(language == code, configuration(code)) for code in LANGUAGES[1:]],
        else_=configuration(LANGUAGES[0]),
    )


def title_vector_of(language, title):
    """The tsvector of a title, weight A, in its language's configuration."""
    # Weights are of type "char", which an untyped SQL literal becomes and a bound string does not.
    return func.setweight(func.to_tsvector(_configuration_of(language), title), literal_column("'A'"))


def vector_of(language, title, body):
    """The tsvector of a title (weight A) and a text (weight D), in their language's configuration."""
    body_vector = func.setweight(func.to_tsvector(_configuration_of(language), body), literal_column("'D'"))
    return title_vector_of(language, title).op("||")(body_vector)


@dataclass(frozen=True)
class Resolved:
    """A query's tsqueries as text, per language: what is ``wanted``, what is ``unwanted`` ("" if nothing)."""

    wanted: dict[str, str]
    unwanted: dict[str, str]

    @property
    def is_empty(self) -> bool:
        """True when no language has a word to look for (stop words only)."""
        return not any(self.wanted.values())

    def branches(self) -> list[tuple[tuple[str, ...], str, str]]:
        """(languages, wanted, unwanted) to scan: the languages with the same tsqueries together.

        A language with no word to look for is left out: "le -compost" must not match every French
        recipe without compost.
        """
        grouped: dict[tuple[str, str], list[str]] = {}
        for code, tsquery in self.wanted.items():
            if tsquery:
                grouped.setdefault((tsquery, self.unwanted[code]), []).append(code)
        return [(tuple(codes), *tsqueries) for tsqueries, codes in grouped.items()]


def resolve_statement(queries: Sequence[ParsedQuery]) -> tuple[Select, dict]:
    """One row: for each query, the wanted tsquery of each language, then the unwanted one, as text;
    and the words bound to it (the statement is built once for each shape of queries)."""
    clauses = [clause for parsed in queries for clause in (*parsed.positive, *parsed.excluded)]
    atoms = [atom for clause in clauses for atom in clause.atoms]
    shapes = tuple(_shape_of(parsed) for parsed in queries)
    return _resolve_statement(shapes), {f"atom_{number}": atom.text for number, atom in enumerate(atoms)}


def _shape_of(parsed: ParsedQuery) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The number of atoms of each positive clause, then of each excluded one."""
    return tuple(len(c.atoms) for c in parsed.positive), tuple(len(c.atoms) for c in parsed.excluded)


@functools.lru_cache(maxsize=256)
def _resolve_statement(shapes: tuple) -> Select:
    numbers = itertools.count()

    def clauses(sizes: tuple[int, ...]) -> list[list[int]]:
        return [[next(numbers) for _atom in range(size)] for size in sizes]

    columns = []
    for positive, excluded in shapes:
        wanted, unwanted = clauses(positive), clauses(excluded)
        columns += [_and([_clause(atoms, code) for atoms in wanted]).cast(Text) for code in LANGUAGES]
        if unwanted:
            columns += [_or([_clause(atoms, code) for atoms in unwanted]).cast(Text) for code in LANGUAGES]
        else:
            columns += [literal("") for _code in LANGUAGES]
    return select(*columns)


def resolved(row) -> list[Resolved]:
    """The Resolved of each query of ``resolve_statement``'s row."""
    count = len(LANGUAGES)
    return [
        Resolved(
            dict(zip(LANGUAGES, row[start : start + count], strict=True)),
            dict(zip(LANGUAGES, row[start + count : start + 2 * count], strict=True)),
        )
        for start in range(0, len(row), 2 * count)
    ]


def _and(queries: list):
    return functools.reduce(func.tsquery_and, queries)


def _or(queries: list):
    return functools.reduce(func.tsquery_or, queries)


def _clause(atoms: list[int], language: str):
    """Any of these atoms (bound by number), in a language."""
    config = configuration(language)
    return _or([func.phraseto_tsquery(config, bindparam(f"atom_{number}", type_=Text)) for number in atoms])


def without_positions(tsquery: str) -> str:
    """A tsquery's phrases as plain ANDs of their words: what the GIN index can decide alone.

    ``'jardin' <-> 'partag'`` becomes ``'jardin' & 'partag'``, which every recipe with the phrase
    matches (and some others); the operators inside quoted lexemes are left alone. A tsquery with a
    negation is left as it is: loosening what is negated would leave out recipes that match.
    """
    if "!" in _PHRASE_OPERATOR.sub(lambda match: "" if match.group(1) else match.group(), tsquery):
        return tsquery
    return _PHRASE_OPERATOR.sub(lambda match: match.group(1) or " & ", tsquery)




def first_word_pattern(tsquery: str) -> str | None:
    """A regular expression (PostgreSQL's) whose group is the text before the first word of the
    tsquery, in text lowercased and without accents; None for a tsquery without a word.

    Each lexeme is looked for by its beginning, every character but letters and digits escaped.
    """
    prefixes = set()
    for lexeme in _LEXEME.findall(tsquery):
        lexeme = lexeme.replace("''", "'")
        prefix = lexeme[:-STEM_PREFIX_SLACK] if len(lexeme) > SHORT_STEM else lexeme
        prefixes.add("".join(char if char.isalnum() else f"\\{char}" for char in prefix))
    prefixes.discard("")
    return f"^(.*?)(?:{'|'.join(sorted(prefixes))})" if prefixes else None


def is_phrase(tsquery: str) -> bool:
    return bool(tsquery) and without_positions(tsquery) != tsquery
