"""Latency of the workflow workspaces' queries on a large community laptop (run by hand, never in tests).

    .venv/bin/python bench/bench_workflow_queries.py                  # 15,000 households
    .venv/bin/python bench/bench_workflow_queries.py --households 5000

Builds a temporary database with bulk inserts (no outbox: a data set, not edits): households,
three visits each on average, 1+10+N links covering 85 % of households, 1,100 issues with their
events, one owners' ballot over a 600-household estate with 450 votes. Reports the median and max
of 5 runs of each query the 党员联户 / 走访 / 议事表决 / 吹哨报到 workspaces make on opening.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gridworker.domain.ids import deterministic_id, new_id  # noqa: E402
from gridworker.store import queries_ballots, queries_contacts, queries_issues, queries_visits  # noqa: E402
from gridworker.store.bulk import insert_rows  # noqa: E402
from gridworker.store.database import Database  # noqa: E402

COMMUNITY = "0190c000-0000-7000-8000-000000000001"


def build(path: Path, n: int, seed: int = 7) -> Database:
    rnd = random.Random(seed)
    db = Database.open(path)
    db.set_state("community_id", COMMUNITY)
    now = dt.datetime.now().astimezone()
    base = {"community_id": COMMUNITY, "versions": "{}", "deleted": 0}
    app = {"community_id": COMMUNITY, "created_at": now.isoformat()}
    households, visits, members, links, issues, events = [], [], [], [], [], []
    for i in range(n):
        estate = f"小区{i // 600:02d}"
        room = f"{(i % 600) // 20 + 1}{i % 20 + 1:02d}"
        households.append({**base, "id": new_id(), "estate": estate, "building_no": str(i % 30 + 1), "unit": "1",
                           "room": room, "address": f"{estate}{i % 30 + 1}幢1单元{room}室", "head_name": f"住户{i}",
                           "attention_level": rnd.choice(("high", "key", "normal", "normal", "normal")),
                           "area_m2": f"{rnd.randint(50, 140)}.00", "tags": "[]"})
    for h in households:
        for _ in range(rnd.randint(0, 6)):
            at = now - dt.timedelta(days=rnd.randint(0, 400), minutes=rnd.randint(0, 900))
            visits.append({**app, "id": new_id(), "household_id": h["id"], "mode": "door",
                           "visited_at": at.isoformat(timespec="seconds"), "summary": "例行走访", "hlc": at.isoformat()})
    n_members = max(n // 8, 10)
    for m in range(n_members):
        members.append({**base, "id": new_id(), "name": f"党员{m}", "is_central_household": int(m % 11 == 0),
                        "in_service": 0})
    centrals = [m for m in members if m["is_central_household"]]
    for i, m in enumerate(members):
        if not m["is_central_household"]:
            c = centrals[i % len(centrals)]
            links.append({**base, "id": deterministic_id(c["id"], m["id"], "central_member"), "kind": "central_member",
                          "from_id": c["id"], "to_id": m["id"], "active": 1})
    for i, h in enumerate(households):
        if rnd.random() < 0.85:
            m = members[i % n_members]
            links.append({**base, "id": deterministic_id(m["id"], h["id"], "member_household"),
                          "kind": "member_household", "from_id": m["id"], "to_id": h["id"], "active": 1})
    steps = ["report", "accept", "analyse", "dispatch", "start_handling", "feedback", "close", "rate"]
    payloads = {"report": {"kind": "help"}, "analyse": {"category": "property", "urgency": "normal", "level": "community"},
                "dispatch": {"level": "community", "department": "物业"}, "feedback": {"note": "已处理"},
                "rate": {"rating": "satisfied"}}
    for k in range(1100):
        iid = new_id()
        start = now - dt.timedelta(days=rnd.randint(0, 365))
        issues.append({**base, "id": iid, "title": f"事项{k}", "kind": "help", "urgency": "normal",
                       "reported_at": start.isoformat()})
        for j, action in enumerate(steps[:rnd.randint(1, len(steps))]):
            at = start + dt.timedelta(hours=j)
            events.append({**app, "id": new_id(), "issue_id": iid, "action": action, "at": at.isoformat(),
                           "payload": json.dumps(payloads.get(action, {})), "hlc": at.isoformat()})
    ballot = new_id()
    options = [{**base, "id": new_id(), "ballot_id": ballot, "label": lbl, "meaning": m, "position": p}
               for p, (m, lbl) in enumerate((("yes", "同意"), ("no", "反对"), ("abstain", "弃权")))]
    votes = [{**app, "id": new_id(), "ballot_id": ballot, "household_id": h["id"], "option_id": rnd.choice(options)["id"],
              "cast_at": now.isoformat(), "paper": 1, "hlc": f"{k:08d}"}
             for k, h in enumerate(households[:450])]
    with db.sync_transaction() as conn:
        insert_rows(conn, "org_unit", [{**base, "id": COMMUNITY, "code": "1", "name": "社区", "level": "community"}])
        for table, rows in (("household", households), ("visit", visits), ("party_member", members),
                            ("contact_link", links), ("issue", issues), ("issue_event", events),
                            ("ballot", [{**base, "id": ballot, "title": "续聘物业", "scope_kind": "estate",
                                         "scope_ref": "小区00", "rule": "art278_ordinary"}]),
                            ("ballot_option", options), ("vote", votes)):
            insert_rows(conn, table, rows)
    print(f"built: {n} households, {len(visits)} visits, {len(links)} links, {len(issues)} issues, "
          f"{len(events)} events, {len(votes)} votes")
    return db, ballot


def timed(label: str, fn, runs: int = 5) -> None:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    print(f"{label:<34} median {statistics.median(times):8.1f} ms   max {max(times):8.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=15_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db, ballot = build(Path(tmp) / "bench.db", args.households)
        now = dt.datetime.now().astimezone()

        def read(fn):
            def run():
                with db.read() as conn:
                    return fn(conn)
            return run

        timed("visits: recent_visits", read(lambda c: queries_visits.recent_visits(c)))
        timed("visits: overdue_households", read(lambda c: queries_visits.overdue_households(c, now)))
        timed("contacts: contact_tree", read(queries_contacts.contact_tree))
        timed("contacts: coverage", read(lambda c: queries_contacts.coverage(c)))
        timed("issues: list_issues (1,100 cases)", read(lambda c: queries_issues.list_issues(c, now)))
        timed("ballots: ballot_state (600 in scope)", read(lambda c: queries_ballots.ballot_state(c, ballot)))
        db.close()


if __name__ == "__main__":
    main()
