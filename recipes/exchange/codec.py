"""How a column's values are written in an export file and read back: one small codec per kind of type.

JSON has no timestamps or bytes, so a timestamp is written as ISO 8601 text (with its offset when the
column keeps the timezone, always UTC) and bytes as base64 text. Reading checks what writing
guarantees: the JSON type, the length of a text, NULL only where the column allows it.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    Integer,
    LargeBinary,
    Numeric,
    String,
    types,
)


class UnsupportedColumn(TypeError):
    """A column whose type no codec knows: the export format must learn it before the table is exported."""


@dataclass(frozen=True)
class Codec:
    """How one column is encoded to JSON and decoded from it."""

    kind: str
    nullable: bool
    encode_value: Callable[[Any], Any]
    decode_value: Callable[[Any], Any]
    max_length: int | None = None

    def encode(self, value: Any) -> Any:
        return None if value is None else self.encode_value(value)

    def decode(self, value: Any) -> Any:
        """The column value for a JSON value, or ValueError saying what was expected."""
        if value is None:
            if not self.nullable:
                raise ValueError("may not be null")
            return None
        decoded = self.decode_value(value)
        if self.max_length is not None and len(decoded) > self.max_length:
            raise ValueError(f"expected at most {self.max_length} characters, got {len(decoded)}")
        return decoded


def codec_for(column: Column) -> Codec:
    """The codec of a table column, by the kind of its type."""
    type_ = column.type
    if isinstance(type_, types.TypeDecorator):
        type_ = type_.impl_instance
    for kind, type_class, encode, decode in _KINDS:
        if isinstance(type_, type_class):
            length = getattr(type_, "length", None) if kind == "text" else None
            if kind == "timestamp" and type_.timezone:
                encode, decode = _encode_aware, _decode_aware
            if kind == "integer":
                decode = _whole_number_within(64 if isinstance(type_, BigInteger) else 32)
            return Codec(kind, bool(column.nullable), encode, decode, length)
    raise UnsupportedColumn(
        f"{column.table.name}.{column.name} has a type the export cannot write: {type_!r}"
    )


def _expect(json_type: type | tuple[type, ...], what: str) -> Callable[[Any], Any]:
    def decode(value: Any) -> Any:
        if not isinstance(value, json_type) or isinstance(value, bool) and json_type is not bool:
            raise ValueError(f"expected {what}, got {value!r:.40}")
        return value

    return decode


def _whole_number_within(bits: int) -> Callable[[Any], int]:
    """A decoder of whole numbers that a signed integer column of ``bits`` bits holds.

    Integer columns are 32 bits on PostgreSQL; a larger number would fail inside the database.
    """
    low, high = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
    whole = _expect(int, "a whole number")

    def decode(value: Any) -> int:
        number = whole(value)
        if not low <= number <= high:
            raise ValueError(f"expected a whole number from {low} to {high}, got {str(number)[:40]}")
        return number

    return decode


def _decode_text(value: Any) -> str:
    text = _expect(str, "a text")(value)
    if "\x00" in text:
        raise ValueError("a text may not contain the NUL character")
    return text


def _encode_aware(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


def _decode_aware(value: Any) -> datetime:
    moment = _decode_naive(value)
    if moment.tzinfo is None:
        raise ValueError(f"expected a time with its UTC offset, got {value!r:.40}")
    try:
        return moment.astimezone(UTC)  # stored in UTC, where 9999-12-31T23:59-12:00 does not exist
    except OverflowError as error:
        raise ValueError(f"expected a time between the years 1 and 9999 in UTC, got {value!r:.40}") from error


def _decode_naive(value: Any) -> datetime:
    try:
        return datetime.fromisoformat(_expect(str, "an ISO 8601 time")(value))
    except ValueError as error:
        raise ValueError(f"expected an ISO 8601 time, got {value!r:.40}") from error


def _decode_date(value: Any) -> date:
    try:
        return date.fromisoformat(_expect(str, "an ISO 8601 date")(value))
    except ValueError as error:
        raise ValueError(f"expected an ISO 8601 date, got {value!r:.40}") from error


def _decode_bytes(value: Any) -> bytes:
    try:
        return base64.b64decode(_expect(str, "base64 text")(value), validate=True)
    except binascii.Error as error:
        raise ValueError("expected base64 text") from error


def _encode_bytes(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")


def _same(value: Any) -> Any:
    return value


# Order matters: Boolean before Integer, DateTime before the others (kind, type, encode, decode).
_KINDS: tuple[tuple[str, type, Callable, Callable], ...] = (
    ("boolean", Boolean, _same, _expect(bool, "true or false")),
    ("integer", Integer, _same, _expect(int, "a whole number")),
    ("number", (Float, Numeric), float, _expect((int, float), "a number")),
    ("timestamp", DateTime, datetime.isoformat, _decode_naive),
    ("date", Date, date.isoformat, _decode_date),
    ("text", String, _same, _decode_text),
    ("bytes", LargeBinary, _encode_bytes, _decode_bytes),
    ("json", JSON, _same, _same),
)
