"""Hostile Markdown: texts built to make the renderer slow are refused or rendered quickly.

The figures of the attack that prompted these limits: ``"*_" * 250000`` (500 KB, the largest body
accepted) took mistune about 10 s on a busy machine against 0.6 s for 500 KB of prose, and the save
held the database's write lock meanwhile.
"""

from __future__ import annotations

import pytest

from recipes.community import accounts
from recipes.errors import TooLarge
from recipes.history import editing
from recipes.validation import MAX_BODY_LENGTH
from wiki.markdown import (
    MAX_EMPHASIS_DELIMITERS,
    MAX_INLINE_SYNTAX_CHARACTERS,
    MAX_LINES,
    MAX_LINK_BRACKETS,
    check_render_cost,
    render_markdown,
)

# Each at the largest size a body may have; those over a limit must be refused, the others rendered.
HOSTILE_TEXTS = {
    "alternating emphasis": "*_" * (MAX_BODY_LENGTH // 2),
    "emphasis without words": "*a_" * (MAX_BODY_LENGTH // 3),
    "strikethrough openers": "~~a" * (MAX_BODY_LENGTH // 3),
    "link openers": "[" * MAX_BODY_LENGTH,
    "wiki link openers": "[[" * (MAX_BODY_LENGTH // 2),
    "image openers": "![" * (MAX_BODY_LENGTH // 2),
    "footnote openers": "[^" * (MAX_BODY_LENGTH // 2),
    "unclosed links": "[a](b" * (MAX_BODY_LENGTH // 5),
    "one-word list items": "- a\n" * (MAX_BODY_LENGTH // 4),
    "definitions": "a\n: b\n" * (MAX_BODY_LENGTH // 6),
    "empty lines": "\n" * MAX_BODY_LENGTH,
    "unclosed tags": "<" * MAX_BODY_LENGTH,
    "entities": "&#" * (MAX_BODY_LENGTH // 2),
    "backticks": "`" * MAX_BODY_LENGTH,
}
# Hostile but cheap enough: rendered (bench/bench_hostile.py shows how long each takes).
CHEAP_HOSTILE_TEXTS = {
    "nested quotes": ">" * MAX_BODY_LENGTH,
    "nested lists": "".join("  " * depth + "- a\n" for depth in range(700)),
    "lines at the limit": "- a\n" * (MAX_LINES - 1),
    "unclosed tags at the limit": "<" * MAX_INLINE_SYNTAX_CHARACTERS,
    "stars in one run": "*" * MAX_BODY_LENGTH,
    "emphasis at the limit": "*_" * (MAX_EMPHASIS_DELIMITERS // 2),
    "brackets at the limit": "[" * MAX_LINK_BRACKETS,
}


@pytest.mark.parametrize("name", HOSTILE_TEXTS)
def test_a_text_too_costly_to_render_is_refused_as_too_large(name):
    with pytest.raises(TooLarge) as refused:
        render_markdown(HOSTILE_TEXTS[name])
    assert "at most" in refused.value.message


@pytest.mark.parametrize("name", CHEAP_HOSTILE_TEXTS)
def test_hostile_texts_within_the_limits_are_rendered_not_refused(name):
    assert render_markdown(CHEAP_HOSTILE_TEXTS[name])


def test_the_limits_leave_room_for_a_long_recipe_full_of_markup():
    paragraph = "Mélangez **la farine** et _l'eau_, voir [[Levain]] et [la fiche](https://example.org). "
    text = (paragraph * 10 + "\n\n") * 500  # 450 KB, 1 000 lines: 20 000 emphasis marks, 15 000 brackets
    check_render_cost(text)
    assert "<strong>la farine</strong>" in render_markdown(text)


def test_the_refusal_names_the_count_and_the_limit():
    with pytest.raises(TooLarge) as refused:
        check_render_cost("_ " * (MAX_EMPHASIS_DELIMITERS + 1))
    assert refused.value.values == {"count": MAX_EMPHASIS_DELIMITERS + 1, "limit": MAX_EMPHASIS_DELIMITERS}


def test_a_save_renders_its_text_before_taking_the_write_lock(session, monkeypatch):
    # Rendering under the lock let one hostile text stall every other save for seconds.
    author = accounts.create_user(session, "camille", "password123", role="editor")
    events: list[str] = []
    real_transaction = editing.write_transaction

    def spied_transaction(session):
        events.append("lock")
        return real_transaction(session)

    def spied_render(text: str) -> str:
        events.append("render")
        return render_markdown(text)

    monkeypatch.setattr(editing, "write_transaction", spied_transaction)
    outcome = editing.create_recipe(session, author=author, title="Pain", body="Un.\n", render=spied_render)
    editing.save_edit(
        session, outcome.recipe.slug, author=author, body="Deux.\n", base_revision=1, render=spied_render
    )
    assert events == ["render", "lock", "render", "lock"]


def test_a_hostile_save_is_refused_before_anything_is_locked_or_saved(session):
    author = accounts.create_user(session, "camille", "password123", role="editor")
    outcome = editing.create_recipe(
        session, author=author, title="Pain", body="Un.\n", render=render_markdown
    )
    with pytest.raises(TooLarge):
        editing.save_edit(
            session,
            "pain",
            author=author,
            body=HOSTILE_TEXTS["alternating emphasis"],
            base_revision=1,
            render=render_markdown,
        )
    session.refresh(outcome.recipe)
    assert outcome.recipe.head_number == 1
