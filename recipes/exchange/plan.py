"""Which tables an export file holds, in which order, with which fields: the same plan writes and reads.

Every table of the models' metadata is either *exported* or *derived*. Derived tables (the search
index and its outbox) are rebuilt from the rest after an import and never written. Password hashes
are exported only when asked for, and imported only when asked for again (a file can be forged); API
tokens are never exported: a token is a key that needs no password, and a new one is one command away
(``levain user token``). Any other table is exported
row by row, its columns written by the codec of their type, so a table added to the models is in the
next export without a line of code here; a column type no codec knows stops the export instead.

Blobs are the one table written differently: as their text (``{"id", "text"}``), never in their
compressed or delta encoding, which an import recomputes.
"""

from __future__ import annotations

from dataclasses import dataclass

from alembic.migration import MigrationContext
from sqlalchemy import Column, MetaData, Table, Text, inspect
from sqlalchemy.orm import Session

import recipes.search.models  # noqa: F401 - the search tables belong to the metadata
from recipes.models import Base

from .codec import Codec, codec_for

FORMAT_NAME = "levain-export"
FORMAT_VERSION = 1
# Never exported: the search index, rebuilt from the exported tables after an import (see ``levain
# search rebuild``), and the data generation, which counts writes for the serving processes.
DERIVED_TABLES = frozenset(
    {
        "search_outbox",
        "search_documents",
        "search_texts",
        "search_facet_sets",
        "search_words",
        "data_generation",
    }
)
# API tokens are never written nor read; password hashes only on request (``--with-passwords``).
CREDENTIAL_TABLES = frozenset({"api_tokens"})
CREDENTIAL_COLUMNS = {"users": ("password_hash",)}
# The password hash given to accounts imported without one: no password ever matches it.
UNUSABLE_PASSWORD = "!"
BLOB_TABLE = "blobs"
BLOB_TEXT_FIELD = "text"
# Tables Levain's migrations keep for themselves.
MIGRATION_TABLES = frozenset({"alembic_version"})


@dataclass(frozen=True)
class Field:
    """One field of a table's records: a column (or a blob's text) and its codec."""

    name: str
    codec: Codec
    column: Column | None


@dataclass(frozen=True)
class TablePlan:
    """How one exported table is written: its fields in column order, its rows by primary key."""

    table: Table
    fields: tuple[Field, ...]

    @property
    def name(self) -> str:
        return self.table.name

    @property
    def key_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.table.primary_key.columns)


def metadata() -> MetaData:
    return Base.metadata


def export_plan(with_credentials: bool) -> list[TablePlan]:
    """The exported tables in dependency order (a row's references come before it, but for cycles).

    ``with_credentials``: with the password hashes of the accounts (never with API tokens).
    """
    plans = []
    for table in metadata().sorted_tables:
        if table.name in DERIVED_TABLES or table.name in CREDENTIAL_TABLES:
            continue
        plans.append(TablePlan(table, _fields(table, with_credentials)))
    return plans


def _fields(table: Table, with_credentials: bool) -> tuple[Field, ...]:
    if table.name == BLOB_TABLE:
        text = Field(BLOB_TEXT_FIELD, codec_for(Column(BLOB_TEXT_FIELD, Text, nullable=False)), None)
        return (Field("id", codec_for(table.c.id), table.c.id), text)
    left_out = () if with_credentials else CREDENTIAL_COLUMNS.get(table.name, ())
    return tuple(Field(c.name, codec_for(c), c) for c in table.columns if c.name not in left_out)


def unplanned_tables(session: Session) -> list[str]:
    """Tables of the database that the export would miss: neither in the models nor derived."""
    known = set(metadata().tables) | MIGRATION_TABLES
    return sorted(set(inspect(session.connection()).get_table_names()) - known)


def schema_revision(session: Session) -> str | None:
    """The migration the database is at: an export is imported into the same schema."""
    return MigrationContext.configure(session.connection()).get_current_revision()
