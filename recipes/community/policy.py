"""Who may do what: the one place where permissions are decided.

``allowed(user, action, recipe)`` answers for every route of the web and the API; ``require`` is the
same question raising the right domain error. Roles are ranked: contributor < editor < moderator < admin.
A *blocked* account may change nothing until its block expires; a *protected* recipe may be changed
only from the protection's level up until it expires. ``must_wait_for_review`` applies the review
policy (``LEVAIN_REVIEW_POLICY``) to a save.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import inspect

from recipes.errors import Forbidden, LevainError, Unauthorized
from recipes.models import ROLES, Recipe, User, utcnow

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
    "patrol": "editor",
    "rename": "editor",
    "watch": "contributor",
    # Events: anyone with an account records one; its author changes or deletes it, and so may
    # editors (change) and moderators (delete) for anyone's.
    "record_event": "contributor",
    "change_any_event": "editor",
    "delete_any_event": "moderator",
    # Deleted recipes stay visible to moderators (and restorable), with their changes.
    "see_deleted": "moderator",
    "read_audit": "moderator",
    "delete": "moderator",
    # Reviewing: editors see the text awaiting review (they edit the head), moderators decide on it.
    "see_pending": "editor",
    "review": "moderator",
    "protect": "moderator",
    "relicense": "moderator",
    "block": "moderator",
    "rollback": "moderator",
    "manage_users": "admin",
}


# A blocked account may still read and keep its watchlist; it may change nothing.
UNAFFECTED_BY_BLOCKS = frozenset({"read", "watch"})
# What a protected recipe limits to its protection's level: changing its text, its title or its address.
PROTECTED_ACTIONS = frozenset({"edit", "revert", "sync", "decide_proposal", "rollback", "rename"})
REVIEW_POLICIES = ("none", "new-accounts", "all")
# The actions whose revisions may wait for review (see ``must_wait_for_review``).
REVIEWED_ACTIONS = frozenset({"create", "edit", "revert", "sync"})


def role_rank(role: str | None) -> int:
    """Rank of a role; -1 for anonymous readers."""
    return ROLES.index(role) if role in ROLES else -1


def allowed(user: User | None, action: str, recipe: Recipe | None = None) -> bool:
    """Return whether this user (None for anonymous) may take the action on the recipe."""
    return refusal(user, action, recipe) is None


def require(user: User | None, action: str, recipe: Recipe | None = None) -> None:
    """Raise Unauthorized (no account) or Forbidden (not enough rights, blocked, protected) unless allowed."""
    error = refusal(user, action, recipe)
    if error is not None:
        raise error


def refusal(user: User | None, action: str, recipe: Recipe | None = None) -> LevainError | None:
    """The error saying why this user may not take the action on the recipe, or None if they may."""
    if action not in MINIMUM_ROLE:
        raise ValueError(f"unknown action {action!r}")
    needed = MINIMUM_ROLE[action]
    if needed is None:
        return None
    if user is None:
        return Unauthorized("Log in to do this.")
    if role_rank(user.role) < role_rank(needed):
        return Forbidden("Your account may not do this.")
    block = _loaded(user, "block")
    if action not in UNAFFECTED_BY_BLOCKS and block is not None and is_in_force(block.expires_at):
        return Forbidden(f"Your account is blocked {until(block.expires_at)}: {block.reason}")
    protection = _loaded(recipe, "protection") if recipe is not None and action in PROTECTED_ACTIONS else None
    if protection is not None and is_in_force(protection.expires_at):
        if role_rank(user.role) < role_rank(protection.level):
            return Forbidden(
                f"This recipe is protected {until(protection.expires_at)}: only {protection.level}s "
                f"and above may change it ({protection.reason})."
            )
    return None


def _loaded(thing: User | Recipe, relation: str):
    """A block or protection of an object, loaded on first use while it belongs to a session.

    An object outside any session (a script's, kept after its session closed) cannot load it, and is
    judged as it was loaded: the web layer always asks with objects of the request's session.
    """
    state = inspect(thing)
    if state.detached and relation in state.unloaded:
        return None
    return getattr(thing, relation)


def is_in_force(expires_at: datetime | None) -> bool:
    """Whether a block or a protection ending at ``expires_at`` (None: never) still applies."""
    return expires_at is None or expires_at > utcnow()


def until(expires_at: datetime | None) -> str:
    """'until 2026-12-01 18:00 UTC', or 'until further notice' for no expiry."""
    if expires_at is None:
        return "until further notice"
    return f"until {expires_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def must_wait_for_review(user: User, action: str, recipe: Recipe | None, policy: str) -> bool:
    """Whether a revision this user saves by ``action`` waits for a moderator under the review policy.

    ``none``: nothing waits. ``new-accounts``: contributors' revisions wait. ``all``: every revision
    by someone below moderator waits. Forks copy text readers already see, so they never wait.
    """
    if policy not in REVIEW_POLICIES:
        raise ValueError(f"unknown review policy {policy!r}; policies are {', '.join(REVIEW_POLICIES)}")
    if policy == "none" or action not in REVIEWED_ACTIONS:
        return False
    trusted_from = "editor" if policy == "new-accounts" else "moderator"
    return role_rank(user.role) < role_rank(trusted_from)
