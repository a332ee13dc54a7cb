"""Accounts in the browser: register, log in, log out.

A failed login says only that the name or the password is wrong, never which: the page must not tell
who has an account. ``next`` (a query parameter, kept in a hidden field) is followed only when it is a
path of this site.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import login_user, logout_user

from recipes.community.accounts import authenticate, create_user, end_sessions
from recipes.errors import Invalid

from ..auth import LoginUser, current_domain_user, safe_next
from ..db import get_session
from ..security import limiter
from .common import form_text

bp = Blueprint("auth", __name__)

# Slows down password guessing and mass registration from one address.
ACCOUNT_POST_LIMIT = "10 per minute"


def _next_target() -> str:
    return safe_next(request.form.get("next") or request.args.get("next"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(ACCOUNT_POST_LIMIT, methods=["POST"])
def login():
    """Show the login form; log in and go back to where the visitor came from."""
    username = form_text("username")
    if request.method == "GET":
        return render_template("auth/login.html", next=_next_target(), username=username)
    user = authenticate(get_session(), username, form_text("password"))
    if user is None:
        message = _("Wrong user name or password.")
        page = render_template("auth/login.html", next=_next_target(), username=username, error=message)
        return page, 401
    login_user(LoginUser(user))
    return redirect(_next_target())


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(ACCOUNT_POST_LIMIT, methods=["POST"])
def register():
    """Show the registration form; create a contributor account and log it in."""
    username = form_text("username")
    if request.method == "GET":
        return render_template("auth/register.html", next=_next_target(), username=username)
    try:
        user = create_user(get_session(), username, form_text("password"))
    except Invalid as error:
        page = render_template(
            "auth/register.html", next=_next_target(), username=username, error=error.message
        )
        return page, 400
    login_user(LoginUser(user))
    return redirect(_next_target())


@bp.get("/logout")
def logout_form():
    """Ask to confirm: logging out changes state, so it takes a POST with a CSRF token."""
    return render_template("auth/logout.html")


@bp.post("/logout")
def logout():
    """Log out (every session of the account, copied cookies included) and go to the home page."""
    user = current_domain_user()
    if user is not None:
        end_sessions(get_session(), user)
    logout_user()
    return redirect("/")
