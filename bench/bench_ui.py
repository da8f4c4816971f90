"""Benchmark: the app's household list on a large laptop database (default 100,000 households).

    .venv/bin/python bench/bench_ui.py [--households 100000] [--keep bench/out/ui-100k] [--queries 200]

Builds the database once with ``gridworker.demo.write_laptop`` (kept in ``--keep`` for later runs),
encrypted with the bench key as the app's databases always are (``--plain``: not encrypted), then,
offscreen:
- time to first paint: from opening the database the way the app does (the key, ``check=False``:
  header and schema only, the full check runs in the background after the first paint) until the
  household list's first page is in and the window has painted (``grab``);
- search as you type: each keystroke's query (the 150 ms debounce left out) from setting the text
  to the new first page being in the model; p50 / p95 / max over typed prefixes of names, pinyin
  initials, phone tails and address fragments taken from the data;
- scrolling: time for ``fetchMore`` to bring the next page.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

# Run as a script, this folder comes first on sys.path, and bench/concurrent.py would shadow the
# standard library's ``concurrent`` (asyncio imports it): replace the folder with the repo root.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.harness import BENCH_KEY  # noqa: E402
from gridworker.domain.pinyin import name_keys  # noqa: E402
from gridworker.store.connect import is_encrypted  # noqa: E402
from gridworker.store.database import Database  # noqa: E402


def build(path: Path, households: int, key: bytes | None) -> None:
    from gridworker.demo.laptop import write_laptop  # noqa: PLC0415

    started = time.perf_counter()
    db = Database.open(path, key=key)
    try:
        write_laptop(db, households, seed=1)
    finally:
        db.close()
    print(f"built {households:,} households in {time.perf_counter() - started:.1f} s -> {path}", flush=True)


def typed_queries(db: Database, n: int, seed: int = 1) -> list[str]:
    """What people type, keystroke by keystroke: name, initials, phone tail, address fragment."""
    rnd = random.Random(seed)
    with db.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT head_name, phone, estate, building_no FROM household WHERE deleted = 0 AND head_name IS NOT NULL"
            " ORDER BY random() LIMIT ?", (n,)).fetchall()
    out: list[str] = []
    for i, (head, phone, estate, building) in enumerate(rows):
        kind = i % 4
        if kind == 0:
            full = head
        elif kind == 1:
            full = name_keys(head).initials
        elif kind == 2:
            digits = "".join(ch for ch in (phone or "") if ch.isdigit())
            full = digits[-4:] if digits else head
        else:
            full = f"{estate}{building}幢" if estate else head
        out.extend(full[:k] for k in range(1, len(full) + 1))
    rnd.shuffle(out)
    return out


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, default=None, help="folder to keep (and reuse) the database in")
    parser.add_argument("--queries", type=int, default=200, help="typed words (each gives several keystrokes)")
    parser.add_argument("--plain", action="store_true", help="an unencrypted database (key=None)")
    args = parser.parse_args()

    folder = args.keep or Path(tempfile.mkdtemp(prefix="gw-bench-ui-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "gridworker.db"
    key = None if args.plain else BENCH_KEY
    if path.exists() and is_encrypted(path) != (key is not None):
        raise SystemExit(f"{path} is {'' if is_encrypted(path) else 'not '}encrypted: use another --keep folder")
    if not path.exists():
        build(path, args.households, key)

    from PySide6.QtCore import QCoreApplication  # noqa: PLC0415

    from gridworker.ui.app import Translator, configure_application  # noqa: PLC0415
    from gridworker.ui.context import Session  # noqa: PLC0415
    from gridworker.ui.main_window import MainWindow  # noqa: PLC0415
    from gridworker.ui.settings import Settings  # noqa: PLC0415

    QCoreApplication.setOrganizationName("gridworker-bench")
    app = configure_application(["bench"])
    settings = Settings.at(folder / "settings.ini")
    settings.idle_lock_minutes = 0
    settings.last_workspace = "households"
    translator = Translator(app)
    translator.install("zh_CN")

    def pump_until(cond, timeout: float = 60.0) -> None:
        deadline = time.perf_counter() + timeout
        while not cond():
            app.processEvents()
            if time.perf_counter() > deadline:
                raise TimeoutError("timed out")
            time.sleep(0.0005)

    started = time.perf_counter()
    db = Database.open(path, key=key, check=False)  # as the app opens it
    opened = time.perf_counter()
    window = MainWindow(db, Session("bench", "bench", "网格员", "grid_worker"), settings=settings,
                        translator=translator)
    window.resize(1280, 800)
    window.show()
    ws = window.workspaces["households"]
    pump_until(lambda: ws.model is not None and ws.model.rowCount() > 0)
    window.grab()
    first_paint = time.perf_counter() - started
    total = ws.model.total
    print(f"households in list: {total:,}; database open {opened - started:.2f} s; "
          f"first paint of the household list {first_paint:.2f} s (incl. open)", flush=True)
    window.tasks.wait_all()
    for _ in range(50):
        app.processEvents()

    # fetchMore: the next page when the view reaches the end.
    times = []
    for _ in range(5):
        n = ws.model.rowCount()
        t = time.perf_counter()
        ws.model.fetchMore()
        pump_until(lambda: ws.model.rowCount() > n)
        times.append(time.perf_counter() - t)
    print(f"fetchMore (next {ws.model.rowCount() // 6} rows): median {statistics.median(times) * 1000:.1f} ms",
          flush=True)

    queries = typed_queries(db, args.queries)
    latencies = []
    for q in queries:
        gen = ws.model.generation
        t = time.perf_counter()
        ws.search.blockSignals(True)
        ws.search.setText(q)
        ws.search.blockSignals(False)
        ws._apply_query()
        pump_until(lambda: ws.model.generation == gen + 1 and not ws.model.fetching)
        latencies.append(time.perf_counter() - t)
    ms = [x * 1000 for x in latencies]
    print(f"search as you type ({len(ms)} keystrokes, debounce excluded): p50 {percentile(ms, 50):.1f} ms, "
          f"p95 {percentile(ms, 95):.1f} ms, max {max(ms):.1f} ms", flush=True)
    window.close()
    window.tasks.wait_all()
    db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
