"""Before/after of the incremental sync's two closest figures, from interleaved runs of source trees.

    git worktree add --detach /tmp/before <commit>
    .venv/bin/python -m bench.ab_incremental --rounds 3 before=/tmp/before after=.

Each run is a new process with ``PYTHONPATH`` set to its tree, and its own server of that tree's code
(the bench's cached 10,000-household database): two laptops make their first sync, then

- **searched field**: laptop A changes the head's phone of 1,000 households and pushes, laptop B's pull
  is timed (its search index re-keys those households), 4 times;
- **push with references**: laptop A appends 1,000 visits, each naming its household and a party
  member, and its push is timed (the server checks that both rows are this community's), 4 times.

Trees take turns (A B A B …), so a machine whose speed drifts treats them alike. Writes the runs to
``bench/out/ab_incremental<--name>.json`` with each run's load average.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

from bench.harness import OUT, PY

CHILD = r'''
import datetime as dt, json, tempfile, time
from pathlib import Path
from bench.harness import Server, first_sync_runs, open_as_bench_user, server_db, working_copy
import gridworker.sync.apply as A
from gridworker.sync.engine import SyncEngine
work = Path(tempfile.mkdtemp(prefix="gw-ab-inc-"))
srv = Server("sqlite:///" + str(working_copy(server_db(10000), work)))
try:
    laptops = first_sync_runs(srv, work, "abinc", 2)
    (a, actor_a), (b, actor_b) = (open_as_bench_user(Path(r["laptop"])) for r in laptops)
    SyncEngine(b).sync()
    with a.read() as conn:
        ids = [r[0] for r in conn.exec_driver_sql("SELECT id FROM household ORDER BY id LIMIT 1000")]
        member = conn.exec_driver_sql("SELECT id FROM party_member ORDER BY id LIMIT 1").scalar()
    spent = [0.0]
    refresh = A.refresh_search_index
    def timed(conn, changed):
        t = time.perf_counter(); refresh(conn, changed); spent[0] += time.perf_counter() - t
    A.refresh_search_index = timed
    searched, index = [], []
    for run in range(4):
        with a.write(actor_a) as uow:
            for i, hid in enumerate(ids):
                uow.update("household", hid, {"phone": f"139{run:02d}{i:06d}"})
        assert SyncEngine(a).push().pushed == 1000
        spent[0] = 0.0
        t0 = time.perf_counter()
        assert SyncEngine(b).pull().pulled >= 1000
        searched.append(round(time.perf_counter() - t0, 4))
        index.append(round(spent[0], 4))
    pushes = []
    now = dt.datetime.now(dt.timezone.utc)
    for run in range(4):
        with a.write(actor_a) as uow:
            for i, hid in enumerate(ids):
                uow.append("visit", {"household_id": hid, "mode": "door", "party_member_id": member,
                                     "visited_at": (now - dt.timedelta(minutes=run * 1000 + i)).isoformat()})
        t0 = time.perf_counter()
        assert SyncEngine(a).push().pushed == 1000
        pushes.append(round(time.perf_counter() - t0, 4))
    a.close()
    b.close()
finally:
    srv.stop()
print(json.dumps({"searched_pull_s": searched, "searched_index_s": index, "push_visits_s": pushes}))
'''


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--name", default="", help="written to bench/out/ab_incremental<name>.json")
    ap.add_argument("trees", nargs="+", help="tag=path of a source tree (a git worktree)")
    args = ap.parse_args()
    trees = {tag: str(Path(path).resolve()) for tag, path in (t.split("=", 1) for t in args.trees)}
    runs: dict[str, list[dict]] = {tag: [] for tag in trees}
    for _ in range(args.rounds):
        for tag, tree in trees.items():
            env = {**os.environ, "PYTHONPATH": tree}
            # The tree's bench reads the cached server database from its own bench/out.
            (Path(tree) / "bench" / "out").mkdir(parents=True, exist_ok=True)
            cached = Path(tree) / "bench" / "out" / "server-10000.db"
            if not cached.exists() and (OUT / "server-10000.db").exists():
                cached.symlink_to(OUT / "server-10000.db")
            r = subprocess.run([PY, "-c", CHILD], cwd=tree, env=env, capture_output=True, text=True)
            if r.returncode != 0:
                print(r.stderr[-3000:], file=sys.stderr)
                return 1
            res = json.loads(r.stdout.strip().splitlines()[-1])
            res["load"] = [round(x, 1) for x in os.getloadavg()]
            runs[tag].append(res)
            print(tag, res, flush=True)
    summary = {}
    for tag, rs in runs.items():
        summary[tag] = {k: statistics.median(v for r in rs for v in r[k])
                        for k in ("searched_pull_s", "searched_index_s", "push_visits_s")}
        print(f"{tag}: median of {4 * len(rs)} each: searched-field pull {summary[tag]['searched_pull_s']:.3f} s "
              f"(index refresh {summary[tag]['searched_index_s']:.3f} s), push of 1,000 visits "
              f"{summary[tag]['push_visits_s']:.3f} s")
    out = OUT / f"ab_incremental{args.name}.json"
    out.write_text(json.dumps({"date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "trees": trees,
                               "runs": runs, "summary": summary}, indent=1))
    print(f"wrote {out.relative_to(OUT.parent.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
