"""``levain import-mediawiki FILE``: the pages of a MediaWiki export, with their history, as recipes.

The progress bar goes to stderr, and only on a terminal; the report goes to stdout. A file that
breaks is refused with its line (exit 1) before anything is written. After a real import the search
index takes in the recipes it wrote.

The MediaWiki import is imported by the command, not with this module: every app adds the command to
its CLI, and a process serving pages would otherwise hold the MediaWiki parsers for nothing.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import click
from flask import current_app
from flask.cli import with_appcontext

from recipes.errors import LevainError
from recipes.licences.rules import LICENCES
from recipes.search.outbox import has_pending

from ..db import get_session
from ..markdown import render_markdown
from ..search import get_index
from .common import progress_bar, run_domain_action

if TYPE_CHECKING:
    from recipes.exchange.mediawiki import MediaWikiReport

# What each reason of the report means, for the person who ran the import.
SKIPPED_PAGE = {
    "namespace": "in namespace {detail}",
    "redirect": "redirects to {detail}, which is not imported",
    "title": "its title cannot be a recipe's",
    "deleted": "its recipe {detail} was deleted here",
}
SKIPPED_REVISION = {
    "hidden": "revision {detail}: its text is hidden on MediaWiki",
    "too_large": "revision {detail}: too large for a recipe",
}
LISTED = 10  # names shown per line of the report before "…"
INDEX_LOCK_TIMEOUT = 30.0


@click.command("import-mediawiki")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--region", default=None, help="Slug of the region the recipes are for.")
@click.option(
    "--licence", type=click.Choice(tuple(LICENCES)), default=None, help="SPDX id of the recipes' licence."
)
@click.option(
    "--namespace",
    "namespaces",
    multiple=True,
    help="Import this namespace's pages too (its name or number; repeat for several).",
)
@click.option("--dry-run", is_flag=True, help="Report what the import would do, and write nothing.")
@with_appcontext
def import_mediawiki_command(
    file: Path, region: str | None, licence: str | None, namespaces: tuple[str, ...], dry_run: bool
) -> None:
    """Import the pages of a MediaWiki XML export FILE (plain, .gz or .bz2) with every revision.

    Running it again on a newer export adds only the revisions not imported yet.
    """
    from recipes.exchange.mediawiki import import_mediawiki

    session = get_session()
    with progress_bar("Importing revisions") as progress:
        report = run_domain_action(
            lambda: import_mediawiki(
                session,
                file,
                render=render_markdown,
                region=region,
                licence=licence or current_app.config["LICENCES"][0],
                namespaces=namespaces,
                dry_run=dry_run,
                progress=progress,
            )
        )
    click.echo(describe(report))
    if not dry_run:
        _refresh_index(session)


def describe(report: MediaWikiReport) -> str:
    """The report, in English, for the person who ran the import."""
    verb = "would be" if report.dry_run else "were"
    lines = [
        f"{'Dry run: nothing was written. ' if report.dry_run else ''}"
        f"Export of {report.source}: {report.pages} pages.",
        f"Recipes created: {len(report.recipes_created)}; updated: {len(report.recipes_updated)}.",
        f"Revisions imported: {report.revisions_imported} ({report.revisions_merged} merged with edits "
        f"made here); already imported: {report.revisions_already_imported}; without changes: "
        f"{report.revisions_unchanged}.",
    ]
    if report.accounts_created:
        lines.append(
            f"Accounts created: {len(report.accounts_created)} ({_listed(report.accounts_created)}); they "
            "cannot log in until given a password (levain user password NAME)."
        )
    if report.old_addresses:
        moved = [f"{old} → {slug}" for old, slug in report.old_addresses]
        lines.append(f"Old addresses kept from redirects: {_listed(moved)}.")
    lines += _skipped(report) + _unconverted(report) + _conflicts(report, verb)
    if report.files:
        lines.append(
            f"Files the pages show (not imported; upload them here): {_listed(sorted(report.files))}."
        )
    return "\n".join(lines)


def _skipped(report: MediaWikiReport) -> list[str]:
    lines = []
    if report.skipped_pages:
        lines.append(f"Pages skipped: {len(report.skipped_pages)}.")
        by_reason = Counter((skipped.reason, skipped.detail) for skipped in report.skipped_pages)
        for (reason, detail), count in sorted(by_reason.items()):
            titles = [s.title for s in report.skipped_pages if (s.reason, s.detail) == (reason, detail)]
            lines.append(f"  {SKIPPED_PAGE[reason].format(detail=detail)}: {count} ({_listed(titles)})")
    if report.skipped_revisions:
        lines.append(f"Revisions skipped: {len(report.skipped_revisions)}.")
        lines += [
            f"  {skipped.title}, {SKIPPED_REVISION[skipped.reason].format(detail=skipped.detail)}"
            for skipped in report.skipped_revisions[:LISTED]
        ]
    return lines


def _unconverted(report: MediaWikiReport) -> list[str]:
    if not report.unconverted:
        return []
    lines = ["Not converted, in the newest revision of each page (templates are kept as their source):"]
    lines += [f"  {kind}: {count}" for kind, count in report.unconverted.most_common()]
    return lines


def _conflicts(report: MediaWikiReport, verb: str) -> list[str]:
    lines = []
    for parked in report.conflicts:
        lines.append(
            f"Conflict: {parked.recipe} was edited here on the lines MediaWiki changed: its "
            f"{parked.revisions} new revision(s) {verb} put in the variant {parked.variant} and proposed to "
            f"it; merge or decline it at /proposals/{parked.proposal}."
        )
    if report.revisions_waiting:
        lines.append(
            f"Revisions waiting for a proposal to be decided: {report.revisions_waiting} (they come with "
            "the next import)."
        )
    return lines


def _listed(names: list[str]) -> str:
    return ", ".join(names[:LISTED]) + (", …" if len(names) > LISTED else "")


def _refresh_index(session) -> None:
    """Bring the imported recipes into the search index now, rather than at the next save."""
    try:
        while has_pending(session) and get_index().apply_outbox(session, lock_timeout=INDEX_LOCK_TIMEOUT):
            pass
    except LevainError as error:  # the outbox keeps every recipe: the index catches up later
        click.echo(f"The search index is not up to date yet ({error.message}).", err=True)


COMMANDS = (import_mediawiki_command,)
