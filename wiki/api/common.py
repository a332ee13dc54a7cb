"""Reading who sends a request and the parts of its address: slugs, names and numbers in paths.

The JSON bodies and query strings of the API are declared as models (``wiki.api.spec``); the web
pages read their query parameters with the helpers here. Every helper answers bad input with a domain
error (``Invalid``, ``NotFound``, ``Unauthorized``), which ``wiki.errors`` turns into a 4xx answer: no
input, however malformed, may reach the database or the domain as something it cannot handle (a NUL
character, a 5,000-digit number).
"""

from __future__ import annotations

from flask import request

from recipes import validation
from recipes.errors import Invalid, NotFound, Unauthorized
from recipes.models import User
from recipes.slugs import MAX_SLUG_LENGTH

from ..auth import current_domain_user

# Revision numbers and limits fit the database's 32-bit integer columns: PostgreSQL refuses even to
# compare one with a larger number. Longer texts are refused before conversion (Python refuses to
# convert more than 4,300 digits, with a ValueError).
MAX_NUMBER = 2**31 - 1
# The longest user name (``recipes.community.accounts``) or change type a request may name; a longer
# one is not looked up.
MAX_NAME_LENGTH = 40


def acting_user() -> User:
    """The user sending a change; anonymous writers are asked to log in (401) before anything else.

    What that user may do is still decided by ``recipes.community.policy`` inside the domain functions.
    """
    user = current_domain_user()
    if user is None:
        raise Unauthorized("Log in, or send 'Authorization: Bearer <token>', to change anything.")
    return user


def whole_number(value: object, what: str) -> int:
    """A number from 1 sent as JSON or as text (path part, query parameter), or Invalid."""
    too_long = isinstance(value, str) and len(value.strip()) > len(str(MAX_NUMBER))
    number = MAX_NUMBER + 1 if too_long else validation.clean_revision_number(value, what)
    if number > MAX_NUMBER:
        raise Invalid(f"The {what} must be a whole number from 1 to {MAX_NUMBER:,}.")
    return number


def number_arg(name: str) -> int | None:
    """An optional query parameter holding a number from 1."""
    value = request.args.get(name)
    return None if value is None or value == "" else whole_number(value, name)


def slug_arg(name: str) -> str | None:
    """An optional query parameter holding a slug (of a region, or a recipe as a cursor)."""
    value = request.args.get(name) or None
    if value is not None and not is_plausible_slug(value):
        raise Invalid(f"The parameter {name!r} is not a slug.")
    return value


def tag_arg(name: str = "tag") -> str | None:
    """An optional query parameter holding one tag, cleaned like the tags of a recipe."""
    value = request.args.get(name)
    tags = validation.clean_tags([value]) if value else []
    return tags[0] if tags else None


def is_plausible_slug(value: object) -> bool:
    """Whether a value could be a slug: short printable text (no NUL, which PostgreSQL refuses)."""
    return isinstance(value, str) and 0 < len(value) <= MAX_SLUG_LENGTH and value.isprintable()


def checked_slug(slug: str) -> str:
    """A recipe slug from the path; one that cannot exist is not looked up (404 at once)."""
    if not is_plausible_slug(slug):
        raise NotFound("There is no recipe at this address.")
    return slug


def is_plausible_name(value: object) -> bool:
    """Whether a value could be a user name or a change type: short printable text."""
    return isinstance(value, str) and 0 < len(value) <= MAX_NAME_LENGTH and value.isprintable()


def checked_name(name: str) -> str:
    """A user name from the path; one that cannot exist is not looked up (404 at once)."""
    if not is_plausible_name(name):
        raise NotFound("There is no user at this address.")
    return name
