"""``levain init``, ``levain serve`` and ``levain demo``: setting an instance up and running it."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from werkzeug.serving import run_simple

from recipes import demo
from recipes.search import prepare_index

from ..db import get_session, migrate
from ..markdown import render_markdown
from ..search import get_index, refresh_index
from .common import run_domain_action


@click.command("init")
@with_appcontext
def init_command() -> None:
    """Create or migrate the database to the newest schema, and build or update the search index."""
    run_domain_action(lambda: migrate(current_app))
    click.echo("The database is ready.")
    indexed = run_domain_action(lambda: prepare_index(get_session(), get_index()))
    click.echo(f"The search index is ready ({indexed} recipes).")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@with_appcontext
def serve_command(host: str, port: int) -> None:
    """Serve the wiki with the development server (use gunicorn 'wsgi:app' in production)."""
    # Not app.run(): Flask ignores it inside its own CLI (FLASK_RUN_FROM_CLI), so the command would return.
    run_simple(host, port, current_app._get_current_object(), threaded=True)


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Succeed without loading anything when the wiki has recipes.")
@with_appcontext
def demo_command(if_empty: bool) -> None:
    """Load the demo recipes, with their history and forks in several regions, into an empty wiki."""
    session = get_session()
    if if_empty and not run_domain_action(lambda: demo.is_empty(session)):
        click.echo("The wiki already has recipes: the demo is not loaded again.")
        return
    report = run_domain_action(lambda: demo.load_demo_whole(session.get_bind(), render=render_markdown))
    refresh_index(current_app)
    click.echo(
        f"Loaded {report.recipes} demo recipes ({report.forks} of them forks, {report.revisions} revisions) "
        f"in {len(report.regions)} regions, written by {', '.join(report.users)}."
    )
    click.echo("The demo authors' passwords are random. Make your own account with:")
    click.echo("  levain user add NAME --role admin")


COMMANDS = (init_command, serve_command, demo_command)
