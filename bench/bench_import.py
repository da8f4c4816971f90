"""Benchmark: import a 20,000-row household ledger (.xlsx), then re-import it (a no-op).

    .venv/bin/python bench/bench_import.py [--rows 20000] [--keep DIR]

Prints the time to build the file, the first import (everything created), the re-import
(nothing changes: no outbox entries) and a dry run, as wall-clock and CPU seconds (CPU time is
the steadier figure on a busy machine). Target: first import < 5 s.
"""
from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gridworker.domain.idcard import check_char  # noqa: E402
from gridworker.ledger import import_ledger  # noqa: E402
from gridworker.store.database import Database  # noqa: E402

COMMUNITY = "0190a000-0000-7000-8000-0000000000aa"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国红梅"
ESTATES = ("阳光花园", "翠竹苑", "锦绣华庭", "蠡湖新村", "金城湾")
RELATIONS = ("户主", "配偶", "子", "女", "父母")
TAGS = ("", "", "", "", "独居老人", "残疾人", "低保/低收入")


def make_id(rng: random.Random, year: int, seq: int) -> str:
    first17 = f"320211{year:04d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{seq % 1000:03d}"
    return first17 + check_char(first17)


def build_ledger(path: Path, rows: int, seed: int = 5) -> None:
    rng = random.Random(seed)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("台账")
    ws.append(["蠡桥社区居民户籍台账（2026年）"])
    ws.append(["序号", "姓名", "身份证号", "小区", "楼栋", "单元", "室", "联系电话", "与户主关系",
               "民族", "人员标签", "面积", "备注"])
    n = 0
    household = 0
    while n < rows:
        household += 1
        estate = ESTATES[household % len(ESTATES)]
        building, unit = 1 + (household // 240) % 40, 1 + (household // 40) % 6
        room = f"{1 + (household // 2) % 18}{1 + household % 2:02d}"
        for m in range(min(rng.choice((1, 2, 2, 3, 3, 4)), rows - n)):
            n += 1
            name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
            ws.append([n, name, make_id(rng, rng.randint(1940, 2015), n), estate, building, unit, room,
                       f"13{rng.randint(0, 999999999):09d}"[:11] if m == 0 else None, RELATIONS[min(m, 4)],
                       "汉族", rng.choice(TAGS) or None, "89.50" if m == 0 else None, None])
        # a few households share an estate but differ only in building: that is what real ledgers hold
    wb.save(path)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=20_000)
    ap.add_argument("--keep", type=Path)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench_import_"))
    try:
        ledger = work / "ledger.xlsx"
        t0 = time.perf_counter()
        build_ledger(ledger, args.rows)
        print(f"build {args.rows} rows .xlsx: {time.perf_counter() - t0:.2f} s")
        db = Database.open(work / "gridworker.db")
        db.set_state("community_id", COMMUNITY)
        with db.write(db.actor("bench")) as uow:
            uow.insert("org_unit", {"code": "320211001", "name": "蠡桥社区", "level": "community",
                                    "community_id": COMMUNITY}, row_id=COMMUNITY)
        actor = db.actor("bench")
        for label, kwargs in (("dry run (empty db)", {"dry_run": True}), ("first import", {}),
                              ("re-import (no-op)", {}), ("dry run (full db)", {"dry_run": True})):
            t0, c0 = time.perf_counter(), time.process_time()
            result = import_ledger(db, actor, ledger, **kwargs)
            took, cpu = time.perf_counter() - t0, time.process_time() - c0
            with db.read() as conn:
                outbox = conn.exec_driver_sql("SELECT COUNT(*) FROM outbox").scalar()
            s = result.summary()
            print(f"{label:20s} {took:6.2f} s wall {cpu:6.2f} s cpu  created={s['created']} "
                  f"unchanged={s['unchanged']} rejected={s['rejected']} households={s['households_created']}"
                  f"  outbox={outbox}")
        db.close()
        if args.keep:
            shutil.copytree(work, args.keep, dirs_exist_ok=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
