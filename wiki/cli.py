"""The ``levain`` command: Flask's CLI for the app, with Levain's own commands.

``levain init``, ``levain serve``, ``levain user add|role|token``, ``levain region add``, ``levain demo``;
``levain export|import|backup`` are in ``exchange_cli``.
Each command calls the domain; a refusal (bad name, unknown user, taken slug …) or a database that is not
ready becomes one line on stderr and exit code 1, never a traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy.exc import DBAPIError
from werkzeug.serving import run_simple

from recipes import accounts, blocks, demo, regions
from recipes.errors import LevainError
from recipes.models import ROLES
from recipes.search import prepare_index

from .db import get_session, migrate
from .markdown import render_markdown
from .search import get_index, refresh_index
from .search_cli import search_group

T = TypeVar("T")


def main() -> None:
    """Entry point of the ``levain`` console script."""
    from . import create_app

    FlaskGroup(create_app=create_app, add_default_commands=True, add_version_option=False)()


@click.command("init")
@with_appcontext
def init_command() -> None:
    """Create or migrate the database to the newest schema, and build or update the search index."""
    _run(lambda: migrate(current_app))
    click.echo("The database is ready.")
    indexed = _run(lambda: prepare_index(get_session(), get_index()))
    click.echo(f"The search index is ready ({indexed} recipes).")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@with_appcontext
def serve_command(host: str, port: int) -> None:
    """Serve the wiki with the development server (use gunicorn 'wsgi:app' in production)."""
    # Not app.run(): Flask ignores it inside its own CLI (FLASK_RUN_FROM_CLI), so the command would return.
    run_simple(host, port, current_app._get_current_object(), threaded=True)


@click.group("user")
def user_group() -> None:
    """Manage accounts."""


@user_group.command("add")
@click.argument("name")
@click.option("--email", default=None)
@click.option("--role", type=click.Choice(ROLES), default="contributor", show_default=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@with_appcontext
def user_add(name: str, email: str | None, role: str, password: str) -> None:
    """Create an account."""
    user = _run(lambda: accounts.create_user(get_session(), name, password, email=email, role=role))
    click.echo(f"Created {user.name} ({user.role}).")


@user_group.command("role")
@click.argument("name")
@click.argument("role", type=click.Choice(ROLES))
@with_appcontext
def user_role(name: str, role: str) -> None:
    """Give an account a role: contributor, editor, moderator or admin."""
    user = _run(lambda: blocks.change_role_from_command_line(get_session(), name, role))
    click.echo(f"{user.name} is now {user.role}.")


@user_group.command("token")
@click.argument("name")
@with_appcontext
def user_token(name: str) -> None:
    """Print a new personal API token for an account, alone on one line."""
    click.echo(_run(lambda: accounts.issue_token(get_session(), name)))


@click.group("region")
def region_group() -> None:
    """Manage regions."""


@region_group.command("add")
@click.argument("name")
@with_appcontext
def region_add(name: str) -> None:
    """Create a region and print its slug, alone on one line."""
    click.echo(_run(lambda: regions.create_region(get_session(), name)).slug)


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Succeed without loading anything when the wiki has recipes.")
@with_appcontext
def demo_command(if_empty: bool) -> None:
    """Load the demo recipes, with their history and forks in several regions, into an empty wiki."""
    session = get_session()
    if if_empty and not _run(lambda: demo.is_empty(session)):
        click.echo("The wiki already has recipes: the demo is not loaded again.")
        return
    report = _run(lambda: demo.load_demo_whole(session.get_bind(), render=render_markdown))
    refresh_index(current_app)
    click.echo(
        f"Loaded {report.recipes} demo recipes ({report.forks} of them forks, {report.revisions} revisions) "
        f"in {len(report.regions)} regions, written by {', '.join(report.users)}."
    )
    click.echo("The demo authors' passwords are random. Make your own account with:")
    click.echo("  levain user add NAME --role admin")


def _run(action: Callable[[], T]) -> T:
    """Run a domain action, turning its refusal or a database failure into a clear CLI error."""
    try:
        return action()
    except LevainError as error:
        raise click.ClickException(error.message) from error
    except DBAPIError as error:
        reason = str(error.orig).strip().splitlines()[0]
        raise click.ClickException(f"The database refused: {reason} (has `levain init` been run?)") from error


def init_app(app: Flask) -> None:
    # Imported here: the export commands share ``_run`` with this module.
    from .exchange_cli import exchange_commands

    for command in (init_command, serve_command, user_group, region_group, demo_command, search_group):
        app.cli.add_command(command)
    for command in exchange_commands:
        app.cli.add_command(command)
