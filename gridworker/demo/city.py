"""The demo city, community by community, as batches of full rows in sync order.

Everything comes from ``random.Random`` streams seeded by ``(seed, community index)``: ids
included, so the same seed, household count and ``now`` give byte-identical rows. Only one
community (at most about 8,000 households and their rows) is held in memory at a time.
"""
from __future__ import annotations

from datetime import datetime, time
from random import Random
from typing import Iterator

from ..store.tables import SYNC_ORDER
from .ballots import ballots
from .cases import cases
from .context import Community
from .party import party
from .people import finish_households, layout, populate
from .places import plan_city
from .rowkit import CHINA, DAY, HlcStamps, IdMaker, RowTemplate, iso, seeded_id
from .visits import visits

BATCH = 5000
MAX_HOUSEHOLDS = 2_000_000


def demo_now(now: datetime | None = None) -> datetime:
    """The generator's "now": the given time (naive = China time), else the start of today in China.

    Whole days keep a default run reproducible within a day.
    """
    if now is None:
        today = datetime.now(CHINA).date()
        return datetime.combine(today, time(0), tzinfo=CHINA)
    if now.tzinfo is None:
        now = now.replace(tzinfo=CHINA)
    return now


def iter_city(households: int, seed: int = 1, *, now: datetime | None = None) -> Iterator[tuple[str, list[dict]]]:
    """Yield ``(table, rows)`` for a city of ``households`` households, parents before children.

    Rows are full (every column of the table, JSON fields as JSON text, sync metadata set:
    ``versions`` "{}", ``deleted`` 0, ``server_seq`` None). Batches hold at most ``BATCH`` rows.
    Order: the city's districts and streets, then each community in turn with its tables in
    ``SYNC_ORDER``. Communities hold about 3,000-8,000 households (one community below 8,000).
    """
    if not isinstance(households, int) or households < 1 or households > MAX_HOUSEHOLDS:
        raise ValueError(f"households must be between 1 and {MAX_HOUSEHOLDS:,}, got {households!r}")
    now_ts = int(demo_now(now).timestamp())
    city_rng = Random(f"gridworker-demo/{seed}/city")
    device_id = seeded_id(city_rng)
    node = device_id[-12:]
    plan = plan_city(households, city_rng, IdMaker(city_rng, -1))
    org = RowTemplate("org_unit")
    stamps = HlcStamps(node)
    made = now_ts - 400 * DAY
    # City, districts and streets sit above every community: each is its own sync scope.
    yield "org_unit", [org.make(id=oid, community_id=oid, code=code, name=name, level=level, parent_id=parent,
                                updated_at=iso(made), hlc=stamps.at(made))
                       for oid, code, name, level, parent in plan.org_rows]
    used_names: set[str] = set()
    # Every ID number of the city so far (first 17 digits as int: about 60 bytes each, ~90 MB
    # for the whole city), so that none repeats across communities.
    id_numbers: set[int] = set()
    for cp in plan.communities:
        rng = Random(f"gridworker-demo/{seed}/community/{cp.index}")
        c = Community(cp, rng, now_ts, node, device_id, used_names, id_numbers)
        layout(c)
        populate(c)
        party(c)
        finish_households(c)
        cases(c)
        visits(c)
        ballots(c)
        for table in SYNC_ORDER:
            rows = c.out[table]
            for start in range(0, len(rows), BATCH):
                yield table, rows[start:start + BATCH]
        c.out.clear()

