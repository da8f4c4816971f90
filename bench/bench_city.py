"""Round two (issue #18): the city server on PostgreSQL (run by ``bench.run --round2``; never a test).

    .venv/bin/python -m bench.bench_city [--city URL] [--one URL] [--runs 3]

Needs the whole city seeded once (``gridworker server seed-demo --households 578200`` into the
``--city`` database; about 7.7 M rows). Builds ``--one`` (a server holding only one community: the
very same rows, copied out of the city with COPY) if it is empty, adds a ``bench`` grid worker to
that community on both, then, interleaved city/one:

- a laptop's first sync of that community (end to end, enrolment included) from each server;
- a pull of 1,000 changes of that community while the change log holds 1,000 active communities
  x 1,000 changes (written and rolled back in one transaction: the city database is left as seeded);
- verify's scan of one community (the 256 bucket sums), and the plans of the three queries, saved
  with EXPLAIN (ANALYZE, BUFFERS) in bench/plans/.

Prints JSON.
"""
from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text

from bench.harness import PASSWORD, Server, first_sync_runs

ROOT = Path(__file__).resolve().parents[1]
PLANS = ROOT / "bench" / "plans"
CITY = "postgresql+psycopg://postgres@127.0.0.1:5432/gw_city_bench"
ONE = "postgresql+psycopg://postgres@127.0.0.1:5432/gw_one_bench"
ACTIVE = 1000
CHANGES = 1000


