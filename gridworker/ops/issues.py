"""吹哨报到 cases: report one, take a step of the loop (accept, dispatch, feedback, close, rate …).

The state machine (domain/issues.py) decides which step a case's state allows; the permission
table decides which steps a role may take (a party member reports and comments).
"""
from __future__ import annotations

from typing import Any

from ..domain import permissions as perm
from ..store.database import Actor, Database
from .base import Done, operation, require_role, unit

HEADER_FIELDS = ("title", "description", "kind", "category", "urgency", "household_id", "visit_id", "address",
                 "reporter_name", "source")


def report_issue(uow: Any, values: dict[str, Any], *, issue_id: str | None = None) -> str:
    """Insert a case and its ``report`` event inside ``uow``; returns the case id.

    ``values``: title (required), description, kind (求助/咨询/投诉/建议 code, required), category,
    urgency, household_id, visit_id, address, reporter_name, source. No permission check: the
    operations below (and demo data) call it.
    """
    header = {k: values.get(k) for k in HEADER_FIELDS}
    header["urgency"] = header["urgency"] or "normal"
    if header.get("household_id") and not header.get("address"):
        row = uow.get("household", header["household_id"])
        header["address"] = row["address"] if row else None
    iid = uow.insert("issue", header, row_id=issue_id)
    payload = {"kind": values.get("kind"), "urgency": header["urgency"]}
    if values.get("category"):
        payload["category"] = values["category"]
    uow.append("issue_event", {"issue_id": iid, "action": "report", "actor_name": uow.actor.name,
                               "payload": payload})
    return iid


def append_step(uow: Any, issue_id: str, action: str, payload: dict[str, Any]) -> str:
    """Append one step of the loop as an ``issue_event`` inside ``uow``; the store refuses a step
    the case's state forbids."""
    return uow.append("issue_event", {
        "issue_id": issue_id, "action": action, "actor_name": uow.actor.name,
        "level": payload.get("level"), "department": payload.get("department"),
        "note": payload.get("note") or payload.get("reason"), "payload": payload})


def check_report(actor: Actor) -> None:
    role = require_role(actor)
    perm.check_write(role, "issue", "insert")
    perm.check_issue_action(role, "report")


@operation("issue.report")
def report(db: Database, actor: Actor, *, title: str, kind: str, description: str | None = None,
           category: str | None = None, urgency: str | None = None, household_id: str | None = None,
           address: str | None = None, source: str = "grid") -> Done:
    """上报事项: a new case (求助 / 咨询 / 投诉 / 建议) with its report event."""
    check_report(actor)
    done = Done()
    with unit(db, actor, done) as uow:
        done.id = report_issue(uow, {"title": title, "kind": kind, "description": description,
                                     "category": category, "urgency": urgency, "household_id": household_id,
                                     "address": address, "reporter_name": actor.name, "source": source})
    return done


@operation("issue.step")
def step(db: Database, actor: Actor, *, issue_id: str, action: str, payload: dict | None = None) -> Done:
    """办理事项: one step of the loop (accept, analyse, dispatch, feedback, close, rate, comment …)."""
    role = require_role(actor)
    perm.check_write(role, "issue_event", "append")
    perm.check_issue_action(role, action)
    done = Done()
    with unit(db, actor, done) as uow:
        done.id = append_step(uow, issue_id, action, dict(payload or {}))
    return done
