"""The ``levain`` command: Flask's CLI for the app, with Levain's own commands.

Each module here holds one area's commands in its ``COMMANDS``; this module alone gathers them, so
commands never import one another. Each command calls the domain through ``common.run_domain_action``.
"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup

from . import accounts, database, exchange, instance, mediawiki, search

COMMAND_MODULES = (instance, database, accounts, search, exchange, mediawiki)


def main() -> None:
    """Entry point of the ``levain`` console script."""
    FlaskGroup(create_app=_create_checked_app, add_default_commands=True, add_version_option=False)()


def _create_checked_app() -> Flask:
    """The app, or the setting that prevents it as one line and exit code 1 (no traceback)."""
    from .. import create_app
    from ..config import SettingError

    try:
        return create_app()
    except SettingError as error:
        raise click.ClickException(str(error)) from error


def init_app(app: Flask) -> None:
    """Add every Levain command to the app's CLI."""
    for module in COMMAND_MODULES:
        for command in module.COMMANDS:
            app.cli.add_command(command)
