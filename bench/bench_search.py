"""Search latency on a laptop database of 100,000 households (run by hand, never inside tests).

    .venv/bin/python bench/bench_search.py                 # build or reuse bench/out/search-100000.db
    .venv/bin/python bench/bench_search.py --households 20000 --queries 300 --fresh

Reports p50 / p95 / max per kind of query (1–3 character name prefixes, pinyin, initials, phone
tail, ID tail, address fragments, each with and without filters), the first page of the unfiltered
list ordered by address, counts, the time to rebuild the index, and the cost of keeping the index
current during a 20,000-row import through the unit of work.

The database is built once with plain bulk inserts (no outbox: this is a data set, not edits) and
cached under bench/out/; ``gridworker.demo.write_laptop`` is used instead when it exists.
"""
from __future__ import annotations

import argparse
import json
import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gridworker.domain.ids import new_id  # noqa: E402
from gridworker.domain.idcard import check_char  # noqa: E402
from gridworker.domain.pinyin import name_keys  # noqa: E402
from gridworker.store import search, search_index  # noqa: E402
from gridworker.store.bulk import batched, insert_rows  # noqa: E402
from gridworker.store.database import Database  # noqa: E402

OUT = ROOT / "bench" / "out"
COMMUNITY = "0190b000-0000-7000-8000-000000000001"
CARE_TAGS = ("独居老人", "空巢老人", "残疾人", "低保/低收入", "留守儿童", "优抚对象/退役军人")
_FALLBACK_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤单"
_FALLBACK_GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英建国建华志强文华红梅玉兰海燕"


# --------------------------------------------------------------------------- data
class Names:
    def __init__(self) -> None:
        try:
            from gridworker.demo.names import NAMES  # noqa: PLC0415 - optional, being written

            self.pool = NAMES
        except Exception:  # noqa: BLE001 - fall back to a small list
            self.pool = None

    def surname(self, rng: random.Random) -> str:
        if self.pool is not None:
            return self.pool.surname(rng)
        return _FALLBACK_SURNAMES[int(rng.random() ** 2 * len(_FALLBACK_SURNAMES))]

    def name(self, rng: random.Random, male: bool, year: int, surname: str | None = None) -> str:
        if self.pool is not None:
            return self.pool.name(rng, male, year, surname)
        given = "".join(rng.choice(_FALLBACK_GIVEN) for _ in range(rng.choice((1, 2, 2))))
        return (surname or self.surname(rng)) + given


def _id_number(rng: random.Random, birth: dt.date, male: bool) -> str:
    seq = rng.randrange(0, 500) * 2 + (1 if male else 0)
    first17 = f"320211{birth:%Y%m%d}{seq:03d}"
    return first17 + check_char(first17)


def _mobile(rng: random.Random) -> str:
    return f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"


