"""Reading the lines of an export file: its header, its records and their fields, each checked.

Anything wrong is refused with the number of the line and the reason (``ImportRefused``): a line that
is not JSON (a truncated or damaged file), another format or version, a table or column the schema
does not have, a value of the wrong type.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..errors import Invalid
from .plan import (
    CREDENTIAL_COLUMNS,
    FORMAT_NAME,
    FORMAT_VERSION,
    UNUSABLE_PASSWORD,
    TablePlan,
)


class ImportRefused(Invalid):
    """The file cannot be imported; nothing was."""

    def __init__(self, line: int, reason: str):
        super().__init__(f"line {line}: {reason}", line=line)
        self.line = line
        self.reason = reason


@dataclass(frozen=True)
class Header:
    """The first line: the format, the schema it was exported from, and the records per table."""

    schema: str | None
    passwords: bool
    counts: dict[str, int]


def parse_json(line_number: int, line: str) -> Any:
    try:
        return json.loads(line)
    except ValueError as error:
        raise ImportRefused(
            line_number, f"not a complete JSON record ({error.msg}): the file is truncated or damaged"
        ) from error


def read_header(line: str | None, schema: str | None) -> Header:
    """The header of a file whose first line is ``line``, for a database at migration ``schema``."""
    if line is None:
        raise ImportRefused(1, "the file is empty")
    data = parse_json(1, line)
    if not isinstance(data, dict) or data.get("format") != FORMAT_NAME:
        raise ImportRefused(1, f"not a Levain export (the first line names no format {FORMAT_NAME!r})")
    if data.get("version") != FORMAT_VERSION:
        raise ImportRefused(
            1, f"format version {data.get('version')!r}; this Levain reads version {FORMAT_VERSION}"
        )
    if schema is None:
        raise ImportRefused(1, "this database has no schema yet: run `levain init` first")
    if data.get("schema") != schema:
        raise ImportRefused(
            1,
            f"exported from database schema {data.get('schema')!r} but this database is at {schema!r}: "
            "import it with the Levain version that exported it, then upgrade that instance",
        )
    counts, passwords = data.get("tables"), data.get("passwords")
    if (
        not isinstance(passwords, bool)
        or not isinstance(counts, dict)
        or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in counts.values())
    ):
        raise ImportRefused(
            1, "the header needs 'passwords' (true or false) and 'tables' (records per table)"
        )
    return Header(data["schema"], passwords, counts)


def read_record(line_number: int, line: str) -> tuple[str, dict[str, Any]]:
    """The table name and the raw row of a record line."""
    data = parse_json(line_number, line)
    if not isinstance(data, dict) or set(data) != {"table", "row"} or not isinstance(data["row"], dict):
        raise ImportRefused(line_number, 'a record is {"table": <name>, "row": {<column>: <value>, …}}')
    if not isinstance(data["table"], str):
        raise ImportRefused(line_number, "a record's table is a name")
    return data["table"], data["row"]


def decode_row(line_number: int, plan: TablePlan, raw: dict[str, Any], passwords: bool) -> dict[str, Any]:
    """The column values of a row, every field present, known and of its column's type."""
    names = {field.name for field in plan.fields}
    unknown = sorted(set(raw) - names)
    if unknown:
        raise ImportRefused(line_number, f"unknown column {unknown[0]!r} in table {plan.name!r}")
    row = {}
    for field in plan.fields:
        if field.name not in raw:
            raise ImportRefused(line_number, f"column {field.name!r} of table {plan.name!r} is missing")
        try:
            row[field.name] = field.codec.decode(raw[field.name])
        except ValueError as error:
            raise ImportRefused(line_number, f"{plan.name}.{field.name}: {error}") from error
    if not passwords:
        row.update({name: UNUSABLE_PASSWORD for name in CREDENTIAL_COLUMNS.get(plan.name, ())})
    return row
