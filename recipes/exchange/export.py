"""Writing the whole wiki to an export file (the format is described in docs/export-format.md).

The export reads one consistent snapshot of the database (a REPEATABLE READ transaction on
PostgreSQL, a read transaction in WAL mode on SQLite), so a wiki may be exported while people edit.
The file depends only on the wiki's content: the same wiki gives the same bytes, whatever the
database, because rows are ordered by primary key with text compared by code point.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TextIO

from sqlalchemy import String, func, select
from sqlalchemy.orm import Session

from ..blobs import load_blob
from ..errors import Invalid
from ..models import Blob, Revision
from .plan import (
    BLOB_TABLE,
    BLOB_TEXT_FIELD,
    FORMAT_NAME,
    FORMAT_VERSION,
    TablePlan,
    export_plan,
    schema_revision,
    unplanned_tables,
)

# Called with (records written, records in all) now and then, for progress bars.
Progress = Callable[[int, int], None]
ROWS_PER_FETCH = 1000
PROGRESS_EVERY = 100


@dataclass(frozen=True)
class ExportReport:
    """What an export wrote: records per table, in the file's order."""

    counts: dict[str, int]

    @property
    def records(self) -> int:
        return sum(self.counts.values())


def export_wiki(
    session: Session, out: TextIO, *, with_passwords: bool = False, progress: Progress | None = None
) -> ExportReport:
    """Write the whole wiki to ``out``: a header line, then one record per line."""
    _begin_snapshot(session)
    try:
        missing = unplanned_tables(session)
        if missing:
            raise Invalid(
                "The database has tables the export does not know: {choices}.",
                values={"choices": ", ".join(missing)},
            )
        plans = export_plan(with_passwords)
        counts = {plan.name: session.scalar(select(func.count()).select_from(plan.table)) for plan in plans}
        header = {
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "schema": schema_revision(session),
            "passwords": with_passwords,
            "tables": counts,
        }
        out.write(encode_line(header))
        total, written = sum(counts.values()), 0
        for plan in plans:
            for record in _records(session, plan):
                out.write(encode_line({"table": plan.name, "row": record}))
                written += 1
                if progress is not None and (written % PROGRESS_EVERY == 0 or written == total):
                    progress(written, total)
        return ExportReport(counts)
    finally:
        session.rollback()


def encode_line(record: dict[str, Any]) -> str:
    """One line of the file: compact JSON, non-ASCII kept as is, keys in the order given."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"


def _begin_snapshot(session: Session) -> None:
    if session.in_transaction():
        session.rollback()
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def _records(session: Session, plan: TablePlan) -> Iterator[dict[str, Any]]:
    if plan.name == BLOB_TABLE:
        yield from _blob_records(session)
        return
    order = [_code_point_order(session, column) for column in plan.table.primary_key.columns]
    query = select(*(field.column for field in plan.fields)).order_by(*order)
    rows = session.execute(query.execution_options(yield_per=ROWS_PER_FETCH))
    for row in rows:
        yield {field.name: field.codec.encode(value) for field, value in zip(plan.fields, row, strict=True)}


def _code_point_order(session: Session, column):
    """Order text by code point on every database (PostgreSQL would otherwise follow its locale)."""
    if isinstance(column.type, String) and session.get_bind().dialect.name == "postgresql":
        return column.collate("C")
    return column


def _blob_records(session: Session) -> Iterator[dict[str, Any]]:
    """Each blob as its text, in the order revisions first use them, then the others by id.

    That order puts the successive texts of a recipe side by side, so that an import stores each
    as a small delta of the one before, as the saves did.
    """
    seen: set[str] = set()
    by_first_use = select(Revision.blob_id).order_by(Revision.recipe_id, Revision.number)
    for blob_id in list(session.scalars(by_first_use)):
        if blob_id not in seen:
            seen.add(blob_id)
            yield _blob_record(session, blob_id)
    for blob_id in session.scalars(select(Blob.id).order_by(Blob.id)):
        if blob_id not in seen:
            yield _blob_record(session, blob_id)


def _blob_record(session: Session, blob_id: str) -> dict[str, str]:
    text = load_blob(session, blob_id).text
    # The compressed bytes are not needed again: keep the session's memory flat on a large wiki.
    for blob in [obj for obj in session.identity_map.values() if isinstance(obj, Blob)]:
        session.expunge(blob)
    return {"id": blob_id, BLOB_TEXT_FIELD: text}
