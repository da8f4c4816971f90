"""Community checksums: the sum of row hashes mod 2^64, whole and in 256 buckets by id.

The same code runs on the laptop (SQLite) and the server (SQLite or PostgreSQL), so both sides
hash exactly the same canonical values. Tombstoned rows count (their hash includes ``deleted``):
a laptop that missed a delete does not match.
"""
from __future__ import annotations

from typing import Iterator

from sqlalchemy import Connection, text

from ..store.rows import MASK64, bucket_of, row_hash
from ..store.tables import SYNC_ORDER, spec


def _hash_columns(table: str) -> list[str]:
    ts = spec(table)
    return ["id", *ts.fields] + (["deleted"] if ts.mutable else [])


def iter_row_hashes(conn: Connection, community_id: str | None) -> Iterator[tuple[str, str, int]]:
    """(table, id, hash) of every row of a community (every row when community_id is None)."""
    for table in SYNC_ORDER:
        cols = _hash_columns(table)
        sql = f"SELECT {', '.join(cols)} FROM {table}"
        params = {}
        if community_id is not None:
            sql += " WHERE community_id = :c"
            params["c"] = community_id
        result = conn.execute(text(sql), params)
        for values in result:
            row = dict(zip(cols, values))
            yield table, row["id"], row_hash(table, row)


def checksum(conn: Connection, community_id: str | None) -> int:
    total = 0
    for _t, _id, h in iter_row_hashes(conn, community_id):
        total += h
    return total & MASK64


def bucket_sums(conn: Connection, community_id: str | None) -> tuple[int, list[int]]:
    """The whole checksum and the 256 bucket sums."""
    buckets = [0] * 256
    for _t, row_id, h in iter_row_hashes(conn, community_id):
        b = bucket_of(row_id)
        buckets[b] = (buckets[b] + h) & MASK64
    return sum(buckets) & MASK64, buckets


def rows_in_buckets(conn: Connection, community_id: str | None,
                    wanted: set[int]) -> dict[tuple[str, str], int]:
    """(table, id) -> hash of the rows in the given buckets."""
    return {(t, i): h for t, i, h in iter_row_hashes(conn, community_id) if bucket_of(i) in wanted}
