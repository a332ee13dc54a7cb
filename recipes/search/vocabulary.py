"""The vocabulary "did you mean" picks from: the words (folded) of every recipe readers may find.

It lives in the database (``search_words``), whichever backend searches: the index writer adds the
words of the documents it writes, a rebuild starts it again. Words are only added between rebuilds,
so a correction is offered only once a search for it has been seen to find something.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from sqlalchemy import delete, func, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from .documents import SearchDocument
from .models import SearchWord
from .query import vocabulary_words

INSERT_BATCH = 1_000
# A correction is a known word of about the same length, close enough by difflib's ratio.
LENGTH_SLACK = 2
MIN_SIMILARITY = 0.75


def words_of(documents: Iterable[SearchDocument]) -> set[str]:
    return set().union(*(vocabulary_words(f"{doc.title}\n{doc.body}") for doc in documents))


def remember(session: Session, words: set[str]) -> None:
    """Add these words (in the caller's transaction); those already known are left as they are."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    ordered = sorted(words)
    for start in range(0, len(ordered), INSERT_BATCH):
        rows = [{"word": word} for word in ordered[start : start + INSERT_BATCH]]
        session.execute(insert(SearchWord).on_conflict_do_nothing(), rows)


def forget_all(session: Session) -> None:
    session.execute(delete(SearchWord))


def known_words(session: Session, words: set[str]) -> set[str]:
    return set(session.scalars(select(SearchWord.word).where(SearchWord.word.in_(words))))


def correction(session: Session, word: str) -> str | None:
    """The known word closest to an unknown one.

    Candidates share its first letter (typos rarely hit it) and its second or its last (one typo
    does not change both): comparing a word with every known word of its length takes tens of
    milliseconds in a large vocabulary, and these few letters leave a tenth of them. The first
    letter is also asked as a range of words, which the primary key's index reads alone.
    """
    length = func.length(SearchWord.word)

    def letter(position) -> object:
        return func.substr(SearchWord.word, position, 1)

    candidates = session.scalars(
        select(SearchWord.word).where(
            SearchWord.word >= word[0],
            SearchWord.word < chr(ord(word[0]) + 1),
            letter(1) == word[0],
            or_(letter(2) == word[1:2], letter(length) == word[-1]),
            length.between(len(word) - LENGTH_SLACK, len(word) + LENGTH_SLACK),
        )
    ).all()
    close = difflib.get_close_matches(word, candidates, n=1, cutoff=MIN_SIMILARITY)
    return close[0] if close else None
