"""Bulk row writes for snapshots and demo data: one statement per batch, many rows each."""
from __future__ import annotations

from typing import Any, Iterable, Mapping, Sequence

from sqlalchemy import Connection

from .tables import spec


def insert_rows(conn: Connection, table: str, rows: Sequence[Mapping[str, Any]], *,
                on_conflict: str = "error") -> int:
    """Insert full rows (every column given, missing ones NULL). ``on_conflict``: error | replace | ignore.

    Works on SQLite (driver-level executemany, the fastest path) and PostgreSQL (SQLAlchemy
    insertmanyvalues). Returns the number of rows sent.
    """
    if not rows:
        return 0
    ts = spec(table)
    cols = ts.columns
    if conn.dialect.name == "sqlite":
        verb = {"error": "INSERT", "replace": "INSERT OR REPLACE", "ignore": "INSERT OR IGNORE"}[on_conflict]
        sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
        sql = sql.replace("INSERT", verb, 1)
        # sqlite3 binds True/False as 1/0 by itself; map(dict.get) halves the cost for big batches.
        params = [tuple(map(r.get, cols)) for r in rows]
        conn.connection.driver_connection.executemany(sql, params)
        return len(rows)
    from sqlalchemy.dialects.postgresql import insert  # noqa: PLC0415

    from .tables import MODELS  # noqa: PLC0415

    t = MODELS[table].__table__
    stmt = insert(t)
    if on_conflict == "replace":
        stmt = stmt.on_conflict_do_update(index_elements=["id"],
                                          set_={c: stmt.excluded[c] for c in cols if c != "id"})
    elif on_conflict == "ignore":
        stmt = stmt.on_conflict_do_nothing(index_elements=["id"])
    bools = ts.bool_fields | ({"deleted"} if ts.mutable else set())
    conn.execute(stmt, [{c: (bool(r[c]) if c in bools and r.get(c) is not None else r.get(c))
                         for c in cols} for r in rows])
    return len(rows)


def copy_rows(conn: Connection, table: str, rows: Sequence[Mapping[str, Any]]) -> int:
    """Plain inserts of full rows; on PostgreSQL through ``COPY ... FROM STDIN`` on the same connection
    (same transaction), about 3-4 x faster than insertmanyvalues for a city's seed. Elsewhere
    :func:`insert_rows`."""
    if not rows:
        return 0
    if conn.dialect.name != "postgresql":
        return insert_rows(conn, table, rows)
    ts = spec(table)
    cols = ts.columns
    bools = ts.bool_fields | ({"deleted"} if ts.mutable else set())
    at = [i for i, c in enumerate(cols) if c in bools]
    raw = conn.connection.driver_connection
    with raw.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
        for r in rows:
            values = list(map(r.get, cols))
            for i in at:
                if values[i] is not None:
                    values[i] = bool(values[i])
            copy.write_row(values)
    return len(rows)


def batched(items: Iterable, size: int):
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
