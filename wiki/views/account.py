"""The account settings in the browser: personal API tokens, made, named, listed and revoked.

A new token is shown once, on the page that answers its creation, and never again: only its hash is
kept. That page is not stored by browsers or proxies (``Cache-Control: no-store``).
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from recipes.community import accounts
from recipes.errors import Invalid, Unauthorized
from recipes.models import User

from ..api.common import whole_number
from ..auth import current_domain_user
from ..db import get_session
from ..labels import error_message
from .common import form_text

bp = Blueprint("account", __name__)


def _account_holder() -> User:
    user = current_domain_user()
    if user is None:
        raise Unauthorized("Log in to do this.")
    return user


def _tokens_page(user: User, *, new_token: str | None = None, error: str | None = None, name: str = ""):
    page = render_template(
        "account/tokens.html",
        tokens=accounts.list_tokens(get_session(), user),
        new_token=new_token,
        error=error,
        name=name,
    )
    return page, (400 if error else 200), {"Cache-Control": "no-store"}


@bp.get("/account/tokens")
def tokens():
    """List the visitor's personal API tokens, with the form that makes a new one."""
    return _tokens_page(_account_holder())


@bp.post("/account/tokens")
def create_token():
    """Make a named token and show it, this once."""
    user = _account_holder()
    name = form_text("name")
    try:
        token = accounts.issue_token(get_session(), user.name, name)
    except Invalid as error:
        return _tokens_page(user, error=error_message(error), name=name)
    return _tokens_page(user, new_token=token, name=name)


@bp.post("/account/tokens/<token_id>/revoke")
def revoke_token(token_id: str):
    """Revoke one of the visitor's tokens: scripts using it are refused from now on."""
    user = _account_holder()
    revoked = accounts.revoke_token(get_session(), user, whole_number(token_id, "token"))
    flash(_("The token “%(name)s” is revoked.", name=revoked.name or revoked.id))
    return redirect(url_for(".tokens"), 303)
