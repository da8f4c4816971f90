"""Small tools the demo generator builds rows with: seeded ids, times, full-row templates."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from random import Random

from ..store.tables import spec

CHINA = timezone(timedelta(hours=8))
DAY = 86400


def seeded_id(rng: Random) -> str:
    """A UUID (version 4 layout) made only from the seeded generator's bits: reproducible."""
    x = rng.getrandbits(128)
    x = (x & ~(0xF << 76)) | (0x4 << 76)
    x = (x & ~(0x3 << 62)) | (0x2 << 62)
    h = f"{x:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class IdMaker:
    """Seeded ids in the UUIDv7 layout: a counter where v7 has its millisecond clock, then seeded bits.

    Like real UUIDv7 ids they sort in the order they were made, so B-tree inserts stay at the
    end of each index (random ids make bulk inserts of a big city many times slower). Each
    ``space`` (a community's index) gets its own stretch of the counter, so spaces never collide.
    """

    BASE_MS = 1_700_000_000_000
    SPACE_MS = 1_000_000_000

    def __init__(self, rng: Random, space: int):
        self.rng = rng
        self.next_ms = self.BASE_MS + (space + 1) * self.SPACE_MS

    def __call__(self) -> str:
        ms = self.next_ms
        self.next_ms += 1
        rand = self.rng.getrandbits(74)
        value = (ms << 80) | (0x7 << 76) | ((rand >> 62) << 64) | (0b10 << 62) | (rand & ((1 << 62) - 1))
        h = f"{value:032x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def iso(ts: int) -> str:
    """Epoch seconds as an ISO time in China time, the form the store writes (seconds, +08:00)."""
    return datetime.fromtimestamp(ts, CHINA).isoformat()


def iso_date(ts: int) -> str:
    return datetime.fromtimestamp(ts, CHINA).date().isoformat()


class HlcStamps:
    """HLC stamps (``<ms>-<counter>-<node>``, as ``domain.hlc``) for rows made at a given time."""

    def __init__(self, node: str):
        self.node = node
        self.counter = 0

    def at(self, ts: int) -> str:
        # The counter keeps stamps of one community distinct and in generation order.
        self.counter = (self.counter + 1) % 10000
        return f"{ts * 1000:013d}-{self.counter:04d}-{self.node}"


class RowTemplate:
    """Full rows of one table: every column present, model defaults filled, sync meta set.

    ``make(**values)`` copies the template and sets the values given. Booleans are 0/1 as
    SQLite returns them.
    """

    def __init__(self, table: str, community_id: str | None = None):
        from ..store.tables import MODELS  # noqa: PLC0415

        ts = spec(table)
        self.table = table
        self.columns = ts.columns
        template: dict = dict.fromkeys(ts.columns)
        for col in MODELS[table].__table__.columns:
            default = col.default
            if default is not None and getattr(default, "is_scalar", False):
                value = default.arg
                template[col.name] = int(value) if isinstance(value, bool) else value
        if ts.mutable:
            template["versions"] = "{}"
            template["deleted"] = 0
        template["community_id"] = community_id
        self.template = template

    def make(self, **values) -> dict:
        row = self.template.copy()
        row.update(values)
        return row
