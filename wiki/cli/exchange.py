"""``levain export FILE``, ``levain import FILE``, ``levain backup FILE``: the whole wiki as one file.

FILE may be ``-`` for standard output or input. Progress bars go to stderr, and only on a terminal,
so that a script's output stays clean. The export is written beside FILE and renamed into place at
the end: a failed export never leaves a half-written file under FILE.

The exchange is imported by each command, not with this module: every app adds these commands to its
CLI, and a process serving pages would otherwise hold the export, import and MediaWiki code for nothing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

import click
from flask import current_app
from flask.cli import with_appcontext

from recipes.errors import LevainError

from ..db import get_session
from ..markdown import render_markdown
from ..search import get_index
from .common import progress_bar, run_domain_action


@contextmanager
def written_in_place(path: str) -> Iterator[TextIO]:
    """A text file that becomes ``path`` only once complete (``-``: standard output)."""
    if path == "-":
        yield click.open_file("-", "w", encoding="utf-8")
        return
    target = Path(path)
    partial = target.with_name(f".{target.name}.partial")
    try:
        with partial.open("w", encoding="utf-8", newline="\n") as out:
            yield out
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


@click.command("export")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, allow_dash=True))
@click.option(
    "--with-passwords",
    is_flag=True,
    help="Also write the password hashes (never API tokens; keep the file safe).",
)
@with_appcontext
def export_command(file: str, with_passwords: bool) -> None:
    """Write the whole wiki to FILE (JSON Lines, see docs/export-format.md)."""
    from recipes.exchange import export_wiki

    with progress_bar("Exporting") as progress, written_in_place(file) as out:
        report = run_domain_action(
            lambda: export_wiki(get_session(), out, with_passwords=with_passwords, progress=progress)
        )
    click.echo(f"Exported {report.records} records ({_counted(report.counts)}).", err=True)


@click.command("import")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@click.option(
    "--with-passwords",
    is_flag=True,
    help="Keep the file's password hashes (only for a file you made: they let its accounts log in).",
)
@with_appcontext
def import_command(file, with_passwords: bool) -> None:
    """Load an export FILE into this empty wiki, whole or not at all, then index it for search."""
    from recipes.exchange import import_wiki

    session = get_session()
    with progress_bar("Importing") as progress:
        report = run_domain_action(
            lambda: import_wiki(
                session, file, render=render_markdown, progress=progress, with_passwords=with_passwords
            )
        )
    click.echo(f"Imported {report.records} records ({_counted(report.counts)}).")
    try:
        count = get_index().rebuild(session)
    except LevainError as error:  # the outbox holds every recipe: the index catches up later
        click.echo(
            f"The search index is not rebuilt yet ({error.message}); run `levain search rebuild`.", err=True
        )
        return
    click.echo(f"Indexed {count} recipes for search.")


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@with_appcontext
def backup_command(file: Path) -> None:
    """Copy the running wiki's database to FILE, consistently (SQLite; PostgreSQL: use pg_dump)."""
    from recipes.exchange import backup_database

    size = run_domain_action(lambda: backup_database(current_app.extensions["levain.engine"], file))
    click.echo(f"Backed up the database to {file} ({size:,} bytes).")


def _counted(counts: dict[str, int]) -> str:
    return ", ".join(f"{count} {table}" for table, count in counts.items() if count)


COMMANDS = (export_command, import_command, backup_command)
