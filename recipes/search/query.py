"""What a reader typed, cleaned into a small query that no backend can be tricked into expanding.

Readers get four operators and nothing else: words (all must match), ``"a phrase"``, ``-word`` or
``-"a phrase"`` to exclude, and ``OR`` between two words or phrases. Everything else a query
language could do — wildcards, regular expressions, ranges, fuzzy or boosted terms, fields, nesting
in parentheses — is not parsed at all: those characters are dropped, and field or range syntax is
refused with a sentence. Both backends compile this same small tree, so they agree on what a query
means, and the cost of a query is bounded by its length and its number of words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from whoosh.support.charset import accent_map

from ..errors import Invalid

MAX_QUERY_LENGTH = 500
MAX_QUERY_WORDS = 32
MIN_VOCABULARY_LENGTH = 3

# A quoted phrase (the closing quote may be missing), or a run of anything but spaces and quotes.
_CHUNK = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD = re.compile(r"\w+")
# Characters kept inside a word: letters, digits, and the apostrophes, hyphens and dots that join words.
_NOT_WORD_CHARS = re.compile(r"[^\w'’.\-]+")
_FIELD_SYNTAX = re.compile(r"(?:^|\s)-?[^\W\d]\w*:[^\s:/]")
_RANGE_SYNTAX = re.compile(r"[\[{][^\]}]*\bTO\b[^\]}]*[\]}]")
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")
# Whoosh's accent map, with the ligatures of French and German spelt out as PostgreSQL's unaccent does.
FOLDING = {**accent_map, **str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss"})}
_QUOTES = str.maketrans({"“": '"', "”": '"', "«": '"', "»": '"'})


@dataclass(frozen=True)
class Atom:
    """A word (``aujourd'hui`` counts as one) or a quoted phrase, as its cleaned text."""

    text: str
    phrase: bool = False

    @property
    def words(self) -> list[str]:
        return _WORD.findall(self.text)

    def as_text(self) -> str:
        return f'"{self.text}"' if self.phrase else self.text


@dataclass(frozen=True)
class Clause:
    """Atoms of which at least one must match (one atom unless joined by OR); or, excluded, none."""

    atoms: tuple[Atom, ...]
    excluded: bool = False

    def as_text(self) -> str:
        text = " OR ".join(atom.as_text() for atom in self.atoms)
        return f"-{text}" if self.excluded else text


@dataclass(frozen=True)
class ParsedQuery:
    """Clauses that must all hold: the positive ones match, the excluded ones do not."""

    clauses: tuple[Clause, ...] = ()

    @property
    def positive(self) -> tuple[Clause, ...]:
        return tuple(clause for clause in self.clauses if not clause.excluded)

    @property
    def excluded(self) -> tuple[Clause, ...]:
        return tuple(clause for clause in self.clauses if clause.excluded)

    @property
    def is_empty(self) -> bool:
        """True when nothing is asked for: no positive word, so nothing can match."""
        return not self.positive

    def as_text(self) -> str:
        return " ".join(clause.as_text() for clause in self.clauses)

    def relaxed(self) -> ParsedQuery | None:
        """The query asking for any of its words instead of all; None when that changes nothing."""
        if len(self.positive) < 2:
            return None
        atoms = tuple(atom for clause in self.positive for atom in clause.atoms)
        return ParsedQuery((Clause(atoms),) + self.excluded)

    def positive_words(self) -> list[str]:
        return [word for clause in self.positive for atom in clause.atoms for word in atom.words]

    def with_words_replaced(self, replacements: dict[str, str]) -> ParsedQuery:
        """The query with some words (folded, as ``fold`` gives them) spelt differently."""

        def fix(atom: Atom) -> Atom:
            text = _WORD.sub(lambda match: replacements.get(fold(match.group()), match.group()), atom.text)
            return replace(atom, text=text)

        clauses = (replace(clause, atoms=tuple(map(fix, clause.atoms))) for clause in self.clauses)
        return ParsedQuery(tuple(clauses))


def fold(word: str) -> str:
    """A word lowercased and without accents, as the vocabulary keeps it: ``Réseau`` -> ``reseau``."""
    return word.lower().translate(FOLDING)


def vocabulary_words(text: str) -> set[str]:
    """The folded words of a text that "did you mean" may propose (not digits, not tiny words)."""
    words = set(_WORD.findall(fold(text)))  # one fold of the whole text: far faster than word by word
    return {word for word in words if MIN_VOCABULARY_LENGTH <= len(word) <= 40 and word.isalpha()}


def parse_query(text: object) -> ParsedQuery:
    """Clean what a reader typed into a ParsedQuery; Invalid for input no search should run."""
    if text is None:
        return ParsedQuery()
    if not isinstance(text, str):
        raise Invalid("A search is a piece of text.")
    if len(text) > MAX_QUERY_LENGTH:
        raise Invalid("A search has at most {most} characters.", values={"most": MAX_QUERY_LENGTH})
    text = _CONTROL_CHARS.sub(" ", text).translate(_QUOTES)
    if _FIELD_SYNTAX.search(text):
        raise Invalid("Searching a field (name:word) is not supported: type just the words you look for.")
    if _RANGE_SYNTAX.search(text):
        raise Invalid("Range searches ([a TO b]) are not supported: type just the words you look for.")
    clauses = _clauses(_tokens(text))
    if sum(len(atom.words) for clause in clauses for atom in clause.atoms) > MAX_QUERY_WORDS:
        raise Invalid("A search has at most {most} words.", values={"most": MAX_QUERY_WORDS})
    return ParsedQuery(tuple(clauses))


def _tokens(text: str) -> list[tuple[str, Atom | None]]:
    """The query as ("atom", Atom), ("not", Atom) and ("or", None) tokens, in order."""
    tokens: list[tuple[str, Atom | None]] = []
    for match in _CHUNK.finditer(text):
        minus, quoted, bare = match.groups()
        if bare == "OR":
            tokens.append(("or", None))
            continue
        if quoted is not None:
            atom, excluded = _atom(quoted, phrase=True), bool(minus)
        else:
            excluded = bare.startswith("-") and len(bare) > 1
            atom = _atom(bare[1:] if excluded else bare, phrase=False)
        if atom is not None:
            tokens.append(("not" if excluded else "atom", atom))
    return tokens


def _atom(raw: str, *, phrase: bool) -> Atom | None:
    """An atom of the words in ``raw``, or None when it has none (``*``, ``((((``, ``?*?*``)."""
    cleaned = " ".join(_NOT_WORD_CHARS.sub(" ", raw).split())
    cleaned = cleaned.strip("'’.-")
    if not _WORD.search(cleaned):
        return None
    return Atom(cleaned, phrase=phrase or len(_WORD.findall(cleaned)) > 1)


def _clauses(tokens: list[tuple[str, Atom | None]]) -> list[Clause]:
    """Group the tokens: ``OR`` joins the atoms on either side into one clause."""
    clauses: list[Clause] = []
    joining = False
    for kind, atom in tokens:
        if kind == "or":
            joining = bool(clauses) and not clauses[-1].excluded
        elif kind == "not":
            clauses.append(Clause((atom,), excluded=True))
            joining = False
        elif joining:
            clauses[-1] = Clause(clauses[-1].atoms + (atom,))
            joining = False
        else:
            clauses.append(Clause((atom,)))
    return clauses
