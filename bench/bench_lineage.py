"""Lineage queries on a family of 1,000 variants, 10 levels deep: ancestors and descendants in < 15 ms.

The family is made through ``fork_recipe`` (one transaction per fork, as people make them): an origin,
then ten levels of 100 variants, each forked from a variant of the level above (some have several
forks, some none), a few of them edited so that behind/ahead counts are not all zero. ``lineage()``
reads the recipe, its ancestors (one recursive CTE) and the tree of its descendants (another), with
region, last change, base, behind and ahead for each.
"""

from __future__ import annotations

import time

from sqlalchemy import text

from bench.common import (
    Row,
    Scratch,
    backends,
    guarded,
    make_authors,
    median,
    ms,
    scratch,
    spread,
    timed,
    verdict,
)
from recipes.community.regions import create_region
from recipes.history.editing import create_recipe, save_edit
from recipes.lineage.forks import fork_recipe
from recipes.lineage.tree import lineage, upstream_status

LEVELS = 10
PER_LEVEL = 100
REPETITIONS = 50
GOAL_SECONDS = 0.015
TEXT = "# Copy party\n\nOn copie des logiciels libres.\n\nLicence CC BY-SA 4.0.\n"


def _render(text: str) -> str:
    # Every fork shares its parent's blob, so the renderer runs for the few edits only.
    return f"<pre>{text}</pre>"


def main() -> list[Row]:
    rows: list[Row] = []
    for backend in backends():
        rows += guarded(
            f"lineage, {LEVELS * PER_LEVEL:,} variants {LEVELS} deep ({backend})", _measure, backend
        )
    return rows


def _measure(backend: str) -> list[Row]:
    with scratch(backend) as bench:
        built_in, levels = _build(bench)
        family = f"{LEVELS * PER_LEVEL:,} variants {LEVELS} deep, forked in {built_in:.0f} s, {backend}"
        targets = {
            "origin: 0 ancestors + 1,000 descendants": levels[0][0],
            "level 5: 5 ancestors + its subtree": levels[5][0],
            "leaf: 10 ancestors + 0 descendants": levels[LEVELS][-1],
        }
        rows = []
        for what, slug in targets.items():
            timings = _timings(bench, lambda session, slug=slug: lineage(session, slug))
            rows.append((f"lineage ({what}; {family})", spread(timings), _goal(timings)))
        leaf = levels[LEVELS][-1]
        timings = _timings(bench, lambda session: upstream_status(session, leaf))
        rows.append((f"upstream status: base, behind, ahead ({family})", spread(timings), _goal(timings)))
    return rows


def _goal(timings: list[float]) -> str:
    return verdict(f"< {ms(GOAL_SECONDS)} (median)", median(timings) < GOAL_SECONDS)


def _timings(bench: Scratch, query) -> list[float]:
    with bench.session() as session:
        query(session)  # warm the caches, as a running server has them
        return [timed(_fresh, session, query) for _ in range(REPETITIONS)]


def _fresh(session, query) -> None:
    session.expunge_all()  # each repetition reads from the database, not from the identity map
    query(session)
    session.rollback()


def _build(bench: Scratch) -> tuple[float, list[list[str]]]:
    """Fork the family; return how long it took and the slugs of each level (level 0: the origin)."""
    start = time.perf_counter()
    with bench.session() as session:
        [author] = make_authors(session)
        for level in range(1, LEVELS + 1):
            create_region(session, f"Région {level}")
        origin = create_recipe(session, author=author, title="Copy party", body=TEXT, render=_render)
        levels = [[origin.recipe.slug]]
        for level in range(1, LEVELS + 1):
            above = levels[-1]
            # Squares modulo 100 take 22 values: a few variants are forked often, most never.
            parents = [above[(index * index) % len(above)] for index in range(PER_LEVEL)]
            levels.append([_fork(session, author, parent, level, i) for i, parent in enumerate(parents)])
        # Table statistics, as autovacuum keeps them on a live database (PostgreSQL plans by them).
        session.execute(text("ANALYZE"))
        session.commit()
    return time.perf_counter() - start, levels


def _fork(session, author, parent: str, level: int, index: int) -> str:
    slug = f"copy-party-{level}-{index}"
    fork_recipe(session, parent, author=author, region=f"region-{level}", render=_render, new_slug=slug)
    if index % 10 == 0:
        body = TEXT + f"Adapté au niveau {level}, variante {index}.\n"
        save_edit(session, slug, author=author, body=body, base_revision=1, render=_render)
    return slug
