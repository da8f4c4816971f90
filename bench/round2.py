"""Round two (issue #18) in one command: ``.venv/bin/python -m bench.run --round2``.

Runs, each in its own process, with the load average (``os.getloadavg``) read before and after:
1. the city server (bench/bench_city.py; needs the city seeded once, see its docstring);
2. the laptop sections of bench.run (first sync 1k/10k/100k with the SQLCipher floor, incremental
   1,000 changes each way, memory) into bench/out/round2_laptop.json;
3. the fleet (bench/fleet_day.py): 1,000 laptops' day of syncs against ``uvicorn --workers 2`` on a
   fresh PostgreSQL database, into bench/out/round2_fleet.json (~7 min).
Then writes bench/out/round2.md: one row per figure with date, load, floor, ratio, target, met.
``--fleet`` runs only 3 (and renders the JSON of earlier 1 and 2); ``--city-only`` runs only 1 (and
keeps the other JSON files); ``--laptop-only`` runs only 2 (the city need not be seeded); ``--reuse`` renders from the JSON files already in bench/out/ without
running anything; ``--smoke`` renders from a tiny built-in sample (for the test suite: no database,
no server). Arguments after ``--fleet-args`` go to bench.fleet_day (e.g. ``--fleet-args --laptops 200``).
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


def rows_fleet(fleet: dict, meta: dict) -> list[list]:
    """The fleet's rows: correctness, push p95 per concurrency step, saturation, server memory."""
    load = (f"{meta.get('load_before', '/'.join(str(x) for x in fleet['load_before']))} → "
            f"{meta.get('load_after', '/'.join(str(x) for x in fleet['load_after']))}")
    date = fleet.get("date", meta.get("date", "?"))
    n, chk, real = fleet["laptops"], fleet["server"], fleet.get("real_laptops") or {}
    size = (f"{n:,} laptops in {fleet['communities']} communities, {fleet['changes_per_laptop']} changes each in "
            f"{fleet['syncs_per_laptop']} syncs; uvicorn --workers {fleet['workers']}, PostgreSQL")
    ok = (chk["ok"] and fleet["acked"] == fleet["expected"] and fleet["verified"] == n and fleet["pending_after"] == 0
          and fleet["error_count"] == 0 and real.get("match", 0) == real.get("communities", 0))
    out = [["fleet: a day of syncs, then every laptop verifies", size,
            f"acked {fleet['acked']:,}/{fleet['expected']:,}; change log {chk['change_log_rows']:,} rows; lost "
            f"{chk['lost']}, doubled {chk['doubled']}; verified {fleet['verified']:,}/{n:,}; pending "
            f"{fleet['pending_after']}; real laptops {real.get('match', 0)}/{real.get('communities', 0)}; "
            f"errors {fleet['error_count']}, retries {fleet['retries']}", "-", "-",
            "0 lost, 0 doubled, every laptop verifies", "met" if ok else "**not met**", load, date]]
    for st in fleet["steps"]:
        p95 = st.get("push_p95_s")
        if p95 is None:
            continue
        what = (f"rest of the day, {st['concurrency']} syncing at once" if st.get("final")
                else f"warm-up burst first, {st['concurrency']} syncing at once" if st.get("warmup")
                else f"{st['concurrency']} laptops syncing at once")
        cpu = (f"; cores: server {st.get('server_cores', '?')}, PostgreSQL {st.get('pg_cores', '?')}, "
               f"clients {st.get('client_cores', '?')}, others {st.get('other_cores', '?')} "
               f"(machine {st.get('machine_busy_cores', '?')} of 2)")
        out.append([f"fleet: push of 50 changes, p95 ({what})", f"{st['syncs']:,} syncs in {st['seconds']:.0f} s",
                    f"{p95:.3f} s (p50 {st['push_p50_s']:.3f}, p99 {st['push_p99_s']:.3f}); "
                    f"{st['changes_per_s']:,.0f} changes/s; whole sync p95 {st['sync_p95_s']:.2f} s{cpu}",
                    "-", "-", "< 1 s", "met" if p95 < 1 else "**not met**", load, date])
    sat = saturation(fleet)
    if sat:
        out.append(["fleet: where it saturates", "push p95 < 1 s", sat["text"], "-", "-", "report", "reported",
                    load, date])
    mem, steady = fleet.get("memory") or {}, fleet.get("memory_finish") or {}
    if mem:
        # Flat = no growth under steady load (the rest of the day at one concurrency, after the
        # ladder's top): RSS rises with concurrency (threads, connections, statement caches), and a
        # leak would keep rising once concurrency stops changing.
        flat = mem["peak_mb"] - mem["start_mb"] < 100 and (
            abs(steady["last_half_slope_mb_per_min"]) < 5 or steady["end_mb"] <= steady["start_mb"] + 5
            if steady else abs(mem["last_half_slope_mb_per_min"]) < 5)
        text_ = (f"start {mem['start_mb']:.0f} MB, peak {mem['peak_mb']:.0f} MB, end {mem['end_mb']:.0f} MB; "
                 f"slope over the last half {mem['last_half_slope_mb_per_min']:+.1f} MB/min")
        if steady:
            text_ += (f"; steady load (rest of the day, {steady['samples']} s): {steady['start_mb']:.0f} → "
                      f"{steady['end_mb']:.0f} MB (peak {steady['peak_mb']:.0f})")
        out.append(["fleet: server RSS (uvicorn master + workers) through the day", f"{mem['samples']} samples, 1 s",
                    text_, "-", "-", "flat (no growth at steady load; < +100 MB)", "met" if flat else "**not met**",
                    load, date])
    out.append(["fleet: enrolment + first sync of every laptop (Argon2id on the server)", f"{n:,} laptops",
                f"{fleet['enrol_wall_s']:.0f} s; first sync p50 {fleet['first_sync_p50_s']:.2f} s, "
                f"p95 {fleet['first_sync_p95_s']:.2f} s", "-", "-", "report", "reported", load, date])
    return out


