"""A plain save of a 480 KB recipe (near the 500,000-character limit) takes well under a second.

The text is the diff benchmark's generated Markdown, repeated to 480 KB. One editor saves small
edits of it (a word replaced, see ``common.small_edit``), each on the head: through
``recipes.history.editing.save_edit`` with the real Markdown renderer, and through the API
(``PUT /api/v1/recipes/{slug}`` with a bearer token) with Flask's test client.
"""

from __future__ import annotations

import random

from bench.bench_diff import generated_text
from bench.common import (
    Row,
    backends,
    guarded,
    make_authors,
    median,
    ms,
    scratch,
    small_edit,
    spread,
    timed,
    verdict,
)
from recipes.community.accounts import create_user, issue_token
from recipes.history.editing import create_recipe, save_edit
from recipes.queries import get_recipe, revision_content
from wiki.markdown import render_markdown

SIZE = 480_000
SAVES = 5
GOAL_SECONDS = 1.0
BACKEND_NAMES = {"sqlite": "SQLite", "postgres": "PostgreSQL"}


def main() -> list[Row]:
    rows: list[Row] = []
    for backend in backends():
        name = BACKEND_NAMES[backend]
        rows += guarded(f"plain save of a 480 KB recipe ({name})", _measure, backend, name)
    return rows


def large_text() -> str:
    """About ``SIZE`` characters of generated recipe Markdown, cut at a paragraph."""
    text, seed = "", 1
    while len(text) < SIZE:
        text += generated_text(seed=seed)
        seed += 1
    return text[: text.rindex("\n\n", 0, SIZE)] + "\n"


def _measure(backend: str, name: str) -> list[Row]:
    rng = random.Random(1)
    with scratch(backend) as bench:
        with bench.session() as session:
            author = make_authors(session)[0]
            create_user(session, "api-editor", "bench password, never used to log in", role="editor")
            token = issue_token(session, "api-editor")
            slug = create_recipe(
                session, author=author, title="Grand livre", body=large_text(), render=render_markdown
            ).recipe.slug
        domain = [_domain_save(bench, slug, rng) for _ in range(SAVES)]
        client = bench.app().test_client()
        headers = {"Authorization": f"Bearer {token}"}
        api = [_api_save(client, headers, slug, rng) for _ in range(SAVES)]
    goal = f"< {ms(GOAL_SECONDS)}"
    return [
        (
            f"save_edit of a 480 KB recipe, a word changed ({name})",
            spread(domain),
            verdict(goal, median(domain) < GOAL_SECONDS),
        ),
        (
            f"API PUT of a 480 KB recipe, a word changed ({name})",
            spread(api),
            verdict(goal, median(api) < GOAL_SECONDS),
        ),
    ]


def _domain_save(bench, slug: str, rng: random.Random) -> float:
    with bench.session() as session:
        recipe = get_recipe(session, slug)
        head = recipe.head_revision
        text = small_edit(revision_content(session, head).text, rng)
        return timed(
            save_edit,
            session,
            slug,
            author=head.author,
            body=text,
            base_revision=head.number,
            render=render_markdown,
        )


def _api_save(client, headers: dict, slug: str, rng: random.Random) -> float:
    recipe = client.get(f"/api/v1/recipes/{slug}", headers=headers).get_json()
    edit = {"body": small_edit(recipe["body"], rng), "base_revision": recipe["head_revision"]}
    return timed(_put, client, f"/api/v1/recipes/{slug}", headers, edit)


def _put(client, address: str, headers: dict, edit: dict) -> None:
    response = client.put(address, json=edit, headers=headers)
    if response.status_code != 200:
        raise AssertionError(f"PUT {address} answered {response.status_code}: {response.get_data()[:200]!r}")
