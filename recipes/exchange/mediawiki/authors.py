"""The authors of imported revisions: each MediaWiki account becomes a Levain account of the same name.

A name Levain already knows (compared without regard to case) is taken to be the same person. An
unknown one becomes an account with no usable password (the one ``levain import`` gives accounts
imported without their hashes): it cannot log in until someone gives it a password
(``levain user password NAME``). Names are made to fit Levain's (letters, digits, ``.``, ``-``,
``_``): "Jean-Éric L'Hostis" becomes ``Jean-Éric_L-Hostis``. Revisions saved from an address rather
than an account, or whose author MediaWiki hides, are all credited to one account, ``Anonyme``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy.orm import Session

from ...community.accounts import find_user
from ...models import User
from ..plan import UNUSABLE_PASSWORD

ANONYMOUS_ACCOUNT = "Anonyme"
MAX_NAME_LENGTH = 40
_NOT_NAME_CHARACTERS = re.compile(r"[^\w.-]+")


def account_name(mediawiki_name: str | None) -> str:
    """The Levain account name of a MediaWiki author (None: a visitor or a hidden name)."""
    if mediawiki_name is None:
        return ANONYMOUS_ACCOUNT
    name = "_".join(mediawiki_name.split())
    name = _NOT_NAME_CHARACTERS.sub("-", name).strip("-")[:MAX_NAME_LENGTH].strip("-")
    return name.ljust(2, "_")


def known_accounts(session: Session, names: Iterable[str]) -> dict[str, User]:
    """The accounts of these names that exist, by name."""
    found = {}
    for name in set(names):
        user = find_user(session, name)
        if user is not None:
            found[name] = user
    return found


def add_accounts(session: Session, names: Iterable[str]) -> list[User]:
    """Accounts that cannot log in yet, for names no account has (in the caller's transaction)."""
    users = [
        User(name=name, password_hash=UNUSABLE_PASSWORD, role="contributor")
        for name in sorted(set(names))
        if find_user(session, name) is None
    ]
    session.add_all(users)
    session.flush()
    return users