def saturation(fleet: dict) -> dict | None:
    """The highest changes/s of a step whose push p95 stayed under 1 s, and the first step over it."""
    steps = [s for s in fleet["steps"] if not s.get("final") and s.get("push_p95_s") is not None]
    if not steps:
        return None
    under = [s for s in steps if s["push_p95_s"] < 1]
    over = [s for s in steps if s["push_p95_s"] >= 1]
    best = max(under, key=lambda s: s["changes_per_s"]) if under else None
    peak = max(steps, key=lambda s: s["changes_per_s"])
    text = (f"{best['changes_per_s']:,.0f} changes/s with p95 {best['push_p95_s']:.2f} s "
            f"({best['concurrency']} at once)" if best else "p95 ≥ 1 s at every step")
    if over:
        first = min(over, key=lambda s: s["concurrency"])
        text += (f"; p95 crosses 1 s at {first['concurrency']} at once ({first['changes_per_s']:,.0f} changes/s, "
                 f"p95 {first['push_p95_s']:.2f} s)")
    text += f"; peak {peak['changes_per_s']:,.0f} changes/s ({peak['concurrency']} at once)"
    return {"text": text, "changes_per_s": best["changes_per_s"] if best else None,
            "peak_changes_per_s": peak["changes_per_s"]}


def render(rows: list[list]) -> str:
    head = ["work", "size", "figure", "floor", "ratio", "target", "met?", "load (1/5/15 min)", "date"]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return f"Machine: {os.cpu_count()} cores, {platform.platform()}, Python {platform.python_version()}\n\n" + "\n".join(lines)


SAMPLE_CITY = {"households": 1, "pulled_city": 1, "first_sync_city_s": 1.0, "first_sync_one_s": 1.0,
               "first_sync_city_runs": [1.0], "first_sync_one_runs": [1.0], "first_sync_ratio": 1.0,
               "server": {k: {"pull_1000_changes_s": 0.01, "verify_scan_s": 1.0, "log_rows": 1, "db_size_bytes": 1}
                          for k in ("city", "one")}}


SAMPLE_FLEET = {
    "laptops": 2, "communities": 1, "changes_per_laptop": 4, "syncs_per_laptop": 2, "workers": 2,
    "load_before": [0.1, 0.1, 0.1], "load_after": [0.1, 0.1, 0.1], "date": "sample", "acked": 8, "expected": 8,
    "verified": 2, "pending_after": 0, "error_count": 0, "retries": 0, "enrol_wall_s": 1.0,
    "first_sync_p50_s": 0.1, "first_sync_p95_s": 0.1, "real_laptops": {"communities": 1, "match": 1},
    "server": {"ok": True, "change_log_rows": 8, "lost": 0, "doubled": 0},
    "steps": [{"concurrency": c, "final": False, "seconds": 1.0, "syncs": 2, "changes_per_s": 4.0 * c,
               "push_p50_s": 0.01 * c, "push_p95_s": 0.6 * c, "push_p99_s": 0.7 * c, "sync_p95_s": 0.7 * c}
              for c in (1, 2)],
    "memory": {"start_mb": 100.0, "peak_mb": 110.0, "end_mb": 105.0, "last_half_slope_mb_per_min": 0.0, "samples": 4}}


def main(argv: list[str]) -> int:
    if "--smoke" in argv:
        print(render(rows_city(SAMPLE_CITY, {}, None) + rows_fleet(SAMPLE_FLEET, {})))
        return 0
    OUT.mkdir(parents=True, exist_ok=True)
    city_json, lap_json, fleet_json = OUT / "round2_city.json", OUT / "round2_laptop.json", OUT / "round2_fleet.json"
    fleet_args = argv[argv.index("--fleet-args") + 1:] if "--fleet-args" in argv else []
    if "--reuse" not in argv:
        only_fleet, only_city, only_laptop = "--fleet" in argv, "--city-only" in argv, "--laptop-only" in argv
        if not only_fleet and not only_laptop:
            city_json.unlink(missing_ok=True)
            _run([PY, "-m", "bench.bench_city"], city_json)
        if not only_fleet and not only_city:
            lap_json.unlink(missing_ok=True)
            _run([PY, "-m", "bench.run", "--only", "first_sync,incremental,memory", "--out", str(lap_json)], lap_json)
        if not only_city and not only_laptop:
            fleet_json.unlink(missing_ok=True)
            _run([PY, "-m", "bench.fleet_day", "--out", str(fleet_json), *fleet_args], fleet_json)
    rows: list[list] = []
    seed_p = OUT / "city_seed_summary.json"
    if city_json.exists():
        rows += rows_city(json.loads(city_json.read_text()), _meta(city_json),
                          json.loads(seed_p.read_text()) if seed_p.exists() else None)
    if lap_json.exists():
        rows += rows_laptop(json.loads(lap_json.read_text()), _meta(lap_json))
    if fleet_json.exists():
        rows += rows_fleet(json.loads(fleet_json.read_text()), _meta(fleet_json))
    text = render(rows)
    (OUT / "round2.md").write_text(text + "\n")
    print(text)
    return 0
