"""``levain user add|password|role|token``, ``levain region add``: accounts and regions, by command."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from recipes.community import accounts, regions
from recipes.models import ROLES
from recipes.moderation import blocks

from ..db import get_session
from .common import run_domain_action


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
    user = run_domain_action(
        lambda: accounts.create_user(get_session(), name, password, email=email, role=role)
    )
    click.echo(f"Created {user.name} ({user.role}).")


@user_group.command("password")
@click.argument("name")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@with_appcontext
def user_password(name: str, password: str) -> None:
    """Give an account a new password (accounts imported without one can then log in)."""
    user = run_domain_action(lambda: accounts.set_password(get_session(), name, password))
    click.echo(f"{user.name} has a new password.")


@user_group.command("role")
@click.argument("name")
@click.argument("role", type=click.Choice(ROLES))
@with_appcontext
def user_role(name: str, role: str) -> None:
    """Give an account a role: contributor, editor, moderator or admin."""
    user = run_domain_action(lambda: blocks.change_role_from_command_line(get_session(), name, role))
    click.echo(f"{user.name} is now {user.role}.")


@user_group.command("token")
@click.argument("name")
@click.option("--label", default="", help="What the token is for, shown in the account settings.")
@with_appcontext
def user_token(name: str, label: str) -> None:
    """Print a new personal API token for an account, alone on one line."""
    click.echo(run_domain_action(lambda: accounts.issue_token(get_session(), name, label)))


@click.group("region")
def region_group() -> None:
    """Manage regions."""


@region_group.command("add")
@click.argument("name")
@with_appcontext
def region_add(name: str) -> None:
    """Create a region and print its slug, alone on one line."""
    click.echo(run_domain_action(lambda: regions.create_region(get_session(), name)).slug)


COMMANDS = (user_group, region_group)
