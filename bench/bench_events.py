"""The GeoJSON of 10,000 events: ``GET /api/v1/events.geojson`` through the test client.

10,000 events with points, spread over France, on one recipe and its 20 variants, are inserted in
bulk; the whole collection is then asked for 20 times after a warm-up (every event, no filter),
and once more narrowed by a box around Brittany. The figure is the median and p95 of the full answers'
wall time, and the median CPU time this process spent on each (the database is SQLite, in-process):
on a busy machine the wall time waits for a core, the CPU time does not.
"""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select

from bench.common import Row, demo_text, make_authors, median, ms, scratch, spread, timed_get, verdict
from recipes.community.regions import create_region
from recipes.history.editing import create_recipe
from recipes.lineage.forks import fork_recipe
from recipes.models import Event, Recipe
from wiki.markdown import render_markdown

EVENTS = 10_000
VARIANTS = 20
RUNS = 20
GOAL_MS = 100


def _fill(session, rng: random.Random) -> None:
    author = make_authors(session)[0]
    origin = create_recipe(
        session, author=author, title="Copy party", body=demo_text(), render=render_markdown
    ).recipe
    for n in range(VARIANTS):
        create_region(session, f"Région {n}")
        fork_recipe(session, origin.slug, author=author, region=f"region-{n}", render=render_markdown)
    recipes = list(session.execute(select(Recipe.id, Recipe.head_revision_id)))
    start = datetime(2026, 1, 1, tzinfo=UTC)
    rows = []
    for n in range(EVENTS):
        recipe_id, revision_id = rng.choice(recipes)
        rows.append(
            {
                "recipe_id": recipe_id,
                "revision_id": revision_id,
                "author_id": author.id,
                "title": f"Copy party n°{n}",
                "starts_at": start + timedelta(hours=n),
                "all_day": n % 2 == 0,
                "place": f"Ville {n % 900}",
                "latitude": rng.uniform(42.5, 51),
                "longitude": rng.uniform(-4.8, 8),
                "report": "",
                "report_html": "",
                "status": "approved",
                "created_at": start,
                "updated_at": start,
            }
        )
    session.execute(insert(Event), rows)
    session.commit()


def main() -> list[Row]:
    rng = random.Random(15)
    with scratch() as bench:
        with bench.session() as session:
            _fill(session, rng)
        client = bench.app().test_client()
        address = "/api/v1/events.geojson"
        _, response = timed_get(client, address)  # warm-up: statement caches, first connection
        if len(response.get_json()["features"]) != EVENTS:
            raise AssertionError("the GeoJSON does not hold every event")
        durations, cpu = [], []
        for _ in range(RUNS):
            cpu_start = time.process_time()
            durations.append(timed_get(client, address)[0])
            cpu.append(time.process_time() - cpu_start)
        boxed = [timed_get(client, f"{address}?bbox=-5,47,-1,49")[0] for _ in range(RUNS)]
    met = median(durations) * 1000 < GOAL_MS
    return [
        (
            f"GeoJSON of {EVENTS:,} events (/api/v1/events.geojson)",
            f"{spread(durations)}, CPU {ms(median(cpu))}",
            verdict(f"< {GOAL_MS} ms", met),
        ),
        ("the same, narrowed to a box (Brittany)", spread(boxed), "—"),
    ]


if __name__ == "__main__":
    from bench.common import markdown_table

    print(markdown_table(main()))
