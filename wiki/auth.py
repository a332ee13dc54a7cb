"""Who is asking: browser sessions (Flask-Login) and personal API tokens (``Authorization: Bearer``).

A session names its account as ``"<id>:<session generation>"``: once the account's generation moves on
(logging out, a new password, a block), every copy of the old cookie is worthless, remember-me included.

A request with a bearer token is authenticated by the token alone and needs no CSRF token; a wrong
token is refused outright rather than falling back to the session.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, g, request
from flask.sessions import SecureCookieSessionInterface
from flask_login import LoginManager, current_user
from flask_login.config import COOKIE_NAME

from recipes.community.accounts import user_for_token
from recipes.errors import Unauthorized
from recipes.models import User

from .db import get_session

login_manager = LoginManager()


class LoginUser:
    """Adapter giving Flask-Login the few attributes it needs from a domain ``User``."""

    def __init__(self, user: User):
        self.user = user
        self.is_authenticated = True
        self.is_active = True
        self.is_anonymous = False

    def get_id(self) -> str:
        return f"{self.user.id}:{self.user.session_generation}"


class ReaderSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, opened without building a signer when there is no cookie to
    read: most requests are readers', who have none."""

    def open_session(self, app, request):
        if not sends_cookies() or self.get_cookie_name(app) not in request.cookies:
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app, session, response):
        if session or session.modified:
            return super().save_session(app, session, response)
        # A session that stayed empty writes no cookie: Flask would only add "Vary: Cookie" if it was
        # looked at, parsing the header again on every page, which most often says so already.
        if session.accessed and "cookie" not in _listed(response.headers.get("Vary", "")):
            response.vary.add("Cookie")
        return None


def sends_cookies() -> bool:
    """Whether the request has a Cookie header: most readers' have none, and then none need parsing."""
    return "HTTP_COOKIE" in request.environ


def _listed(header: str) -> set[str]:
    """The names a header listing tokens (such as Vary) lists, in lower case."""
    return {name.strip().lower() for name in header.split(",")}


def init_app(app: Flask) -> None:
    app.session_interface = ReaderSessionInterface()
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.user_loader(_load_session_user)
    app.before_request(_authenticate_token)


def _load_session_user(session_id: str) -> LoginUser | None:
    user_id, _, generation = session_id.partition(":")
    if not (user_id.isdigit() and generation.isdigit()):
        return None
    user = get_session().get(User, int(user_id))
    if user is None or user.session_generation != int(generation):
        return None
    return LoginUser(user)


def bearer_token() -> str | None:
    """The token of an ``Authorization: Bearer`` header, if the request has one."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _authenticate_token() -> None:
    """A request that sends credentials is answered as that token's user, or refused."""
    if "Authorization" not in request.headers:
        return
    token = bearer_token()
    user = user_for_token(get_session(), token) if token else None
    if user is None:
        raise Unauthorized("This API token is not valid; send 'Authorization: Bearer <token>'.")
    g.token_user = user


def carries_no_credentials() -> bool:
    """Whether the request carries nothing that could name an account (no session or remember-me
    cookie, no Authorization header): an anonymous reader's, known without loading a session."""
    if "Authorization" in request.headers:
        return False
    if not sends_cookies():
        return True
    config = current_app.config
    cookies = request.cookies
    return (
        config["SESSION_COOKIE_NAME"] not in cookies
        and config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME) not in cookies
    )


def current_domain_user() -> User | None:
    """The domain user making this request, or None for an anonymous reader."""
    if "token_user" in g:
        return g.token_user
    return current_user.user if current_user.is_authenticated else None


def safe_next(target: str | None, default: str = "/") -> str:
    """Return ``target`` if it is a path of this site, else ``default`` (no open redirects)."""
    if not target or not isinstance(target, str):
        return default
    target = target.strip()
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    if any(ord(ch) < 32 or ch == "\\" for ch in target):
        return default
    return target