def _pick_community(city) -> tuple[str, int]:
    """The community with the median household count."""
    with city.connect() as c:
        rows = c.execute(text("SELECT community_id, count(*) FROM household GROUP BY community_id ORDER BY 2")).all()
    cid, n = rows[len(rows) // 2]
    return cid, int(n)


def _ensure_db(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = create_engine(url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        if not c.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first():
            c.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def build_one(city_url: str, one_url: str, cid: str) -> float:
    """Copy one community's rows (and its counter row) from the city into a fresh migrated server."""
    from gridworker.server.db import open_server_db  # noqa: PLC0415
    from gridworker.store.tables import SYNC_ORDER  # noqa: PLC0415

    _ensure_db(one_url)
    open_server_db(one_url).dispose()
    city, one = create_engine(city_url), create_engine(one_url)
    t0 = time.perf_counter()
    with one.begin() as dst:
        if dst.execute(text("SELECT count(*) FROM household")).scalar():
            return 0.0
        with city.connect() as src:
            s = src.connection.driver_connection
            d = dst.connection.driver_connection
            for table in (*SYNC_ORDER, "community_sync"):
                buf = io.BytesIO()
                with s.cursor() as cur, cur.copy(
                        f"COPY (SELECT * FROM {table} WHERE community_id = '{cid}') TO STDOUT") as cp:
                    for chunk in cp:
                        buf.write(chunk)
                with d.cursor() as cur, cur.copy(f"COPY {table} FROM STDIN") as cp:
                    cp.write(buf.getvalue())
    city.dispose()
    one.dispose()
    return time.perf_counter() - t0


def ensure_bench_user(url: str, cid: str) -> None:
    from gridworker.server.auth import add_user  # noqa: PLC0415

    eng = create_engine(url)
    with eng.begin() as c:
        if not c.execute(text("SELECT 1 FROM server_user WHERE username = 'bench'")).first():
            add_user(c, "bench", PASSWORD, "grid_worker", cid, "bench")
    eng.dispose()


def _plan(c, sql: str, params: dict) -> str:
    return "\n".join(r[0] for r in c.execute(text("EXPLAIN (ANALYZE, BUFFERS) " + sql), params))


def server_side(url: str, cid: str, tag: str, active: int) -> dict:
    """In one transaction (rolled back): ``active`` communities x CHANGES changes in the log, then the
    pull of this community's 1,000, verify's scan, and the plans."""
    from gridworker.server.pull import pull_page  # noqa: PLC0415
    from gridworker.server.shape import Shape  # noqa: PLC0415
    from gridworker.sync import checksum as ck  # noqa: PLC0415
    from gridworker.sync import wire  # noqa: PLC0415

    eng = create_engine(url)
    out: dict = {}
    PLANS.mkdir(parents=True, exist_ok=True)
    with eng.connect() as c:
        tx = c.begin()
        try:
            base = int(c.execute(text("SELECT seq FROM community_sync WHERE community_id = :c"), {"c": cid}).scalar() or 0)
            others = [r[0] for r in c.execute(text(
                "SELECT community_id FROM community_sync WHERE community_id <> :c ORDER BY 1"), {"c": cid})]
            ids = [r[0] for r in c.execute(text("SELECT id FROM household WHERE community_id = :c ORDER BY id LIMIT :n"),
                                           {"c": cid, "n": CHANGES})]
            communities = [cid] + (others + [f"bench-active-{i:04d}" for i in range(active)])[:active - 1]
            t0 = time.perf_counter()
            raw = c.connection.driver_connection
            with raw.cursor() as cur, cur.copy("COPY change_log (community_id, seq, table_name, row_id, op, fields, "
                                               "device_id, user_id, at) FROM STDIN") as cp:
                for k in range(CHANGES):
                    for comm in communities:
                        seq = base + k + 1 if comm == cid else k + 1_000_000
                        cp.write_row((comm, seq, "household", ids[k % len(ids)] if comm == cid else f"h{k}", "update",
                                      json.dumps({"phone": f"1380000{k:04d}"}), None, None, "2026-12-05T00:00:00"))
            c.execute(text("UPDATE community_sync SET seq = :s WHERE community_id = :c"), {"s": base + CHANGES, "c": cid})
            c.execute(text("ANALYZE change_log"))
            out["log_rows"] = int(c.execute(text("SELECT count(*) FROM change_log")).scalar())
            out["log_write_s"] = round(time.perf_counter() - t0, 2)
            shape = Shape(community_id=cid, devices=set())
            times = []
            for _ in range(5):
                t = time.perf_counter()
                page = pull_page(c, shape, wire.CHANGES_PREFIX + str(base), 5000)
                times.append(time.perf_counter() - t)
            assert len(page["changes"]) == CHANGES, len(page["changes"])
            out["pull_1000_changes_s"] = round(statistics.median(times), 4)
            (PLANS / f"pull_changes_{tag}.txt").write_text(_plan(
                c, "SELECT seq, table_name, row_id, op, fields, device_id, user_id, at FROM change_log "
                   "WHERE community_id = :c AND seq > :s AND seq <= :top ORDER BY seq LIMIT :n",
                {"c": cid, "s": base, "top": base + CHANGES, "n": 5000}))
        finally:
            tx.rollback()
        with c.begin():
            times = []
            for _ in range(3):
                t = time.perf_counter()
                ck.bucket_sums(c, cid)
                times.append(time.perf_counter() - t)
            out["verify_scan_s"] = round(statistics.median(times), 3)
            (PLANS / f"verify_resident_{tag}.txt").write_text(_plan(
                c, "SELECT id FROM resident WHERE community_id = :c", {"c": cid}))
            last = c.execute(text("SELECT id FROM household WHERE community_id = :c ORDER BY id OFFSET 2000 LIMIT 1"),
                             {"c": cid}).scalar()
            (PLANS / f"snapshot_page_household_{tag}.txt").write_text(_plan(
                c, "SELECT * FROM household WHERE community_id = :c AND id > :last ORDER BY id LIMIT 20000",
                {"c": cid, "last": last}))
            out["db_size_bytes"] = int(c.execute(text("SELECT pg_database_size(current_database())")).scalar())
    eng.dispose()
    return out


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser()
    ap.add_argument("--city", default=CITY)
    ap.add_argument("--one", default=ONE)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args(argv)
    city = create_engine(a.city)
    cid, households = _pick_community(city)
    with city.connect() as c:
        rows = {t: int(c.execute(text(f"SELECT count(*) FROM {t} WHERE community_id = :c"), {"c": cid}).scalar())
                for t in ("household", "resident", "visit")}
        city_rows = int(c.execute(text("SELECT sum(n_live_tup) FROM pg_stat_user_tables")).scalar())
    city.dispose()
    result: dict = {"community_id": cid, "households": households, "rows_sample": rows, "city_rows_est": city_rows}
    result["one_build_s"] = round(build_one(a.city, a.one, cid), 2)
    for url in (a.city, a.one):
        ensure_bench_user(url, cid)
    result["server"] = {"city": server_side(a.city, cid, "city", ACTIVE), "one": server_side(a.one, cid, "one", 1)}
    runs: dict[str, list] = {"city": [], "one": []}
    with tempfile.TemporaryDirectory(prefix="gw-city-") as tmp:
        servers = {"city": Server(a.city), "one": Server(a.one)}
        try:
            for i in range(a.runs):  # interleaved: city, one, city, one, ...
                for tag in ("city", "one"):
                    runs[tag] += first_sync_runs(servers[tag], Path(tmp), f"{tag}{i}", 1)
        finally:
            for s in servers.values():
                s.stop()
    for tag in runs:
        result[f"first_sync_{tag}_s"] = round(statistics.median(r["seconds"] for r in runs[tag]), 3)
        result[f"first_sync_{tag}_runs"] = [round(r["seconds"], 3) for r in runs[tag]]
        result[f"pulled_{tag}"] = runs[tag][0]["pulled"]
    result["first_sync_ratio"] = round(result["first_sync_city_s"] / result["first_sync_one_s"], 3)
    return result


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1:]), ensure_ascii=False))
