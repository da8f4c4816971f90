"""议事 records: 民事民议 → 民决 → 民办 → 民管 as one thread.

A ``meeting`` (客堂间, 院落板凳会, 花园议事厅, the 红色物业 "1+3+N" 联席会议 …) has a topic, time, place,
attendees (households and units) and minutes. What it decided is a ``meeting_item`` of kind
``decision``: a matter settled there (``note``), one put to the residents' vote (``ballot``: it
names the ballot it opened, 民决), or a task with an owner and a deadline (``task``, 民办). Progress
and closing are more items (``progress``, ``done``) naming the decision (民管). Items are
append-only: nothing is edited, and the thread is the fold of its items.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ._util import get
from .errors import RuleViolation, ValidationError

MEETING_KINDS: dict[str, str] = {
    "ketang": "客堂间", "bandeng": "院落板凳会", "huayuan": "花园议事厅",
    "lianxi": "联席会议（社区、物业、业委会、共建单位）", "other": "其他议事会",
}
DECISION_KINDS: dict[str, str] = {"note": "议定事项", "ballot": "交付表决（民决）", "task": "落实任务（民办）"}
ITEM_KINDS = ("decision", "progress", "done")
STATUS_LABELS = {"open": "办理中", "overdue": "已超期", "done": "已办结", "settled": "已议定", "voting": "表决中",
                 "voted": "已表决"}


@dataclass
class Decision:
    """One decision of a meeting with what happened to it since."""

    id: str
    text: str
    kind: str
    at: str
    owner: str | None = None
    deadline: str | None = None
    ballot_id: str | None = None
    progress: list[tuple[str, str, str | None]] = field(default_factory=list)  # (at, text, by)
    done_at: str | None = None
    done_note: str | None = None

    def status(self, today: dt.date, ballot_closed: bool = False) -> str:
        if self.kind == "note":
            return "settled"
        if self.kind == "ballot" and not self.done_at:
            return "voted" if ballot_closed else "voting"
        if self.done_at:
            return "done"
        if self.deadline and dt.date.fromisoformat(self.deadline) < today:
            return "overdue"
        return "open"


def check_decision(text: str | None, kind: str, owner: str | None, deadline: str | None) -> None:
    """A decision needs its words; a task also an owner and a deadline (民办: who, by when)."""
    if not (text or "").strip():
        raise ValidationError("text", text, "required", "请写明议定的内容")
    if kind not in DECISION_KINDS:
        raise ValidationError("kind", kind, "bad_choice", f"可选：{'、'.join(DECISION_KINDS)}")
    if kind == "task":
        if not (owner or "").strip():
            raise ValidationError("owner", owner, "required", "落实任务要写明负责人")
        if not deadline:
            raise ValidationError("deadline", deadline, "required", "落实任务要写明完成期限")
    if deadline:
        try:
            dt.date.fromisoformat(str(deadline))
        except ValueError:
            raise ValidationError("deadline", deadline, "bad_date", "期限应为 2026-12-31 这样的日期") from None


def fold(items: Iterable[Mapping[str, Any] | Any]) -> list[Decision]:
    """The decisions of one meeting in order, each with its progress and closing."""
    decisions: dict[str, Decision] = {}
    ordered = sorted(items, key=lambda i: (str(get(i, "at") or ""), str(get(i, "id"))))
    for i in ordered:
        if get(i, "kind") == "decision":
            decisions[get(i, "id")] = Decision(get(i, "id"), get(i, "text") or "", get(i, "decision_kind") or "note",
                                               get(i, "at") or "", get(i, "owner"), get(i, "deadline"),
                                               get(i, "ballot_id"))
    for i in ordered:
        d = decisions.get(get(i, "item_id") or "")
        if d is None:
            continue
        if get(i, "kind") == "progress":
            d.progress.append((get(i, "at") or "", get(i, "text") or "", get(i, "actor_name")))
        elif get(i, "kind") == "done" and d.done_at is None:
            d.done_at, d.done_note = get(i, "at"), get(i, "text")
    return list(decisions.values())


def check_follow_up(decision: Decision | None, kind: str) -> None:
    """Progress and closing go to a live decision that is a task or a ballot, once closed not again."""
    if decision is None:
        raise RuleViolation("no_decision", "找不到这项决定")
    if decision.kind == "note":
        raise RuleViolation("not_followed", "议定事项无需跟进；落实任务和交付表决的决定才记录进展")
    if decision.done_at:
        raise RuleViolation("already_done", "这项决定已经办结")
    if kind not in ("progress", "done"):
        raise ValidationError("kind", kind, "bad_choice", "应为 progress 或 done")
