"""Read-only queries for 议事 records: the meetings, and one meeting's thread from topic to done
(its decisions folded with their progress and closing, and each ballot's result)."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from ..domain import meetings as rules
from . import queries_ballots as qb


def _rows(conn: Connection, sql: str, params: tuple = ()) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.exec_driver_sql(sql, params).mappings()]


def list_meetings(conn: Connection) -> list[dict[str, Any]]:
    """Every live meeting, newest first, with ``kind_label`` and how many decisions are still open."""
    rows = _rows(conn, "SELECT id, kind, topic, held_at, place, convener FROM meeting WHERE deleted = 0"
                       " ORDER BY held_at DESC, id")
    items = _rows(conn, "SELECT * FROM meeting_item")
    by_meeting: dict[str, list[dict]] = {}
    for i in items:
        by_meeting.setdefault(i["meeting_id"], []).append(i)
    for r in rows:
        r["kind_label"] = rules.MEETING_KINDS.get(r["kind"], r["kind"])
        decisions = rules.fold(by_meeting.get(r["id"], []))
        r["decisions"] = len(decisions)
        r["open"] = sum(1 for d in decisions if d.kind != "note" and not d.done_at)
    return rows


@dataclass
class Thread:
    """One meeting from topic to done: the meeting, its attendees by name, and its decisions, each
    with status, progress and (for a ballot) the ballot's title and result lines."""

    meeting: dict[str, Any]
    attendees: list[str]
    decisions: list[dict[str, Any]] = field(default_factory=list)


def thread(conn: Connection, meeting_id: str, today: dt.date) -> Thread | None:
    rows = _rows(conn, "SELECT * FROM meeting WHERE id = ? AND deleted = 0", (meeting_id,))
    if not rows:
        return None
    m = rows[0]
    m["kind_label"] = rules.MEETING_KINDS.get(m["kind"], m["kind"])
    try:
        people = json.loads(m["attendees"] or "[]")
    except ValueError:
        people = []
    homes = {r["id"]: r for r in _rows(conn, "SELECT id, address, head_name FROM household")}
    names = []
    for p in people:
        if p.get("household_id") in homes:
            h = homes[p["household_id"]]
            names.append(f"{h['address']}（{h['head_name'] or '户'}）")
        elif p.get("unit") or p.get("name"):
            names.append(p.get("unit") or p.get("name"))
    out = Thread(m, names)
    items = _rows(conn, "SELECT * FROM meeting_item WHERE meeting_id = ?", (meeting_id,))
    for d in rules.fold(items):
        row: dict[str, Any] = {"decision": d, "kind_label": rules.DECISION_KINDS.get(d.kind, d.kind)}
        closed = False
        if d.ballot_id:
            state = qb.ballot_state(conn, d.ballot_id)
            if state is not None:
                closed = bool(state.ballot.get("closed_at"))
                row["ballot_title"] = state.ballot["title"]
                if not closed:
                    turnout = state.result.turnout_households if state.result is not None else len(state.effective)
                    row["ballot_result"] = [f"表决进行中：应参与{len(state.households)}户，已参与{turnout}户"]
                else:
                    row["ballot_result"] = (state.result.explain() if state.result is not None
                                            else [state.error or "尚无结果"])
                row["ballot_passed"] = state.passed if closed else None
        row["status"] = d.status(today, ballot_closed=closed)
        row["status_label"] = rules.STATUS_LABELS[row["status"]]
        out.decisions.append(row)
    return out
