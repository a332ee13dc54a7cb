"""Loading an export file into an empty wiki, whole or not at all.

The import runs in one write transaction: a refusal anywhere (see ``records`` and ``references``)
rolls everything back. Rows keep their ids, so that the wiki exports again to the same bytes; on
PostgreSQL the id sequences are then moved past the imported ids. Blob texts are stored again
(compressed, as deltas of the text before them, their HTML rendered by the renderer given), and
every recipe is queued in the search outbox so the index catches up with the imported wiki.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, Table, bindparam, insert, select, text, update
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from ..blobs import blob_id, store_blob
from ..database import begin_write
from ..errors import Invalid
from ..models import Recipe, SearchOutbox
from .contents import check_contents
from .export import Progress
from .plan import (
    BLOB_TABLE,
    BLOB_TEXT_FIELD,
    DERIVED_TABLES,
    TablePlan,
    export_plan,
    metadata,
    schema_revision,
)
from .records import Header, ImportRefused, decode_row, read_header, read_record
from .references import ReferenceBook

Renderer = Callable[[str], str]
ROWS_PER_INSERT = 500
PROGRESS_EVERY = 100


@dataclass(frozen=True)
class ImportReport:
    """What an import loaded: records per table."""

    counts: dict[str, int]

    @property
    def records(self) -> int:
        return sum(self.counts.values())


def import_wiki(
    session: Session,
    lines: Iterable[str],
    *,
    render: Renderer,
    progress: Progress | None = None,
    with_passwords: bool = False,
) -> ImportReport:
    """Load an export file (its lines) into this empty wiki, in one transaction.

    The file's password hashes are kept only ``with_passwords``: whoever wrote the file chose them, so
    a file must not give anyone a way in unless the person importing it trusts it with that.
    Otherwise every account gets a hash no password matches (``levain user password`` sets one).
    """
    numbered = _numbered(lines)
    begin_write(session)
    try:
        first = next(numbered, (1, None))[1]
        header = read_header(first, schema_revision(session))
        plans = _plans_of(header.counts, header.passwords)
        _require_empty(session)
        loader = _Loader(session, plans, header, render, keep_passwords=with_passwords and header.passwords)
        total = sum(header.counts.values())
        for line_number, line in numbered:
            loader.add(line_number, line)
            if progress is not None and (loader.read % PROGRESS_EVERY == 0 or loader.read == total):
                progress(loader.read, total)
        loader.finish()
        _queue_for_search(session)
        _move_sequences(session, plans)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return ImportReport({plan.name: header.counts[plan.name] for plan in plans})


def _numbered(lines: Iterable[str]) -> Iterator[tuple[int, str]]:
    """The lines with their numbers; a byte that is not UTF-8 is refused with its line."""
    iterator, number = iter(lines), 0
    while True:
        number += 1
        try:
            line = next(iterator)
        except StopIteration:
            return
        except UnicodeDecodeError as error:
            raise ImportRefused(number, "the file is not UTF-8 text") from error
        yield number, line


def _plans_of(counts: dict[str, int], passwords: bool) -> list[TablePlan]:
    """The plan of the file's tables, which must be this schema's exported tables, in order."""
    plans = export_plan(passwords)
    expected = [plan.name for plan in plans]
    if list(counts) != expected:
        raise ImportRefused(1, f"the header lists the tables {list(counts)}; this schema exports {expected}")
    return plans


def _require_empty(session: Session) -> None:
    tables = [table for table in metadata().sorted_tables if table.name not in DERIVED_TABLES]
    filled = [table.name for table in tables if session.scalar(select(1).select_from(table).limit(1))]
    if filled:
        raise Invalid(
            f"This wiki is not empty (it has {', '.join(filled)}): import only into a new, empty instance."
        )


class _Loader:
    """Reads records table by table and inserts them in batches, checking each line."""

    def __init__(
        self,
        session: Session,
        plans: list[TablePlan],
        header: Header,
        render: Renderer,
        *,
        keep_passwords: bool,
    ):
        self.session, self.plans, self.header, self.render = session, plans, header, render
        self.keep_passwords = keep_passwords
        self.references = ReferenceBook(plans)
        self.by_name = {plan.name: plan for plan in plans}
        self.position = 0  # the plan whose records are being read
        self.batch: list[tuple[int, dict[str, Any]]] = []
        self.read = 0
        self.last_blob: str | None = None

    def add(self, line_number: int, line: str) -> None:
        name, raw = read_record(line_number, line)
        plan = self._plan_for(line_number, name)
        row = decode_row(line_number, plan, raw, self.keep_passwords)
        check_contents(line_number, plan.name, row)
        inserted = self.references.check(line_number, plan, row)
        self.read += 1
        if plan.name == BLOB_TABLE:
            self._store_blob(line_number, row)
        else:
            self.batch.append((line_number, inserted))
            if len(self.batch) >= ROWS_PER_INSERT:
                self._flush()

    def _plan_for(self, line_number: int, name: str) -> TablePlan:
        if name not in self.by_name:
            raise ImportRefused(line_number, f"unknown table {name!r}")
        index = next(i for i, plan in enumerate(self.plans) if plan.name == name)
        if index < self.position:
            raise ImportRefused(
                line_number,
                f"a {name!r} record after the {self.plans[self.position].name!r} records: "
                "records come table by table, in the order of the header",
            )
        while self.position < index:
            self._close_table(line_number)
            self.position += 1
        return self.plans[index]

    def _close_table(self, line_number: int) -> None:
        self._flush()
        plan = self.plans[self.position]
        found, announced = self.references.count(plan.name), self.header.counts[plan.name]
        if found != announced:
            raise ImportRefused(
                line_number,
                f"the header announces {announced} {plan.name!r} records, the file has {found}"
                + (": it is truncated" if found < announced else ""),
            )

    def finish(self) -> None:
        """Check that nothing is missing, then write the forward references."""
        end = self.read + 2  # the line after the last one
        while self.position < len(self.plans):
            self._close_table(end)
            self.position += 1
        self.references.settle()
        for (table, column), refs in _grouped(self.references.forward).items():
            _write_forward(self.session, self.by_name[table], column, refs)

    def _store_blob(self, line_number: int, row: dict[str, Any]) -> None:
        text_value = row[BLOB_TEXT_FIELD]
        if blob_id(text_value) != row["id"]:
            raise ImportRefused(line_number, "the blob's text does not match its id (its sha-256)")
        self.last_blob = store_blob(self.session, text_value, self.render, hint=self.last_blob)

    def _flush(self) -> None:
        if self.batch:
            _insert(self.session, self.plans[self.position].table, self.batch)
            self.batch = []


def _insert(session: Session, table: Table, batch: list[tuple[int, dict[str, Any]]]) -> None:
    """Insert a batch; when the database refuses it, find the line it refuses and say why."""
    try:
        with session.begin_nested():
            session.execute(insert(table), [row for _, row in batch])
        return
    except (IntegrityError, DataError):
        pass
    for line_number, row in batch:
        try:
            with session.begin_nested():
                session.execute(insert(table), [row])
        except (IntegrityError, DataError) as error:
            reason = str(error.orig).strip().splitlines()[0]
            raise ImportRefused(
                line_number, f"the database refuses this {table.name!r} row: {reason}"
            ) from error
    raise ImportRefused(batch[0][0], f"the database refuses these {table.name!r} rows together")


def _grouped(refs) -> dict[tuple[str, str], list]:
    groups: dict[tuple[str, str], list] = {}
    for ref in refs:
        groups.setdefault((ref.column.table.name, ref.column.name), []).append(ref)
    return groups


def _write_forward(session: Session, plan: TablePlan, column: str, refs) -> None:
    table = plan.table
    keys = [table.c[name] for name in plan.key_names]
    statement = (
        update(table)
        .where(*(key == bindparam(f"key_{key.name}") for key in keys))
        .values({column: bindparam("forward_value")})
    )
    params = [
        {"forward_value": ref.value, **{f"key_{k.name}": v for k, v in zip(keys, ref.key, strict=True)}}
        for ref in refs
    ]
    session.execute(statement, params)


def _queue_for_search(session: Session) -> None:
    """Every recipe waits in the outbox: the index writer (or ``search rebuild``) indexes them."""
    ids = list(session.scalars(select(Recipe.id).order_by(Recipe.id)))
    for start in range(0, len(ids), ROWS_PER_INSERT):
        session.execute(
            insert(SearchOutbox), [{"recipe_id": id_} for id_ in ids[start : start + ROWS_PER_INSERT]]
        )


def _move_sequences(session: Session, plans: list[TablePlan]) -> None:
    """On PostgreSQL, the next id of each table comes after the imported ones (SQLite needs nothing)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for plan in plans:
        keys = list(plan.table.primary_key.columns)
        if len(keys) != 1 or not isinstance(keys[0].type, Integer) or keys[0].autoincrement is False:
            continue
        column, table = f'"{keys[0].name}"', f'"{plan.name}"'
        next_id = f"SELECT setval(pg_get_serial_sequence(:table, :column), COALESCE(MAX({column}), 1), "
        session.execute(
            text(f"{next_id}MAX({column}) IS NOT NULL) FROM {table}"),
            {"table": plan.name, "column": keys[0].name},
        )
