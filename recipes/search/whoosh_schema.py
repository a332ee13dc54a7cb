"""The Whoosh index's schema, its analyzers, and how a ParsedQuery becomes a Whoosh query.

Each language has its own title and text fields (``title_fr``, ``body_fr``, ``title_en``,
``body_en``), analysed the same way at indexing and at query time: words are lowercased and
stripped of accents *before* stop words and the stemmer see them, so that a word typed without its
accents is analysed exactly like the accented one (``reseau`` and ``réseau`` both become ``reseau``).
A recipe fills the fields of its own language; a query is compiled once per language and the two
are OR-ed, so each recipe is matched by its own language's stemmer. Titles weigh ``TITLE_BOOST``
times more than the text. The query is built from Term, Phrase, And, Or and AndNot objects only:
no query parser runs, so no wildcard, range, regex or fuzzy expansion can be asked for.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.columns import CompressedBytesColumn, VarBytesColumn
from whoosh.fields import COLUMN, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.lang import stemmer_for_language, stopwords_for_language
from whoosh.query import And, AndNot, Or, Phrase, Query, Term

from ..models import LANGUAGES
from .documents import SearchDocument
from .query import FOLDING, Atom, Clause, ParsedQuery, fold

TITLE_BOOST = 4.0

# Field names.
RECIPE_ID, SLUG, TITLE, BODY, DIGEST = "recipe_id", "slug", "title", "body", "digest"
REGION, REGION_NAME, LANGUAGE, TAGS, TAG_LINES = "region", "region_name", "language", "tags", "tag_lines"
LICENCE = "licence"
ROOT, UPDATED = "root", "updated"


def title_field(language: str) -> str:
    return f"title_{language}"


def body_field(language: str) -> str:
    return f"body_{language}"


# Distinct words whose stems a process remembers (per language): a language's working vocabulary.
STEMS_REMEMBERED = 100_000


class RememberingStemFilter(StemFilter):
    """Whoosh's stemmer, remembering stems in functools' least-recently-used cache (written in C)
    rather than in Whoosh's own (in Python), whose bookkeeping took about a tenth of a rebuild."""

    def __init__(self, lang: str):
        super().__init__(lang=lang, cachesize=STEMS_REMEMBERED)

    def clear(self) -> None:
        self._stem = functools.lru_cache(maxsize=self.cachesize)(stemmer_for_language(self.lang))


def _folding():
    return RegexTokenizer() | LowercaseFilter() | CharsetFilter(FOLDING)


def language_analyzer(language: str):
    """Fold case and accents, drop the language's stop words (folded too), stem by the language."""
    stop_words = frozenset(fold(word) for word in stopwords_for_language(language))
    return _folding() | StopFilter(stoplist=stop_words) | RememberingStemFilter(language)


ANALYZERS = {language: language_analyzer(language) for language in LANGUAGES}


def _schema() -> Schema:
    fields = {
        RECIPE_ID: ID(stored=True, unique=True, sortable=True),
        SLUG: STORED(),
        TITLE: STORED(),
        REGION: ID(stored=True, sortable=True),
        REGION_NAME: STORED(),
        LANGUAGE: ID(stored=True, sortable=True),
        LICENCE: ID(sortable=True),
        # Scorable only because Whoosh, writing a segment, looks on disk for the lengths of an
        # unscorable field once per posting.
        TAGS: KEYWORD(commas=True, scorable=True),  # for filtering
        TAG_LINES: COLUMN(VarBytesColumn()),  # for facets and display: one tag per line
        ROOT: ID(sortable=True),
        UPDATED: NUMERIC(int, bits=64, stored=True, sortable=True),
        DIGEST: COLUMN(VarBytesColumn()),
        BODY: COLUMN(CompressedBytesColumn()),  # plain text for snippets, read for shown hits only
    }
    for language, analyzer in ANALYZERS.items():
        fields[title_field(language)] = TEXT(analyzer=analyzer, field_boost=TITLE_BOOST)
        # Characters: where each word is in the text, for snippets without analysing the text again.
        fields[body_field(language)] = TEXT(analyzer=analyzer, chars=True)
    return Schema(**fields)


SCHEMA = _schema()


def document_fields(doc: SearchDocument) -> dict:
    """The Whoosh fields of a search document.

    Every column field gets a value, "" when there is none: Whoosh's columns misread the values of
    documents that lack one (a segment ending with such documents fails outright).
    """
    return {
        RECIPE_ID: str(doc.recipe_id),
        SLUG: doc.slug,
        TITLE: doc.title,
        REGION: doc.region_slug or "",
        REGION_NAME: doc.region_name or "",
        LANGUAGE: doc.language,
        LICENCE: doc.licence,
        TAGS: ",".join(doc.tags),
        TAG_LINES: "\n".join(doc.tags).encode(),
        ROOT: str(doc.root_id),
        UPDATED: int(doc.updated_at.timestamp() * 1_000_000),
        DIGEST: doc.digest.encode(),
        BODY: doc.body.encode(),
        title_field(doc.language): doc.title,
        body_field(doc.language): doc.body,
    }


@dataclass(frozen=True)
class CompiledQuery:
    """A Whoosh query, and per language the analysed words it looks for (to highlight them)."""

    query: Query
    terms: dict[str, frozenset[str]]


def compile_query(parsed: ParsedQuery) -> CompiledQuery | None:
    """The Whoosh query of a parsed query; None when it can match nothing (no word left)."""
    queries, terms = [], {}
    for language in LANGUAGES:
        compiled = _language_query(parsed, language)
        if compiled is not None:
            queries.append(compiled[0])
            terms[language] = compiled[1]
    if not queries:
        return None
    return CompiledQuery(queries[0] if len(queries) == 1 else Or(queries), terms)


def _language_query(parsed: ParsedQuery, language: str) -> tuple[Query, frozenset[str]] | None:
    """The query on one language's fields; a word that is a stop word there is left out."""
    positives = [q for clause in parsed.positive if (q := _clause(clause, language)) is not None]
    if not positives:
        return None
    query = And(positives) if len(positives) > 1 else positives[0]
    excluded = [q for clause in parsed.excluded if (q := _clause(clause, language)) is not None]
    if excluded:
        query = AndNot(query, Or(excluded))
    atoms = [atom for clause in parsed.positive for atom in clause.atoms]
    return query, frozenset(token for atom in atoms for token in _tokens(atom, language))


def _clause(clause: Clause, language: str) -> Query | None:
    alternatives = [q for atom in clause.atoms if (q := _atom(atom, language)) is not None]
    if not alternatives:
        return None
    return alternatives[0] if len(alternatives) == 1 else Or(alternatives)


def _tokens(atom: Atom, language: str) -> list[str]:
    return [token.text for token in ANALYZERS[language](atom.text, mode="query")]


def _atom(atom: Atom, language: str) -> Query | None:
    tokens = _tokens(atom, language)
    if not tokens:
        return None
    fields = (title_field(language), body_field(language))
    if len(tokens) == 1:
        return Or([Term(name, tokens[0]) for name in fields])
    return Or([Phrase(name, tokens) for name in fields])
