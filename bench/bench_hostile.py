"""Hostile texts: how long the slowest text the renderer accepts takes, and whether it stalls others' saves.

The texts are built to be slow for mistune within the limits of ``wiki.markdown`` (up to 500 KB). The
second measure saves the slowest of them through the API in one thread while, 0.2 s later, another
account saves 9 bytes on another recipe in a second thread (SQLite, one process): before rendering
moved out of the write transaction the small save waited for the whole render.
"""

from __future__ import annotations

import threading
import time

from bench.common import Row, guarded, ms, scratch, verdict
from recipes.community.accounts import create_user, issue_token
from recipes.validation import MAX_BODY_LENGTH
from wiki.markdown import (
    MAX_EMPHASIS_DELIMITERS,
    MAX_INLINE_SYNTAX_CHARACTERS,
    MAX_LINES,
    MAX_LINK_BRACKETS,
    render_markdown,
)

ACCEPTED_HOSTILE_TEXTS = {
    "unclosed tags at the limit": "<" * MAX_INLINE_SYNTAX_CHARACTERS + "a" * (MAX_BODY_LENGTH // 2),
    "nested quotes": ">" * MAX_BODY_LENGTH,
    "definitions at the line limit": "a\n: b\n" * (MAX_LINES // 2 - 1),
    "list items at the line limit": "- a\n" * (MAX_LINES - 1),
    "emphasis at the limit": "*_" * (MAX_EMPHASIS_DELIMITERS // 2) + "a" * (MAX_BODY_LENGTH // 2),
    "brackets at the limit": "[" * MAX_LINK_BRACKETS + "a" * (MAX_BODY_LENGTH // 2),
}
PROSE = ("Pétrir la pâte, la laisser reposer, façonner. " * 10 + "\n\n") * 1_000
SMALL_SAVE_DELAY = 0.2


def main() -> list[Row]:
    return guarded("slowest accepted hostile text", _render_times) + guarded(
        "a 9-byte save while a slow text saves", _stall
    )


def _seconds(text: str) -> float:
    start = time.perf_counter()
    render_markdown(text)
    return time.perf_counter() - start


def _render_times() -> list[Row]:
    times = {name: _seconds(text) for name, text in ACCEPTED_HOSTILE_TEXTS.items()}
    slowest = max(times, key=times.get)
    prose = _seconds(PROSE[:MAX_BODY_LENGTH])
    figure = f"{ms(times[slowest])} ({slowest}; 500 KB of prose: {ms(prose)})"
    return [
        ("render time of the slowest accepted hostile text", figure, verdict("< 3 s", times[slowest] < 3))
    ]


def _stall() -> list[Row]:
    with scratch("sqlite") as bench:
        with bench.session() as session:
            for name in ("attacker", "baker"):
                create_user(session, name, "bench password, never used", role="editor")
            tokens = {name: issue_token(session, name) for name in ("attacker", "baker")}
        app = bench.app()
        client = app.test_client()
        for name, title in (("attacker", "Cible"), ("baker", "Pain")):
            client.post(
                "/api/v1/recipes", json={"title": title, "body": "x\n"}, headers=_bearer(tokens[name])
            )
        slow_text = max(ACCEPTED_HOSTILE_TEXTS.values(), key=_seconds)
        took: dict[str, float] = {}
        threads = [
            threading.Thread(
                target=_save, args=(app, tokens["attacker"], "cible", slow_text, 0, took, "slow")
            ),
            threading.Thread(
                target=_save,
                args=(app, tokens["baker"], "pain", "Farine.\n\n", SMALL_SAVE_DELAY, took, "small"),
            ),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    figure = f"{ms(took['small'])} while the slow save took {ms(took['slow'])} (two threads share one CPU)"
    return [
        (
            "another account's 9-byte save during a slow save",
            figure,
            verdict("< ½ of it", took["small"] < took["slow"] / 2),
        )
    ]


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _save(app, token: str, slug: str, body: str, delay: float, took: dict[str, float], key: str) -> None:
    time.sleep(delay)
    start = time.perf_counter()
    answer = app.test_client().put(
        f"/api/v1/recipes/{slug}",
        json={"body": body, "base_revision": 1, "summary": "bench"},
        headers=_bearer(token),
    )
    took[key] = time.perf_counter() - start
    if answer.status_code != 200:
        raise AssertionError(f"the save of {slug} answered {answer.status_code}")
