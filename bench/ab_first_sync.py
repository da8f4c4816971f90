"""Before/after of the laptop's first sync, from interleaved runs of several source trees.

    git worktree add --detach /tmp/before <commit>
    .venv/bin/python -m bench.ab_first_sync --runs 4 --households 10000 before=/tmp/before after=.

One server (this tree's code, the bench's cached one-community database) serves every run; each run
is a new process with ``PYTHONPATH`` set to its tree, doing what the app does: ``Laptop.enroll`` into
an empty data folder (new encrypted store, the server's password check, the key slot), then a sync
(the snapshot and the search index). Trees take turns (A B C A B C …), so a machine whose speed
drifts treats them alike; the ratio of each tree to the one before it is printed per round. Writes
the runs to ``bench/out/ab_first_sync_<households><--name>.json`` with each run's load average.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from bench.harness import OUT, PASSWORD, PY, ROOT, Server, server_db, working_copy

CHILD = r'''
import json, sys, time
from pathlib import Path
import gridworker.store.search_index  # noqa: F401 - the app has it loaded for its search box
import gridworker.sync.apply as A
from gridworker.sync.engine import SyncEngine
from gridworker.sync.laptop import Laptop
url, folder, password = sys.argv[1:4]
spent = [0.0]
rebuild = A.rebuild_search_index
def timed(conn, changed):
    t = time.perf_counter(); rebuild(conn, changed); spent[0] += time.perf_counter() - t
A.rebuild_search_index = timed
t0 = time.perf_counter()
login = Laptop(Path(folder)).enroll(url, "bench", password, first_sync=False)
t1 = time.perf_counter()
report = SyncEngine(login.db).sync()
t2 = time.perf_counter()
hwm = next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1]
print(json.dumps({"s": round(t2 - t0, 3), "enrol_s": round(t1 - t0, 3), "index_s": round(spent[0], 3),
                  "pulled": report.pulled, "peak_mb": int(hwm) // 1024}))
'''


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=4)
    ap.add_argument("--households", type=int, default=10000)
    ap.add_argument("--name", default="", help="written to bench/out/ab_first_sync_<households><name>.json")
    ap.add_argument("trees", nargs="+", help="tag=path of a source tree (a git worktree)")
    args = ap.parse_args()
    trees = {tag: str(Path(path).resolve()) for tag, path in (t.split("=", 1) for t in args.trees)}
    work = Path(tempfile.mkdtemp(prefix="gw-ab-"))
    srv = Server(str(working_copy(server_db(args.households), work)))
    runs: dict[str, list[dict]] = {tag: [] for tag in trees}
    try:
        for i in range(args.runs):
            for tag, tree in trees.items():
                folder = work / f"{tag}-{i}"
                load = os.getloadavg()
                r = subprocess.run([PY, "-c", CHILD, srv.url, str(folder), PASSWORD], cwd=str(work),
                                   env=dict(os.environ, PYTHONPATH=tree), capture_output=True, text=True)
                if r.returncode:
                    raise RuntimeError(f"{tag}: {r.stderr[-2000:]}")
                res = json.loads(r.stdout.strip().splitlines()[-1])
                res["load"] = [round(x, 1) for x in load]
                runs[tag].append(res)
                print(tag, res, flush=True)
                shutil.rmtree(folder, ignore_errors=True)
    finally:
        srv.stop()
        shutil.rmtree(work, ignore_errors=True)
    medians = {tag: {k: statistics.median(r[k] for r in rs) for k in ("s", "enrol_s", "index_s", "peak_mb")}
               for tag, rs in runs.items()}
    tags = list(trees)
    ratios = {f"{b}/{a}": [round(y["s"] / x["s"], 3) for x, y in zip(runs[a], runs[b])] for a, b in zip(tags, tags[1:])}
    for tag, m in medians.items():
        print(f"{tag}: median {m['s']:.2f} s (enrolment {m['enrol_s']:.2f} s, search index {m['index_s']:.2f} s), "
              f"peak {m['peak_mb']:.0f} MB")
    for pair, rs in ratios.items():
        print(f"{pair} per round: {rs} (median {statistics.median(rs):.3f})")
    out = OUT / f"ab_first_sync_{args.households}{args.name}.json"
    out.write_text(json.dumps({"date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                               "households": args.households, "trees": trees, "runs": runs,
                               "medians": medians, "ratios": ratios}, indent=1))
    print(f"wrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
