"""What an import checks in a record beyond its types: what the forms check when a person types it.

An export file can be written by hand, so a user name must be one that registration accepts, and a
picture must be one that an upload accepts (a real PNG, JPEG, GIF or WebP whose id, type, size and
dimensions are those of its bytes), or the file is refused with the line.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from recipes.community.accounts import validate_username
from recipes.errors import LevainError
from recipes.history.images import check_picture

from .records import ImportRefused


def _check_user(row: dict[str, Any]) -> None:
    if validate_username(row["name"]) != row["name"]:
        raise ValueError("a user name has no spaces around it")


def _check_image(row: dict[str, Any]) -> None:
    facts = check_picture(row["data"])
    actual = {
        "id": hashlib.sha256(row["data"]).hexdigest(),
        "content_type": facts.content_type,
        "size": len(row["data"]),
        "width": facts.width,
        "height": facts.height,
    }
    for name, value in actual.items():
        if row[name] != value:
            raise ValueError(f"the picture's {name} is {row[name]!r:.70}, its bytes say {value!r:.70}")


_CHECKS: dict[str, Callable[[dict[str, Any]], None]] = {"users": _check_user, "images": _check_image}


def check_contents(line_number: int, table: str, row: dict[str, Any]) -> None:
    """ImportRefused at ``line_number`` unless the row holds what the forms would have accepted."""
    check = _CHECKS.get(table)
    if check is None:
        return
    try:
        check(row)
    except ValueError as error:
        raise ImportRefused(line_number, f"{table}: {error}") from error
    except LevainError as error:
        raise ImportRefused(line_number, f"{table}: {error.message}") from error
