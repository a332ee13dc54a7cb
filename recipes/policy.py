"""Who may do what: the one place where permissions are decided.

``allowed(user, action, recipe)`` answers for every route of the web and the API; ``require`` is the
same question raising the right domain error. Roles are ranked: contributor < editor < moderator < admin.
"""

from __future__ import annotations

from .errors import Forbidden, Unauthorized
from .models import ROLES, Recipe, User

# The lowest role that may take each action; None means anyone, even without an account.
MINIMUM_ROLE: dict[str, str | None] = {
    "read": None,
    "create": "contributor",
    "edit": "contributor",
    "revert": "contributor",
    "create_region": "contributor",
    "fork": "contributor",
    "sync": "contributor",
    "propose": "contributor",
    "comment": "contributor",
    "decide_proposal": "editor",
    "manage_users": "admin",
}


def role_rank(role: str | None) -> int:
    """Rank of a role; -1 for anonymous readers."""
    return ROLES.index(role) if role in ROLES else -1


def allowed(user: User | None, action: str, recipe: Recipe | None = None) -> bool:
    """Return whether this user (None for anonymous) may take the action on the recipe."""
    if action not in MINIMUM_ROLE:
        raise ValueError(f"unknown action {action!r}")
    needed = MINIMUM_ROLE[action]
    if needed is None:
        return True
    if user is None:
        return False
    return role_rank(user.role) >= role_rank(needed)


def require(user: User | None, action: str, recipe: Recipe | None = None) -> None:
    """Raise Unauthorized (no account) or Forbidden (not enough rights) unless allowed."""
    if allowed(user, action, recipe):
        return
    if user is None:
        raise Unauthorized("Log in to do this.")
    raise Forbidden("Your account may not do this.")
