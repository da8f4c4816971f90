"""走访: log a visit (and raise a case from it in the same unit of work), void a visit logged in error.

Visits are append-only: a correction is a new record whose ``voids_id`` names the visit it voids.
The visitor is the actor; a party member's visit is filed under their party-member record.
"""
from __future__ import annotations

from typing import Any

from ..domain import permissions as perm
from ..domain.clock import now_iso
from ..domain.errors import ValidationError
from ..domain.ids import new_id
from ..store import queries_visits as qv
from ..store.database import Actor, Database, NotFoundError
from .base import Done, operation, require_role, unit
from .issues import check_report, report_issue

VISIT_FIELDS = ("household_id", "visited_at", "mode", "purpose", "summary", "problems", "requests", "follow_up",
                "follow_up_date")


def _first_line(text: str | None, limit: int = 60) -> str:
    line = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    return line[:limit]


def write_visit(uow: Any, visit: dict[str, Any], issue: dict[str, Any] | None = None) -> tuple[str, str | None]:
    """Append a visit inside ``uow`` and, when ``issue`` is given, raise a case from it; returns
    (visit id, issue id). No permission check (the operation below and demo data call it).

    ``visit``: household_id, visited_at, mode (code), summary, problems, requests, follow_up,
    follow_up_date, visitor_id, visitor_name, party_member_id. ``issue``: title, kind, category,
    urgency (a blank title falls back to the problems found).
    """
    visit_id = new_id()
    issue_id = None
    if issue is not None:
        title = (issue.get("title") or "").strip() or _first_line(visit.get("problems")) \
            or _first_line(visit.get("requests")) or _first_line(visit.get("summary"))
        issue_id = report_issue(uow, {
            **issue, "title": title, "household_id": visit.get("household_id"), "visit_id": visit_id,
            "description": "\n".join(x for x in (visit.get("problems"), visit.get("requests")) if x) or None,
            "reporter_name": visit.get("visitor_name"), "source": "visit"})
    uow.append("visit", {**visit, "issue_id": issue_id}, row_id=visit_id)
    return visit_id, issue_id


@operation("visit.log")
def log(db: Database, actor: Actor, *, household_id: str, mode: str = "door", visited_at: str | None = None,
        summary: str | None = None, problems: str | None = None, requests: str | None = None,
        purpose: str | None = None, follow_up: str | None = None, follow_up_date: str | None = None,
        issue: dict | None = None) -> Done:
    """登记走访: one visit to a household; ``issue`` (title, kind, category, urgency) also reports a case."""
    role = require_role(actor)
    perm.check_write(role, "visit", "append")
    if issue is not None:
        check_report(actor)
    visit = {"household_id": household_id, "mode": mode, "purpose": purpose, "summary": summary,
             "problems": problems, "requests": requests, "follow_up": follow_up, "follow_up_date": follow_up_date,
             "visited_at": visited_at or now_iso(),
             "visitor_id": actor.user_id, "visitor_name": actor.name}
    done = Done()
    with unit(db, actor, done) as uow:
        if role == perm.PARTY_MEMBER:
            visit["party_member_id"] = actor.member_id or qv.party_member_of_user(uow.conn, actor.user_id)
        visit_id, issue_id = write_visit(uow, visit, issue)
    done.id, done.ids = visit_id, {"visit": visit_id, "issue": issue_id}
    return done


@operation("visit.void")
def void(db: Database, actor: Actor, *, visit_id: str, reason: str) -> Done:
    """作废走访: a visit logged in error is voided by a correction record (the original is kept)."""
    role = require_role(actor)
    perm.check_write(role, "visit", "append", ["voids_id"])
    if not (reason or "").strip():
        raise ValidationError("reason", reason, "reason_required", "作废走访必须说明原因")
    done = Done()
    with unit(db, actor, done) as uow:
        original = uow.get("visit", visit_id)
        if original is None:
            raise NotFoundError("找不到这条走访记录")
        if uow.query("SELECT 1 FROM visit WHERE voids_id = ? LIMIT 1", (visit_id,)):
            raise ValidationError("visit_id", visit_id, "already_void", "这条走访已经作废")
        done.id = uow.append("visit", {
            "household_id": original["household_id"], "visited_at": original["visited_at"],
            "mode": original["mode"], "summary": f"作废：{reason.strip()}", "voids_id": visit_id,
            "visitor_id": actor.user_id, "visitor_name": actor.name})
    return done
