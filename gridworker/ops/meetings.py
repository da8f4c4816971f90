"""议事: record a meeting, what it decided (a ballot for 民决, a task for 民办), progress and closing
(民管). Each is one unit of work; nothing is edited after the fact (items are append-only)."""
from __future__ import annotations

import json
from typing import Any

from ..domain import meetings as rules
from ..domain import permissions as perm
from ..domain.clock import now_iso
from ..domain.errors import ValidationError
from ..store.database import Actor, Database
from .base import Done, operation, require_role, unit
from .ballots import create_ballot


def _attendees(uow: Any, attendees: Any) -> str:
    """The attendee list as stored: a household chosen by id, or named by its exact address, is a
    household; any other name is a unit (物业公司, 业委会, 共建单位 …) or a person."""
    people = attendees if isinstance(attendees, list) else json.loads(attendees or "[]")
    out = []
    for p in people:
        if isinstance(p, str):
            name = p.strip()
            if not name:
                continue
            found = uow.query("SELECT id FROM household WHERE address = ? AND deleted = 0 LIMIT 1", (name,))
            p = {"household_id": found[0]["id"]} if found else {"unit": name}
        out.append(p)
    return json.dumps(out, ensure_ascii=False)


@operation("meeting.record")
def record(db: Database, actor: Actor, *, kind: str, topic: str, held_at: str | None = None,
           place: str | None = None, convener: str | None = None, attendees: Any = None,
           minutes: str | None = None) -> Done:
    """记录议事会议: kind (ketang 客堂间 / bandeng 院落板凳会 / huayuan 花园议事厅 / lianxi 联席会议 / other),
    topic, time, place, attendees (a JSON list of {"household_id"} or {"unit"} or plain unit names), minutes."""
    perm.check_write(require_role(actor), "meeting", "insert")
    done = Done()
    with unit(db, actor, done) as uow:
        done.id = uow.insert("meeting", {"kind": kind, "topic": topic, "held_at": held_at or now_iso(),
                                         "place": place, "convener": convener or actor.name,
                                         "attendees": _attendees(uow, attendees), "minutes": minutes})
    return done


@operation("meeting.update")
def update(db: Database, actor: Actor, *, meeting_id: str, values: dict) -> Done:
    """修改会议记录 (topic, time, place, attendees, minutes); decisions are added, never edited."""
    perm.check_write(require_role(actor), "meeting", "update", values)
    done = Done(id=meeting_id)
    with unit(db, actor, done) as uow:
        uow.require("meeting", meeting_id, "meeting_id")
        if "attendees" in values:
            values = {**values, "attendees": _attendees(uow, values["attendees"])}
        uow.update("meeting", meeting_id, values)
    return done


@operation("meeting.decide")
def decide(db: Database, actor: Actor, *, meeting_id: str, text: str, kind: str = "note",
           owner: str | None = None, deadline: str | None = None, ballot: dict | None = None) -> Done:
    """议定一项决定: kind note (议定事项), task (落实任务: owner, deadline; 民办) or ballot (交付表决, 民决:
    ``ballot`` = {"title", "rule", "scope_kind", "scope_ref"} opens that ballot in the same step)."""
    role = require_role(actor)
    perm.check_write(role, "meeting_item", "append")
    rules.check_decision(text, kind, owner, deadline)
    if kind == "ballot":
        perm.check(role, "ballot.manage")
        perm.check_write(role, "ballot", "insert")
        if not ballot or not ballot.get("rule"):
            raise ValidationError("ballot", ballot, "required", "交付表决要选择表决规则")
    done = Done()
    with unit(db, actor, done) as uow:
        uow.require("meeting", meeting_id, "meeting_id")
        ballot_id = None
        if kind == "ballot":
            ballot_id = create_ballot(uow, {"title": ballot.get("title") or text, "description": f"议事会议决定：{text}",
                                            "scope_kind": ballot.get("scope_kind", "community"),
                                            "scope_ref": ballot.get("scope_ref"), "rule": ballot["rule"],
                                            "opens_at": ballot.get("opens_at"), "options": ballot.get("options")},
                                      actor.user_id)
            done.ids["ballot"] = ballot_id
        done.id = uow.append("meeting_item", {"meeting_id": meeting_id, "kind": "decision", "decision_kind": kind,
                                              "text": text.strip(), "owner": owner, "deadline": deadline,
                                              "ballot_id": ballot_id, "at": now_iso(), "actor_name": actor.name})
    return done


@operation("meeting.follow")
def follow(db: Database, actor: Actor, *, item_id: str, text: str, done: bool = False) -> Done:
    """记录进展 / 办结 (民管): a note on a task or ballot decision; ``done=true`` closes it."""
    perm.check_write(require_role(actor), "meeting_item", "append")
    if not (text or "").strip():
        raise ValidationError("text", text, "required", "请写明进展或办结情况")
    result = Done()
    with unit(db, actor, result) as uow:
        item = uow.require("meeting_item", item_id, "item_id")
        siblings = uow.query("SELECT * FROM meeting_item WHERE meeting_id = ?", (item["meeting_id"],))
        decision = next((d for d in rules.fold(siblings) if d.id == item_id), None)
        rules.check_follow_up(decision, "done" if done else "progress")
        result.id = uow.append("meeting_item", {"meeting_id": item["meeting_id"], "kind": "done" if done else "progress",
                                                "item_id": item_id, "text": text.strip(), "at": now_iso(),
                                                "actor_name": actor.name})
    return result

