"""The references of an import: every key unique, every foreign key naming a row of the file.

Records come table by table, a table's references before it. Two kinds of reference point forward:
a table to one that comes later (a recipe to its head revision: the cycle is broken by the schema's
``use_alter`` keys) and a row to a later row of its own table. Such a value is inserted as NULL,
remembered with its line, checked once the whole file is read, and then written by ``UPDATE``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, ForeignKey

from .plan import TablePlan
from .records import ImportRefused


@dataclass(frozen=True)
class ForwardReference:
    """A foreign key value set once the file is read: ``column`` of the row whose key is ``key``."""

    line: int
    column: Column
    key: tuple[Any, ...]
    value: Any


class ReferenceBook:
    """What the file has defined so far, and the forward references it still owes."""

    def __init__(self, plans: list[TablePlan]):
        self._position = {plan.name: index for index, plan in enumerate(plans)}
        self._keys: dict[str, set[tuple[Any, ...]]] = defaultdict(set)
        self._values: dict[tuple[str, str], set[Any]] = defaultdict(set)
        self._references = {plan.name: _single_column_keys(plan) for plan in plans}
        self._referenced = {
            (fk.column.table.name, fk.column.name) for keys in self._references.values() for fk in keys
        }
        self.forward: list[ForwardReference] = []

    def check(self, line: int, plan: TablePlan, row: dict[str, Any]) -> dict[str, Any]:
        """Accept a row: its key is new, its references are known or owed; returns the row to insert."""
        key = tuple(row[name] for name in plan.key_names)
        if key in self._keys[plan.name]:
            raise ImportRefused(
                line, f"a second {plan.name!r} row with the key {_shown(plan.key_names, key)}"
            )
        self._keys[plan.name].add(key)
        for name, value in row.items():
            if (plan.name, name) in self._referenced:
                self._values[(plan.name, name)].add(value)
        inserted = dict(row)
        for fk in self._references[plan.name]:
            value = row[fk.parent.name]
            if value is None or value in self._values[(fk.column.table.name, fk.column.name)]:
                continue
            if self._position.get(fk.column.table.name, -1) < self._position[plan.name]:
                raise ImportRefused(line, _broken(plan.name, fk, value))
            if not fk.parent.nullable:
                raise ImportRefused(line, f"{plan.name}.{fk.parent.name} refers to a row that comes later")
            self.forward.append(ForwardReference(line, fk.parent, key, value))
            inserted[fk.parent.name] = None
        return inserted

    def settle(self) -> None:
        """Check the forward references now that every row is known."""
        for ref in self.forward:
            fk = next(iter(ref.column.foreign_keys))
            if ref.value not in self._values[(fk.column.table.name, fk.column.name)]:
                raise ImportRefused(ref.line, _broken(ref.column.table.name, fk, ref.value))

    def count(self, table: str) -> int:
        return len(self._keys[table])


def _single_column_keys(plan: TablePlan) -> list[ForeignKey]:
    """The foreign keys of the written columns (multi-column keys are left to the database)."""
    written = {field.name for field in plan.fields}
    return [
        fk
        for fk in sorted(plan.table.foreign_keys, key=lambda fk: fk.parent.name)
        if len(fk.constraint.columns) == 1 and fk.parent.name in written
    ]


def _broken(table: str, fk: ForeignKey, value: Any) -> str:
    target = fk.column.table.name
    return f"{table}.{fk.parent.name} refers to {target} {fk.column.name}={value!r}, not in the file"


def _shown(names: tuple[str, ...], key: tuple[Any, ...]) -> str:
    return ", ".join(f"{name}={value!r}" for name, value in zip(names, key, strict=True))
