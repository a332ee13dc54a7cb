"""What history costs on disk: 300 revisions of small edits of a 5 KB recipe, against their raw text.

The recipe is the demo's longest (about 5 KB of Markdown); it is created, then edited 299 times through
``recipes.history.editing.save_edit`` with the real renderer, one small edit each. The stored cost is every
compressed byte of the recipe's blobs, text and HTML (``recipes.blobs.stored_size``); the raw size is
the sum of the UTF-8 sizes of the 300 revisions' texts.
"""

from __future__ import annotations

import random

from sqlalchemy import select

from bench.common import Row, demo_text, make_authors, scratch, small_edit, verdict
from recipes.blobs import stored_size
from recipes.history.editing import create_recipe, save_edit
from recipes.models import Revision
from wiki.markdown import render_markdown

REVISIONS = 300
GOAL_FRACTION = 0.07


def main() -> list[Row]:
    rng = random.Random(11)
    texts = [demo_text()]
    with scratch() as bench, bench.session() as session:
        author = make_authors(session)[0]
        recipe = create_recipe(
            session, author=author, title="Copy party", body=texts[0], render=render_markdown
        ).recipe
        while len(texts) < REVISIONS:
            texts.append(small_edit(texts[-1], rng))
            save_edit(
                session, recipe.slug, author=author, body=texts[-1], base_revision=len(texts) - 1,
                render=render_markdown, summary="Petite correction",
            )
        blobs = list(session.scalars(select(Revision.blob_id).where(Revision.recipe_id == recipe.id)))
        stored = stored_size(session, blobs)
    raw = sum(len(text.encode("utf-8")) for text in texts)
    fraction = stored / raw
    figure = (
        f"{fraction:.1%} ({stored:,} bytes stored, text and HTML, for {raw:,} bytes of raw text; "
        f"{len(set(blobs))} blobs)"
    )
    size = len(texts[0].encode("utf-8")) / 1000
    measure = f"storage of {REVISIONS} revisions of small edits of a {size:.0f} KB recipe"
    return [(measure, figure, verdict(f"< {GOAL_FRACTION:.0%} of the raw text", fraction < GOAL_FRACTION))]