def build(path: Path, households: int, seed: int, key: bytes | None = None) -> None:
    """A community-sized city of ``households`` households, bulk-inserted, then indexed."""
    rng = random.Random(seed)
    names = Names()
    db = Database.open(path, key=key)
    db.set_state("community_id", COMMUNITY)
    now = dt.datetime.now().astimezone().replace(microsecond=0)
    meta = {"community_id": COMMUNITY, "versions": "{}", "deleted": 0, "updated_at": now.isoformat()}
    t0 = time.perf_counter()
    grids = [new_id() for _ in range(max(1, households // 3000))]
    org = [{"id": COMMUNITY, "code": "320211001", "name": "基准社区", "level": "community", **meta}]
    org += [{"id": g, "code": f"320211001{i + 1:03d}", "name": f"第{i + 1}网格", "level": "grid",
             "parent_id": COMMUNITY, **meta} for i, g in enumerate(grids)]
    estates = sorted({names.surname(rng) + rng.choice("阳锦春和金康华新") + rng.choice(
        ("花园", "新村", "家园", "苑", "小区", "名都")) for _ in range(max(2, households // 1500))})
    buildings, hh, residents, members, links, visits = [], [], [], [], [], []
    n = 0
    while n < households:
        estate = rng.choice(estates)
        grid = grids[hash(estate) % len(grids)]
        bno = str(rng.randrange(1, 40))
        bid = new_id()
        floors, units, per_floor = rng.choice((6, 6, 11, 18, 26)), rng.choice((1, 2, 3)), 2
        buildings.append({"id": bid, "grid_id": grid, "estate": estate, "building_no": bno,
                          "unit_count": units, "floors": floors, **meta})
        for unit in range(1, units + 1):
            for floor in range(1, floors + 1):
                for r in range(1, per_floor + 1):
                    if n >= households:
                        break
                    n += 1
                    hid = new_id()
                    room = f"{floor}{r:02d}"
                    level = rng.choices(("normal", "key", "high"), (0.85, 0.12, 0.03))[0]
                    surname = names.surname(rng)
                    size = rng.choices((1, 2, 3, 4, 5), (0.18, 0.32, 0.25, 0.17, 0.08))[0]
                    people = []
                    for k in range(size):
                        male = rng.random() < 0.5
                        year = rng.randrange(1935, 2022)
                        birth = dt.date(year, rng.randrange(1, 13), rng.randrange(1, 29))
                        name = names.name(rng, male, year, surname if k != 1 else None)
                        tags = [rng.choice(CARE_TAGS)] if rng.random() < 0.06 else []
                        people.append({"id": new_id(), "household_id": hid, "name": name,
                                       "id_number": _id_number(rng, birth, male), "gender": "1" if male else "2",
                                       "birth_date": birth.isoformat(),
                                       "phone": _mobile(rng) if rng.random() < 0.7 else None,
                                       "relation": "02" if k == 0 else rng.choice(("10", "20", "30", "50")),
                                       "tags": json.dumps(tags, ensure_ascii=False),
                                       "sensitive_tags": "[]", **meta})
                    residents += people
                    htags = ["出租户"] if rng.random() < 0.1 else []
                    address = f"{estate}{bno}幢{unit}单元{room}室"
                    hh.append({"id": hid, "grid_id": grid, "building_id": bid, "estate": estate,
                               "building_no": bno, "unit": str(unit), "room": room, "floor": floor,
                               "address": address, "address_key": f"{estate}|{bno}|{unit}|{room}",
                               "head_name": people[0]["name"], "phone": people[0]["phone"] or _mobile(rng),
                               "attention_level": level,
                               "tags": json.dumps(htags, ensure_ascii=False), **meta})
                    for _ in range(rng.choice((0, 1, 2, 3, 4, 6))):
                        at = now - dt.timedelta(days=rng.randrange(0, 365), minutes=rng.randrange(600))
                        visits.append({"id": new_id(), "community_id": COMMUNITY, "created_at": now.isoformat(),
                                       "household_id": hid, "visited_at": at.isoformat(), "mode": "door"})
    # 1+10+N: a party member per ~7.8 households.
    hids = [h["id"] for h in hh]
    for i in range(0, len(hids), 8):
        pid = new_id()
        members.append({"id": pid, "name": names.name(rng, rng.random() < 0.5, 1970),
                        "phone": _mobile(rng), "is_central_household": 0, "in_service": 0, **meta})
        for hid in hids[i:i + 8]:
            links.append({"id": new_id(), "kind": "member_household", "from_id": pid, "to_id": hid,
                          "active": 1, **meta})
    with db.sync_transaction() as conn:
        for table, rows in (("org_unit", org), ("building", buildings), ("household", hh),
                            ("resident", residents), ("party_member", members), ("contact_link", links),
                            ("visit", visits)):
            for batch in batched(rows, 5000):
                insert_rows(conn, table, batch)
    t1 = time.perf_counter()
    with db.sync_transaction() as conn:
        search_index.rebuild(conn)
    t2 = time.perf_counter()
    db.close()
    print(f"built {households:,} households, {len(residents):,} residents, {len(visits):,} visits "
          f"in {t1 - t0:.1f} s; index rebuild {t2 - t1:.1f} s")


def ensure_database(households: int, seed: int, fresh: bool, key: bytes | None = None) -> Path:
    """The cached search database (``key``: encrypted with it, in a file of its own)."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"search-{households}{'-enc' if key else ''}.db"
    if fresh:
        for p in OUT.glob(f"{path.name}*"):
            p.unlink()
    if path.exists():
        return path
    try:
        from gridworker.demo import write_laptop  # noqa: PLC0415 - optional, being written
    except ImportError:
        write_laptop = None
    if write_laptop is not None:
        db = Database.open(path, key=key)
        t0 = time.perf_counter()
        write_laptop(db, households, seed)
        db.close()
        print(f"built with gridworker.demo.write_laptop in {time.perf_counter() - t0:.1f} s")
    else:
        build(path, households, seed, key)
    return path


# --------------------------------------------------------------------------- queries
def make_queries(conn, rng: random.Random, count: int) -> list[tuple[str, str, dict]]:
    """(category, text, filters): drawn from the data, in realistic shares."""
    c = search_index.raw(conn)
    sample = c.execute("SELECT r.name, r.phone, r.id_number, h.address, h.estate, h.grid_id, h.building_id"
                       " FROM resident r JOIN household h ON h.id = r.household_id"
                       " WHERE r.deleted = 0 ORDER BY random() LIMIT ?", (count * 2,)).fetchall()
    queries: list[tuple[str, str, dict]] = []
    makers = []

    def add(cat, fn):
        makers.append((cat, fn))

    add("name 1 char", lambda s: s[0][:1])
    add("name 2 chars", lambda s: s[0][:2])
    add("name 3 chars", lambda s: s[0][:3])
    add("given name", lambda s: s[0][1:])
    add("pinyin prefix", lambda s: name_keys(s[0]).full[:rng.randrange(2, 7)])
    add("pinyin full", lambda s: name_keys(s[0]).full)
    add("initials", lambda s: name_keys(s[0]).initials)
    add("initials 1", lambda s: name_keys(s[0]).initials[:1])
    add("phone tail 4", lambda s: (s[1] or "13800001234")[-4:])
    add("id tail 4", lambda s: s[2][-4:])
    add("id tail 6", lambda s: s[2][-6:])
    add("estate 2 chars", lambda s: s[4][:2])
    add("address fragment", lambda s: s[3][len(s[4]):len(s[4]) + rng.randrange(3, 7)])
    add("estate+building", lambda s: s[3][:len(s[4]) + 3])
    for i in range(count):
        cat, fn = makers[i % len(makers)]
        s = sample[i]
        text = fn(s)
        f = {}
        r = rng.random()
        if r < 0.25:
            f = {"grid_id": s[5]}
        elif r < 0.35:
            f = {"tag": rng.choice(CARE_TAGS)}
        elif r < 0.45:
            f = {"overdue": True}
        elif r < 0.5:
            f = {"building_id": s[6]}
        queries.append((cat + (" +filter" if f else ""), text, f))
    return queries


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def run(path: Path, n_queries: int, seed: int) -> None:
    rng = random.Random(seed)
    db = Database.open(path)
    try:
        with db.read() as conn:
            households = search_index.raw(conn).execute("SELECT count(*) FROM search_household").fetchone()[0]
            queries = make_queries(conn, rng, n_queries)
            # Warm the page cache the way a running app has it.
            search.search_households(conn, "张")
            timings: dict[str, list[float]] = {}
            all_t: list[float] = []
            count_t: list[float] = []
            capped_t: list[float] = []
            for cat, text, f in queries:
                t0 = time.perf_counter()
                hits = search.search_households(conn, text, limit=50, **f)
                dt_ms = (time.perf_counter() - t0) * 1000
                timings.setdefault(cat.replace(" +filter", ""), []).append(dt_ms)
                timings.setdefault("(with filter)" if f else "(no filter)", []).append(dt_ms)
                all_t.append(dt_ms)
                t0 = time.perf_counter()
                search.count_households(conn, text, **f)
                count_t.append((time.perf_counter() - t0) * 1000)
                t0 = time.perf_counter()
                search.count_households(conn, text, cap=1000, **f)
                capped_t.append((time.perf_counter() - t0) * 1000)
                assert hits or f or cat.startswith("address"), (cat, text)
            residents = []
            for cat, text, f in queries[:140]:
                t0 = time.perf_counter()
                search.search_residents(conn, text, limit=50, grid_id=f.get("grid_id"), tag=f.get("tag"))
                residents.append((time.perf_counter() - t0) * 1000)
            first = []
            for _ in range(30):
                t0 = time.perf_counter()
                search.search_households(conn, "", limit=50)
                first.append((time.perf_counter() - t0) * 1000)
            deep = []
            for i in range(30):
                t0 = time.perf_counter()
                search.search_households(conn, "", limit=50, offset=1000 * i)
                deep.append((time.perf_counter() - t0) * 1000)
            overdue = []
            for _ in range(10):
                t0 = time.perf_counter()
                search.search_households(conn, "", overdue=True, order_by="last_visit")
                overdue.append((time.perf_counter() - t0) * 1000)
        print(f"\n{households:,} households, {len(queries)} queries (limit 50); milliseconds")
        print(f"{'query kind':26s} {'n':>4s} {'p50':>7s} {'p95':>7s} {'max':>7s}")
        for cat, ts in sorted(timings.items()):
            print(f"{cat:26s} {len(ts):4d} {statistics.median(ts):7.2f} {pct(ts, 95):7.2f} {max(ts):7.2f}")
        print(f"{'ALL search_households':26s} {len(all_t):4d} {statistics.median(all_t):7.2f} "
              f"{pct(all_t, 95):7.2f} {max(all_t):7.2f}")
        print(f"{'ALL count_households':26s} {len(count_t):4d} {statistics.median(count_t):7.2f} "
              f"{pct(count_t, 95):7.2f} {max(count_t):7.2f}")
        print(f"{'ALL count, cap=1000':26s} {len(capped_t):4d} {statistics.median(capped_t):7.2f} "
              f"{pct(capped_t, 95):7.2f} {max(capped_t):7.2f}")
        for label, ts in (("search_residents", residents), ("first page, by address", first), ("page at offset k*1000", deep),
                          ("overdue, by last visit", overdue)):
            print(f"{label:26s} {len(ts):4d} {statistics.median(ts):7.2f} {pct(ts, 95):7.2f} {max(ts):7.2f}")
    finally:
        db.close()


def bench_import(rows: int = 20_000, seed: int = 7) -> None:
    """A 20,000-row import through the unit of work into a fresh database; how much of it is refresh."""
    import tempfile  # noqa: PLC0415

    rng = random.Random(seed)
    names = Names()
    spent = [0.0]
    original = search_index.refresh

    def timed(conn, changes):
        t0 = time.perf_counter()
        try:
            return original(conn, changes)
        finally:
            spent[0] += time.perf_counter() - t0

    with tempfile.TemporaryDirectory() as tmp:
        db = Database.open(Path(tmp) / "gridworker.db")
        db.set_state("community_id", COMMUNITY)
        with db.write(db.actor("bench")) as uow:
            uow.insert("org_unit", {"code": "320211001", "name": "导入社区", "level": "community"}, row_id=COMMUNITY)
        search_index.refresh = timed
        try:
            t0 = time.perf_counter()
            with db.write(db.actor("bench")) as uow:
                written = 0
                i = 0
                while written < rows:
                    i += 1
                    surname = names.surname(rng)
                    hid = uow.insert("household", {"address": f"导入花园{i // 60 + 1}幢{i % 3 + 1}单元{i % 60 + 101}室",
                                                   "head_name": surname + "某"})
                    written += 1
                    for _ in range(2):
                        uow.insert("resident", {"household_id": hid, "name": names.name(rng, True, 1980, surname),
                                                "phone": _mobile(rng)})
                        written += 1
            total = time.perf_counter() - t0
        finally:
            search_index.refresh = original
        db.close()
    print(f"\nimport of {written:,} rows in one unit of work: {total:.2f} s, of which search_index.refresh "
          f"{spent[0]:.2f} s ({spent[0] / total:.0%})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--households", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=420)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--fresh", action="store_true", help="rebuild the cached database")
    ap.add_argument("--reindex", action="store_true", help="rebuild the search index of the cached database")
    ap.add_argument("--no-import", action="store_true", help="skip the 20,000-row import measurement")
    args = ap.parse_args()
    path = ensure_database(args.households, args.seed, args.fresh)
    if args.reindex:
        db = Database.open(path)
        t0 = time.perf_counter()
        with db.sync_transaction() as conn:
            n = search_index.rebuild(conn)
        print(f"search index rebuilt for {n:,} households in {time.perf_counter() - t0:.1f} s")
        db.close()
    print(f"database: {path} ({path.stat().st_size / 1e6:.0f} MB)")
    run(path, args.queries, args.seed)
    if not args.no_import:
        bench_import()


if __name__ == "__main__":
    main()
