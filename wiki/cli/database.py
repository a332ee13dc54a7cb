"""``levain db current`` and ``levain db downgrade REV``: where the schema is, and taking it back.

``levain init`` brings the schema up (``db.migrate``); these two are for an operator undoing an upgrade:
see which migration the database is at, then step back to an earlier one before installing the older
release again.

Alembic is imported by each command, not with this module: every app adds these commands to its CLI,
and a process serving pages would otherwise hold Alembic (some 10 MB) for nothing.
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from .common import run_domain_action


def _engine():
    return current_app.extensions["levain.engine"]


@click.group("db")
def db_group() -> None:
    """See or change the database schema's migration."""


@db_group.command("current")
@with_appcontext
def current_command() -> None:
    """Print the migration the database is at, and whether it is the newest."""
    from recipes.schema import current_migration, newest_migration

    current = run_domain_action(lambda: current_migration(_engine()))
    head = newest_migration()
    if current is None:
        click.echo("none (run `levain init`)")
    else:
        click.echo(f"{current} (newest)" if current == head else f"{current} (newest: {head})")


@db_group.command("downgrade")
@click.argument("revision")
@with_appcontext
def downgrade_command(revision: str) -> None:
    """Take the schema back to REVISION (an earlier migration's id, or `base` for an empty database)."""
    from alembic.util import CommandError

    from recipes.schema import current_migration, downgrade_database, known_migrations

    known = known_migrations()
    if revision not in (*known, "base"):
        raise click.BadParameter(f"{revision!r} is no migration; known: {', '.join(known)} or base.")
    try:
        run_domain_action(lambda: downgrade_database(_engine(), revision))
    except CommandError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"The database is at {current_migration(_engine()) or 'base'}.")


COMMANDS = (db_group,)
