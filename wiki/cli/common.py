"""What every ``levain`` command shares: a domain refusal or a database failure becomes one clear line.

A refusal (bad name, unknown user, taken slug …) or a database that is not ready becomes one line on
stderr and exit code 1, never a traceback. Progress bars go to stderr, and only on a terminal, so that
a script's output stays clean.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import TypeVar

import click
from sqlalchemy.exc import DBAPIError

from recipes.errors import LevainError

T = TypeVar("T")


def run_domain_action(action: Callable[[], T]) -> T:
    """Run a domain action, turning its refusal or a database failure into a clear CLI error."""
    try:
        return action()
    except LevainError as error:
        raise click.ClickException(error.message) from error
    except DBAPIError as error:
        reason = str(error.orig).strip().splitlines()[0]
        raise click.ClickException(f"The database refused: {reason} (has `levain init` been run?)") from error


@contextmanager
def progress_bar(label: str) -> Iterator[Callable[[int, int], None] | None]:
    """A progress callback ``(done, total)`` drawing a bar on stderr, or None when stderr is no terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    with ExitStack() as stack:
        bars: list = []  # made at the first call, when the total is known

        def advance(done: int, total: int) -> None:
            if not bars:
                bars.append(
                    stack.enter_context(click.progressbar(length=total, label=label, file=sys.stderr))
                )
            bars[0].update(done - bars[0].pos)

        yield advance
