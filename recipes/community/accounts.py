"""Accounts: people who edit, their roles, passwords and personal API tokens.

Passwords are hashed with scrypt (Werkzeug's implementation). An API token is shown once when made;
only its sha-256 is stored, so a leaked database does not leak usable tokens.
"""

from __future__ import annotations

import hashlib
import re
import secrets

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from recipes.database import begin_write, write_transaction
from recipes.errors import Invalid, NotFound
from recipes.models import ROLES, ApiToken, User

USERNAME_PATTERN = re.compile(r"^[\w.-]{2,40}$")
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 200
# Verified against when a name is unknown, so that a login takes as long either way.
_DUMMY_HASH = generate_password_hash("levain-dummy-password", method="scrypt")


def validate_username(name: str) -> str:
    name = (name or "").strip()
    if not USERNAME_PATTERN.match(name):
        raise Invalid("A user name has 2 to 40 letters, digits, dots, hyphens or underscores.")
    return name


def validate_password(password: str) -> str:
    if not isinstance(password, str) or not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise Invalid(
            "A password has {min_password_length} to {most} characters.",
            values={"min_password_length": MIN_PASSWORD_LENGTH, "most": MAX_PASSWORD_LENGTH},
        )
    return password


def validate_role(role: str) -> str:
    if role not in ROLES:
        raise Invalid(
            "Unknown role {role!r}; roles are {choices}.", values={"role": role, "choices": ", ".join(ROLES)}
        )
    return role


def find_user(session: Session, name: str) -> User | None:
    """Return the user with this name, compared without regard to case.

    SQLite's ``lower`` leaves letters outside ASCII as they are ("Éric"): the name as written
    is looked up as well.
    """
    name = name.strip()
    return session.scalar(select(User).where(or_(User.name == name, func.lower(User.name) == name.lower())))


def get_user(session: Session, name: str) -> User:
    user = find_user(session, name)
    if user is None:
        raise NotFound("There is no user named {name!r}.", values={"name": name})
    return user


def create_user(
    session: Session, name: str, password: str, *, email: str | None = None, role: str = "contributor"
) -> User:
    """Create an account; names are unique without regard to case."""
    name, password, role = validate_username(name), validate_password(password), validate_role(role)
    begin_write(session)
    if find_user(session, name) is not None:
        session.rollback()
        raise Invalid("The name {name!r} is taken.", values={"name": name})
    user = User(
        name=name,
        email=(email or None),
        password_hash=generate_password_hash(password, method="scrypt"),
        role=role,
    )
    session.add(user)
    session.commit()
    return user


def set_password(session: Session, name: str, password: str) -> User:
    """Give an account a new password (an imported account can log in from then on)."""
    password = validate_password(password)
    with write_transaction(session):
        user = get_user(session, name)
        user.password_hash = generate_password_hash(password, method="scrypt")
        user.session_generation += 1  # whoever knew the old password is logged out
    return user


def end_sessions(session: Session, user: User) -> None:
    """Make every session of ``user`` (on any device, any copy of its cookie) log in again."""
    with write_transaction(session):
        user.session_generation = User.session_generation + 1
    session.refresh(user)


def authenticate(session: Session, name: str, password: str) -> User | None:
    """Return the user if the password is right, else None (in constant-ish time)."""
    user = find_user(session, name or "")
    if user is None:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    return user if check_password_hash(user.password_hash, password or "") else None


# Enough for every script a person runs; a bound, so that a loop cannot fill the table.
MAX_TOKENS = 50
MAX_TOKEN_NAME = 100


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(session: Session, name: str, label: object = "") -> str:
    """Make a new personal API token for a user, named ``label``, and return it (it is not stored in
    clear: this is the only time anyone sees it)."""
    label = _clean_token_name(label)
    token = "lvn_" + secrets.token_urlsafe(32)
    with write_transaction(session):
        user = get_user(session, name)
        held = session.scalar(select(func.count(ApiToken.id)).where(ApiToken.user_id == user.id))
        if held >= MAX_TOKENS:
            raise Invalid(
                "An account has at most {count} tokens: revoke one first.", values={"count": MAX_TOKENS}
            )
        session.add(ApiToken(user_id=user.id, token_hash=_token_hash(token), name=label))
    return token


def _clean_token_name(label: object) -> str:
    if not isinstance(label, str) or len(label.strip()) > MAX_TOKEN_NAME:
        raise Invalid("A token's name has at most {count} characters.", values={"count": MAX_TOKEN_NAME})
    return label.strip()


def list_tokens(session: Session, user: User) -> list[ApiToken]:
    """A user's tokens, newest first (their names and dates: the tokens themselves are not kept)."""
    query = select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())
    return list(session.scalars(query))


def revoke_token(session: Session, user: User, token_id: int) -> ApiToken:
    """Revoke one of the user's tokens: it opens nothing from now on. Another's token is not found."""
    with write_transaction(session):
        token = session.scalar(select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id))
        if token is None:
            raise NotFound("You have no token {id}.", values={"id": token_id})
        session.delete(token)
    return token


def user_for_token(session: Session, token: str) -> User | None:
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(token)))
    return row.user if row is not None else None
