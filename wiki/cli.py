"""The ``levain`` command: Flask's CLI for the app, with Levain's own commands.

``levain init``, ``levain serve``, ``levain user add|role|token``, ``levain demo``.
"""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from recipes import accounts
from recipes.errors import LevainError

from .db import get_session, migrate
from .search_cli import search_group


def main() -> None:
    """Entry point of the ``levain`` console script."""
    from . import create_app

    FlaskGroup(create_app=create_app, add_default_commands=True, add_version_option=False)()


@click.command("init")
@with_appcontext
def init_command() -> None:
    """Create or migrate the database to the newest schema."""
    migrate(current_app)
    click.echo("The database is ready.")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@with_appcontext
def serve_command(host: str, port: int) -> None:
    """Serve the wiki with the development server (use gunicorn 'wsgi:app' in production)."""
    current_app.run(host=host, port=port, debug=False, use_reloader=False)


@click.group("user")
def user_group() -> None:
    """Manage accounts."""


@user_group.command("add")
@click.argument("name")
@click.option("--email", default=None)
@click.option("--role", default="contributor", show_default=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@with_appcontext
def user_add(name: str, email: str | None, role: str, password: str) -> None:
    """Create an account."""
    user = _run(lambda: accounts.create_user(get_session(), name, password, email=email, role=role))
    click.echo(f"Created {user.name} ({user.role}).")


@user_group.command("role")
@click.argument("name")
@click.argument("role")
@with_appcontext
def user_role(name: str, role: str) -> None:
    """Give an account a role: contributor, editor, moderator or admin."""
    user = _run(lambda: accounts.set_role(get_session(), name, role))
    click.echo(f"{user.name} is now {user.role}.")


@user_group.command("token")
@click.argument("name")
@with_appcontext
def user_token(name: str) -> None:
    """Print a new personal API token for an account."""
    click.echo(_run(lambda: accounts.issue_token(get_session(), name)))


def _run(action):
    """Run a domain action, turning its refusal into a clear CLI error."""
    try:
        return action()
    except LevainError as error:
        raise click.ClickException(error.message) from error


def init_app(app: Flask) -> None:
    for command in (init_command, serve_command, user_group, search_group):
        app.cli.add_command(command)
