"""``levain search rebuild|check``: the search index from the command line."""

from __future__ import annotations

import time

import click
from flask.cli import with_appcontext

from recipes.errors import LevainError
from recipes.search import check_index, count_documents

from ..db import get_session
from ..search import get_index

search_group = click.Group("search", help="Rebuild or check the search index.")


@search_group.command("rebuild")
@with_appcontext
def rebuild_command() -> None:
    """Rebuild the search index from the database and swap it in."""
    session, index = get_session(), get_index()
    started = time.perf_counter()
    with click.progressbar(length=count_documents(session), label="Indexing recipes") as bar:
        try:
            count = index.rebuild(session, progress=bar.update)
        except LevainError as error:
            raise click.ClickException(error.message) from error
    elapsed = time.perf_counter() - started
    click.echo(f"Indexed {count} recipes in {elapsed:.1f} s ({count / max(elapsed, 1e-6):.0f} recipes/s).")


@search_group.command("check")
@with_appcontext
def check_command() -> None:
    """Report where the search index and the database disagree (exit status 1 if they do)."""
    report = check_index(get_session(), get_index())
    for line in report.lines():
        click.echo(line)
    if not report.clean:
        click.echo("The search index has drifted from the database: run `levain search rebuild`.", err=True)
        raise SystemExit(1)
    click.echo("The search index agrees with the database.")


COMMANDS = (search_group,)
