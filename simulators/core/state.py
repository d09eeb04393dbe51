"""Canonical digests and row-level diffs of world states."""

from __future__ import annotations

import functools
import hashlib
import json
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table

__all__ = ["Row", "TableDiff", "WorldDiff", "diff_connections", "diff_images", "digest_connection",
           "read_rows", "schema_cookie"]

Row = dict[str, Any]


@dataclass
class TableDiff:
    """Rows of one table that were inserted, updated (before, after) or deleted."""

    inserted: list[Row] = field(default_factory=list)
    updated: list[tuple[Row, Row]] = field(default_factory=list)
    deleted: list[Row] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.inserted or self.updated or self.deleted)

    def summary(self) -> dict[str, int]:
        return {"inserted": len(self.inserted), "updated": len(self.updated),
                "deleted": len(self.deleted)}


@dataclass
class WorldDiff:
    """Per-table changes between two states of the same world."""

    tables: dict[str, TableDiff] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return any(self.tables.values())

    def table(self, name: str) -> TableDiff:
        return self.tables.get(name, TableDiff())

    def changed_tables(self) -> list[str]:
        return sorted(name for name, change in self.tables.items() if change)

    def to_json(self) -> dict[str, Any]:
        return {name: {"inserted": d.inserted, "deleted": d.deleted,
                       "updated": [{"before": b, "after": a} for b, a in d.updated]}
                for name, d in sorted(self.tables.items()) if d}


def _primary_key(table: Table) -> list[str]:
    return [column.name for column in table.primary_key.columns] or ["rowid"]


def read_rows(conn: sqlite3.Connection, table: Table) -> dict[tuple[Any, ...], Row]:
    """Every row of `table`, keyed by primary key, in primary-key order."""
    key = _primary_key(table)
    columns = [column.name for column in table.columns]
    order = ", ".join(f'"{name}"' for name in key)
    names = ", ".join(f'"{name}"' for name in columns)
    cursor = conn.execute(f'SELECT {names} FROM "{table.name}" ORDER BY {order}')
    rows: dict[tuple[Any, ...], Row] = {}
    for values in cursor:
        row = dict(zip(columns, values, strict=True))
        rows[tuple(row[name] for name in key)] = row
    return rows


def digest_connection(conn: sqlite3.Connection, tables: Iterable[Table]) -> str:
    """sha256 over every row of every table, in a canonical order and encoding."""
    hasher = hashlib.sha256()
    for table in tables:
        hasher.update(table.name.encode() + b"\0")
        for row in read_rows(conn, table).values():
            encoded = json.dumps(row, sort_keys=True, ensure_ascii=False, default=_encode)
            hasher.update(encoded.encode() + b"\n")
    return hasher.hexdigest()


def diff_connections(
    before: sqlite3.Connection, after: sqlite3.Connection, tables: Iterable[Table]
) -> WorldDiff:
    """Row-level differences between two databases holding the same tables."""
    return diff_images(before.serialize(), after.serialize(), tables)


def diff_images(before: bytes, after: bytes, tables: Iterable[Table]) -> WorldDiff:
    """Row-level differences between two database images holding the same tables.

    SQLite finds the changed rows (a join on each table's primary key, in C) over both
    images loaded side by side into this thread's diff connection; only those rows reach
    Python. An episode changes a handful of rows in a world of thousands, so this costs a
    fraction of reading both worlds row by row. The diff connection lives as long as its
    thread, so each table's query is compiled once, not once per diff (in a fresh connection
    compiling them was half the cost of a diff).
    """
    tables = list(tables)
    conn = _diff_connection((tuple(table.name for table in tables),
                             schema_cookie(before), schema_cookie(after)))
    conn.deserialize(before, name=_BEFORE)
    conn.deserialize(after, name=_AFTER)
    result = WorldDiff()
    for table in tables:
        result.tables[table.name] = _diff_table(conn, table)
    return result


_BEFORE, _AFTER = "webtwin_before", "webtwin_after"
_DIFF = threading.local()


def _diff_connection(kind: tuple[Any, ...]) -> sqlite3.Connection:
    """This thread's connection for diffs of this kind of image (the tables diffed and both
    images' schema cookies), with the two attached databases a diff fills.

    One per kind, because SQLite parses a schema again after `deserialize` only when the
    image's schema cookie differs from the one it parsed: an image of other tables with the
    same cookie (the same number of schema changes built it) would be read through the old
    schema's tables and root pages, silently wrong. Images of the same tables hold the same
    schema (each site's is fixed by its code), so their diffs share a connection."""
    connections: dict[tuple[Any, ...], sqlite3.Connection] | None = getattr(_DIFF, "conns", None)
    if connections is None:
        connections = _DIFF.conns = {}
    conn = connections.get(kind)
    if conn is None:
        conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        for schema in (_BEFORE, _AFTER):
            conn.execute(f"ATTACH DATABASE ':memory:' AS {schema}")
        connections[kind] = conn
    return conn


def schema_cookie(image: bytes) -> bytes:
    """The schema cookie of a database image (header bytes 40-43): it changes with every
    change to the schema, and SQLite re-reads a schema only when it does."""
    return image[40:44]


def _diff_table(conn: sqlite3.Connection, table: Table) -> TableDiff:
    """One full outer join on the primary key: rows only in one image, and rows whose columns
    differ (`IS NOT`, so NULLs compare as values). SQLite walks one table looking each row up
    in the other, then the other's rows it did not meet: two passes, where a join per kind
    of change took three; an `EXCEPT` would copy and sort every row of both."""
    columns, key = [column.name for column in table.columns], _primary_key(table)
    width = len(columns)
    first = columns.index(key[0])  # NULL on the side that lacks the row (keys are NOT NULL)
    inserted: dict[tuple[Any, ...], Row] = {}
    deleted: dict[tuple[Any, ...], Row] = {}
    updated: dict[tuple[Any, ...], tuple[Row, Row]] = {}
    for values in conn.execute(_diff_query(table.name, tuple(columns), tuple(key))):
        old, new = values[:width], values[width:]
        if old[first] is None:
            row = dict(zip(columns, new, strict=True))
            inserted[tuple(row[name] for name in key)] = row
        elif new[first] is None:
            row = dict(zip(columns, old, strict=True))
            deleted[tuple(row[name] for name in key)] = row
        else:
            row = dict(zip(columns, old, strict=True))
            updated[tuple(row[name] for name in key)] = (row, dict(zip(columns, new, strict=True)))
    return TableDiff(inserted=[inserted[k] for k in sorted(inserted)],
                     deleted=[deleted[k] for k in sorted(deleted)],
                     updated=[updated[k] for k in sorted(updated)])


@functools.cache
def _diff_query(name: str, columns: tuple[str, ...], key: tuple[str, ...]) -> str:
    before = ", ".join(f'b."{column}"' for column in columns)
    after = ", ".join(f'a."{column}"' for column in columns)
    joined = " AND ".join(f'a."{column}" = b."{column}"' for column in key)
    changed = " OR ".join([f'b."{key[0]}" IS NULL', f'a."{key[0]}" IS NULL',
                           *(f'b."{column}" IS NOT a."{column}"' for column in columns
                             if column not in key)])
    return (f'SELECT {before}, {after} FROM {_BEFORE}."{name}" AS b FULL JOIN '
            f'{_AFTER}."{name}" AS a ON {joined} WHERE {changed}')


def _encode(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.hex()
    raise TypeError(f"cannot encode {type(value).__name__} in a digest")
