"""Benchmark: generate N demo households into a fresh laptop database; print time and file size.

Run by hand, e.g.:
    .venv/bin/python bench/bench_demo.py 10000 100000
    .venv/bin/python bench/bench_demo.py 578200 --keep /tmp/city   # the whole city
Also times the generator alone (no database) with --generate-only.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import gridworker.demo.laptop as laptop  # noqa: E402
from gridworker.demo import iter_city, write_laptop  # noqa: E402
from gridworker.store.database import Database  # noqa: E402

from bench.harness import BENCH_KEY  # noqa: E402


def bench_generate(n: int, seed: int) -> None:
    started = time.perf_counter()
    counts: Counter = Counter()
    for table, rows in iter_city(n, seed):
        counts[table] += len(rows)
    seconds = time.perf_counter() - started
    print(f"generate-only {n:>9,d} households: {seconds:7.1f} s, {sum(counts.values()):,} rows "
          f"({sum(counts.values()) / seconds:,.0f} rows/s)", flush=True)


def bench_laptop(n: int, seed: int, keep: Path | None, plain: bool = False) -> None:
    folder = keep or Path(tempfile.mkdtemp(prefix="gw-bench-demo-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"demo-{n}.db"
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        p.unlink(missing_ok=True)
    db = Database.open(path, key=None if plain else BENCH_KEY)  # encrypted, as the app's laptops are
    rebuild = laptop._rebuild_search
    spent = [0.0]

    def timed_rebuild(conn) -> None:
        # The search index belongs to another part; its share of the time is reported apart.
        t = time.perf_counter()
        rebuild(conn)
        spent[0] = time.perf_counter() - t

    laptop._rebuild_search = timed_rebuild
    cpu = time.process_time()
    started = time.perf_counter()
    try:
        counts = write_laptop(db, n, seed)
        commit_done = time.perf_counter()
    finally:
        db.close()
        laptop._rebuild_search = rebuild
    seconds = time.perf_counter() - started
    size = path.stat().st_size
    rows = sum(counts.values())
    print(f"laptop        {n:>9,d} households: {seconds:7.1f} s, {rows:,} rows, file {size / 1e6:,.1f} MB "
          f"({path})", flush=True)
    print(f"   of which search index rebuild {spent[0]:.1f} s; close/checkpoint "
          f"{time.perf_counter() - commit_done:.1f} s; CPU time of this process "
          f"{time.process_time() - cpu:.1f} s (less noisy on a shared machine)", flush=True)
    print("   " + ", ".join(f"{t} {c:,}" for t, c in counts.items() if c), flush=True)
    if keep is None:
        for p in folder.iterdir():
            p.unlink()
        folder.rmdir()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("households", nargs="+", type=int)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", type=Path, help="keep the databases in this folder")
    ap.add_argument("--generate-only", action="store_true", help="time the generator without a database")
    ap.add_argument("--plain", action="store_true", help="an unencrypted database (the app's are encrypted)")
    args = ap.parse_args()
    for n in args.households:
        if args.generate_only:
            bench_generate(n, args.seed)
        else:
            bench_laptop(n, args.seed, args.keep, args.plain)


if __name__ == "__main__":
    main()
