"""Round two (issue #18) in one command: ``.venv/bin/python -m bench.run --round2``.

Runs, each in its own process, with the load average (``os.getloadavg``) read before and after:
1. the city server (bench/bench_city.py; needs the city seeded once, see its docstring);
2. the laptop sections of bench.run (first sync 1k/10k/100k with the SQLCipher floor, incremental
   1,000 changes each way, memory) into bench/out/round2_laptop.json.
Then writes bench/out/round2.md: one row per figure with date, load, floor, ratio, target, met.
``--city-only`` skips 2 (and keeps an earlier round2_laptop.json); ``--laptop-only`` skips 1 (the city
must be seeded for it; an earlier round2_city.json is kept); ``--reuse`` renders from the JSON files already in bench/out/ without running anything;
``--smoke`` renders from a tiny built-in sample (for the test suite: no database, no server).
"""
from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
PY = sys.executable


def _load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def _run(cmd: list[str], out: Path) -> dict:
    before, t0 = _load(), time.time()
    r = subprocess.run(cmd, cwd=str(ROOT), capture_output=True, text=True)
    if r.returncode and not out.exists():
        raise RuntimeError(r.stderr[-2000:])
    if out.suffix == ".json" and r.stdout.strip().startswith("{") and not out.exists():
        out.write_text(r.stdout.strip().splitlines()[-1])
    meta = {"load_before": before, "load_after": _load(), "seconds": round(time.time() - t0, 1),
            "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}
    out.with_suffix(".meta.json").write_text(json.dumps(meta))
    return meta


def _meta(path: Path) -> dict:
    m = path.with_suffix(".meta.json")
    return json.loads(m.read_text()) if m.exists() else {}


def rows_city(city: dict, meta: dict, seed: dict | None) -> list[list]:
    load = f"{meta.get('load_before', '?')} → {meta.get('load_after', '?')}"
    date = meta.get("date", "?")
    out = []
    if seed:
        out.append(["city seed on PostgreSQL (COPY through seed-demo)", f"{seed['rows']:,} rows, 578,200 households",
                    f"{seed['seconds']:.0f} s, {seed['size_gb']:.2f} GB (pg_database_size)", "-", "-", "report",
                    "reported", seed.get("load", "?"), seed.get("date", "?")])
    s = city["server"]
    out.append(["first sync of one community, end to end: city server vs one-community server",
                f"{city['households']:,} households, {city['pulled_city']:,} rows",
                f"{city['first_sync_city_s']:.2f} s (runs {city['first_sync_city_runs']})",
                f"{city['first_sync_one_s']:.2f} s (runs {city['first_sync_one_runs']})",
                f"{city['first_sync_ratio']:.2f}", "≤ 1.2 ×", "met" if city["first_sync_ratio"] <= 1.2 else "**not met**",
                load, date])
    r = s["city"]["pull_1000_changes_s"] / s["one"]["pull_1000_changes_s"]
    out.append(["server: pull page of 1,000 changes, 1,000 communities active",
                f"change log {s['city']['log_rows']:,} rows vs {s['one']['log_rows']:,}",
                f"{s['city']['pull_1000_changes_s'] * 1000:.1f} ms", f"{s['one']['pull_1000_changes_s'] * 1000:.1f} ms",
                f"{r:.2f}", "flat (index range scan)", "met" if r <= 1.5 else "**not met**", load, date])
    r = s["city"]["verify_scan_s"] / s["one"]["verify_scan_s"]
    out.append(["server: verify's scan of one community (256 bucket sums)",
                f"city {s['city']['db_size_bytes'] / 1e9:.2f} GB vs one {s['one']['db_size_bytes'] / 1e6:.0f} MB",
                f"{s['city']['verify_scan_s']:.2f} s", f"{s['one']['verify_scan_s']:.2f} s", f"{r:.2f}",
                "no scan of other communities", "met" if r <= 1.2 else "**not met**", load, date])
    return out


def rows_laptop(lap: dict, meta: dict) -> list[list]:
    m = lap["machine"]
    load = f"{'/'.join(str(x) for x in m['loadavg_start'])} → {'/'.join(str(x) for x in m.get('loadavg_end') or [])}"
    date = m["date"][:16].replace("T", " ") + " UTC"
    out = []
    for row in lap["rows"]:
        work = row.get("work", "")
        cfl = row.get("cipher_floor")
        fig = row.get("figure")
        unit = row.get("unit", "s")
        if work.startswith("first sync of an empty laptop") and cfl:
            ratio = fig / cfl
            out.append([work + " (incl. enrolment)", row["size"], f"{fig:.2f} s", f"{cfl:.3f} s (SQLCipher)",
                        f"{ratio:.2f}", "≤ 1.5 × SQLCipher floor", "met" if ratio <= 1.5 else "**not met**", load, date])
        elif work.startswith("incremental"):
            ok = fig is not None and fig < 0.2
            out.append([work, row["size"], f"{fig:.3f} s", "-" if row.get("floor") is None else f"{row['floor']:.3f} s",
                        "-" if not row.get("floor") else f"{fig / row['floor']:.2f}", "< 0.2 s",
                        "met" if ok else "**not met**", load, date])
        elif work.startswith("memory: laptop peak RSS"):
            out.append([work, row["size"], f"{fig:.0f} MB", "-", "-", "< 300 MB", "met" if fig < 300 else "**not met**",
                        load, date])
    return out


def render(rows: list[list]) -> str:
    head = ["work", "size", "figure", "floor", "ratio", "target", "met?", "load (1/5/15 min)", "date"]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return f"Machine: {os.cpu_count()} cores, {platform.platform()}, Python {platform.python_version()}\n\n" + "\n".join(lines)


SAMPLE_CITY = {"households": 1, "pulled_city": 1, "first_sync_city_s": 1.0, "first_sync_one_s": 1.0,
               "first_sync_city_runs": [1.0], "first_sync_one_runs": [1.0], "first_sync_ratio": 1.0,
               "server": {k: {"pull_1000_changes_s": 0.01, "verify_scan_s": 1.0, "log_rows": 1, "db_size_bytes": 1}
                          for k in ("city", "one")}}


def main(argv: list[str]) -> int:
    if "--smoke" in argv:
        print(render(rows_city(SAMPLE_CITY, {}, None)))
        return 0
    OUT.mkdir(parents=True, exist_ok=True)
    city_json, lap_json = OUT / "round2_city.json", OUT / "round2_laptop.json"
    if "--reuse" not in argv:
        laptop_only = "--laptop-only" in argv
        for p in ((() if laptop_only else (city_json,)) + (() if "--city-only" in argv else (lap_json,))):
            p.unlink(missing_ok=True)
        if not laptop_only:
            _run([PY, "-m", "bench.bench_city"], city_json)
        if "--city-only" not in argv:
            _run([PY, "-m", "bench.run", "--only", "first_sync,incremental,memory", "--out", str(lap_json)], lap_json)
    rows: list[list] = []
    seed_p = OUT / "city_seed_summary.json"
    if city_json.exists():
        rows += rows_city(json.loads(city_json.read_text()), _meta(city_json),
                          json.loads(seed_p.read_text()) if seed_p.exists() else None)
    if lap_json.exists():
        rows += rows_laptop(json.loads(lap_json.read_text()), _meta(lap_json))
    text = render(rows)
    (OUT / "round2.md").write_text(text + "\n")
    print(text)
    return 0
