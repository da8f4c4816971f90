"""Read-only queries for the 吹哨报到 (issues) workspace: the case list with states and deadlines,
one case with its full event history.

A case's state is folded from its events (``domain.issues.fold``) in server order, as the store's
validation does; its deadline comes from ``state_due_at`` and its colour from ``deadline_status``
(``ok`` / ``warning`` / ``overdue``; ``None`` for a case with no running clock: not yet reported,
declined).
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from ..domain import issues as rules
from ..domain.codes import ISSUE_CATEGORIES, ISSUE_KINDS, URGENCIES
from . import queries_rules

_EVENT_ORDER = "ORDER BY issue_id, server_seq IS NULL, server_seq, hlc"


def _rows(conn: Connection, sql: str, params: tuple = ()) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.exec_driver_sql(sql, params).mappings()]


def _events(conn: Connection, where: str, params: tuple) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for e in _rows(conn, "SELECT id, issue_id, action, at, actor_name, level, department, note, payload,"
                         f" created_by, device_id, server_seq FROM issue_event WHERE {where} {_EVENT_ORDER}",
                   params):
        try:
            e["payload"] = json.loads(e["payload"] or "{}")
        except ValueError:
            e["payload"] = {}
        out.setdefault(e["issue_id"], []).append(e)
    return out


def deadline_of(state: rules.IssueState, now: dt.datetime,
                config: dict[str, Any] | None = None) -> tuple[dt.datetime | None, str | None]:
    """(due time, ``ok``/``warning``/``overdue``) of a folded case; (None, None) with no clock.

    ``config``: the community's rules (``queries_rules.rules(conn).deadline_config()``): its holiday
    calendar and time limits."""
    if state.status in ("new", "declined"):
        return None, None
    due = rules.state_due_at(state, config)
    if due is None or state.reported_at is None:
        return None, None
    return due, rules.deadline_status(due, state.reported_at, now, state.closed_at)


def _summary(header: dict[str, Any], fold: rules.FoldResult, now: dt.datetime,
             config: dict[str, Any] | None = None) -> dict[str, Any]:
    st = fold.state
    due, status = deadline_of(st, now, config)
    return {
        **header,
        "state": st,
        "status": st.status,
        "status_label": rules.STATUSES[st.status],
        "level_label": rules.ISSUE_LEVELS.get(st.level, st.level),
        "category_label": ISSUE_CATEGORIES.get(st.category or header.get("category") or "", "")
        or (header.get("category") or ""),
        "kind_label": ISSUE_KINDS.get(st.kind or header.get("kind") or "", header.get("kind") or ""),
        "urgency_label": URGENCIES.get(st.urgency, st.urgency),
        "due_at": due,
        "deadline": status,
        "invalid": fold.invalid,
    }


def list_issues(conn: Connection, now: dt.datetime, *, status: str | None = None,
                open_only: bool = False, household_id: str | None = None) -> list[dict[str, Any]]:
    """Every live case with its folded state and deadline: overdue first, then warning, then by
    deadline, closed and declined last.

    ``status`` keeps one state code; ``open_only`` keeps cases still to be worked on: not yet
    reported (a draft), reported, and open.
    """
    where, params = "deleted = 0", ()
    if household_id:
        where += " AND household_id = ?"
        params = (household_id,)
    headers = _rows(conn, "SELECT id, title, category, kind, urgency, household_id, visit_id, address,"
                          f" reporter_name, reported_at, source FROM issue WHERE {where}", params)
    events = _events(conn, "issue_id IN (SELECT id FROM issue WHERE " + where + ")", params)
    config = queries_rules.rules(conn).deadline_config()
    out = []
    for h in headers:
        s = _summary(h, rules.fold(events.get(h["id"], [])), now, config)
        if status and s["status"] != status:
            continue
        if open_only and not (s["state"].is_open or s["status"] in ("new", "reported")):
            continue
        out.append(s)
    rank = {"overdue": 0, "warning": 1, "ok": 2, None: 3}
    far = dt.datetime.max.replace(tzinfo=dt.timezone.utc)
    out.sort(key=lambda s: (s["status"] in ("closed", "rated", "declined"), rank[s["deadline"]],
                            s["due_at"] or far, s["reported_at"] or ""))
    return out


@dataclass
class IssueCase:
    """One case: header, summary (as in the list), events in order, and the actions allowed now."""

    header: dict[str, Any]
    summary: dict[str, Any]
    events: list[dict[str, Any]]
    allowed: list[str]


def issue_case(conn: Connection, issue_id: str, now: dt.datetime) -> IssueCase | None:
    """Load one case; each event dict gains ``label`` (Chinese action) and ``invalid`` (reason or None)."""
    rows = _rows(conn, "SELECT * FROM issue WHERE id = ? AND deleted = 0", (issue_id,))
    if not rows:
        return None
    header = rows[0]
    events = _events(conn, "issue_id = ?", (issue_id,)).get(issue_id, [])
    fold = rules.fold(events)
    bad = dict(fold.invalid)
    for e in events:
        e["label"] = rules.ACTIONS.get(e["action"], e["action"])
        e["invalid"] = bad.get(e["id"])
    config = queries_rules.rules(conn).deadline_config()
    return IssueCase(header, _summary(header, fold, now, config), events, rules.allowed_actions(fold.state))


def status_counts(conn: Connection, now: dt.datetime) -> dict[str, int]:
    """How many live cases are in each state code (only states that occur)."""
    counts: dict[str, int] = {}
    for s in list_issues(conn, now):
        counts[s["status"]] = counts.get(s["status"], 0) + 1
    return counts
