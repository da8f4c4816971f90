"""The 吹哨报到 closed loop: a pure state machine over an issue's append-only events.

A case's state is never stored as truth: it is ``fold``-ed from its events in the order the
caller gives (the server's order). ``apply`` refuses an action the current state does not
allow with ``RuleViolation`` (code ``action_not_allowed``, ``unknown_action`` or
``escalate_at_top``) and a bad payload with ``ValidationError`` naming the payload key.
``allowed_actions`` lists exactly what ``apply`` accepts, so a screen can offer only those.
``fold`` never raises: events that do not fit (a second close from another laptop) are left
out of the state and listed in ``invalid``. Deadlines and measures live in
``issue_deadlines`` and are re-exported here.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from ._util import get
from .codes import ISSUE_CATEGORIES, ISSUE_KINDS, URGENCIES, CodeList, code_for
from .errors import GridworkerError, RuleViolation, ValidationError

STATUSES = CodeList("status", {
    "new": "待上报", "reported": "已上报", "accepted": "已受理", "declined": "不予受理",
    "analysing": "研判中", "dispatched": "已派遣", "handling": "处置中",
    "extension_requested": "申请延期", "feedback": "已反馈", "closed": "核查结案", "rated": "已评价",
})

ACTIONS = CodeList("action", {
    "report": "上报", "accept": "受理", "decline": "不予受理", "analyse": "研判",
    "dispatch": "派遣", "start_handling": "开始处置", "request_extension": "申请延期",
    "grant_extension": "同意延期", "refuse_extension": "驳回延期", "feedback": "反馈办结",
    "supervise": "督办", "send_back": "退回返工", "escalate": "吹哨升级", "close": "核查结案",
    "rate": "评价", "comment": "备注",
})

# The level that must act; escalation climbs this list one step at a time.
ISSUE_LEVELS = CodeList("level", {"community": "社区", "street": "街道", "district": "区", "city": "市"},
                        aliases={"区县": "district", "县": "district"})
_LEVEL_ORDER = tuple(ISSUE_LEVELS)

RATINGS = CodeList("rating", {"satisfied": "满意", "basic": "基本满意", "unsatisfied": "不满意"})

# A case is open from acceptance until it is verified and closed.
OPEN_STATUSES = frozenset({"accepted", "analysing", "dispatched", "handling",
                           "extension_requested", "feedback"})
_ALL = frozenset(STATUSES)

# action -> (statuses it may start from, status it leads to; None keeps the status)
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "report": (frozenset({"new"}), "reported"),
    "accept": (frozenset({"reported"}), "accepted"),
    "decline": (frozenset({"reported"}), "declined"),
    "analyse": (frozenset({"accepted", "analysing"}), "analysing"),
    # Re-dispatch (转派) from dispatched or handling, e.g. to a department after escalation.
    "dispatch": (frozenset({"analysing", "dispatched", "handling"}), "dispatched"),
    "start_handling": (frozenset({"dispatched"}), "handling"),
    "request_extension": (frozenset({"handling"}), "extension_requested"),
    "grant_extension": (frozenset({"extension_requested"}), "handling"),
    "refuse_extension": (frozenset({"extension_requested"}), "handling"),
    "feedback": (frozenset({"handling"}), "feedback"),
    "supervise": (OPEN_STATUSES, None),
    "send_back": (frozenset({"feedback"}), "handling"),
    "escalate": (OPEN_STATUSES, None),
    "close": (frozenset({"feedback"}), "closed"),
    "rate": (frozenset({"closed"}), "rated"),
    "comment": (_ALL, None),
}


@dataclass(frozen=True)
class IssueState:
    """The folded state of one case. Times are the ``at`` of the events that set them."""

    status: str = "new"
    kind: str | None = None          # None until an event gives it: use the case header's then
    category: str | None = None
    urgency: str | None = None       # None means not yet classified; deadlines treat it as normal
    level: str = "community"
    department: str | None = None
    supervised: bool = False
    rework_count: int = 0
    escalations: int = 0
    extension_days: int = 0          # granted, in working days
    # Escalated and not yet accepted at the new level: the next level's 受理 takes the case over.
    awaiting_accept: bool = False
    # The department's own time limit set at dispatch (working days from ``dispatched_at``), if any.
    dispatch_days: int | None = None
    pending_extension_days: int | None = None
    rating: str | None = None
    decline_reason: str | None = None
    reported_at: datetime | None = None
    accepted_at: datetime | None = None
    dispatched_at: datetime | None = None
    feedback_at: datetime | None = None
    closed_at: datetime | None = None
    rated_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


@dataclass(frozen=True)
class FoldResult:
    """``state`` after the valid events; ``invalid`` lists ``(event_id, reason)`` of the others."""

    state: IssueState
    invalid: list[tuple[Any, str]] = field(default_factory=list)
    applied: list[Any] = field(default_factory=list)


def initial_state() -> IssueState:
    """The state before the ``report`` event."""
    return IssueState()


def _may_start(state: IssueState, action: str) -> bool:
    """Whether ``action`` may start from ``state``'s status: its sources, or, for 受理, an open case
    escalated to a level that has not accepted it yet (the next level takes it over)."""
    if state.status in TRANSITIONS[action][0]:
        return True
    return action == "accept" and state.awaiting_accept and state.status in OPEN_STATUSES


def allowed_actions(state: IssueState) -> list[str]:
    """The actions ``apply`` accepts in ``state`` (given a valid payload), in display order."""
    out = []
    for action in TRANSITIONS:
        if not _may_start(state, action):
            continue
        if action == "escalate" and state.level == _LEVEL_ORDER[-1]:
            continue
        out.append(action)
    return out


# The main path of a case: the step that moves it on from each state (the button to highlight).
NEXT_STEP: dict[str, str] = {
    "new": "report", "reported": "accept", "accepted": "analyse", "analysing": "dispatch",
    "dispatched": "start_handling", "handling": "feedback", "extension_requested": "grant_extension",
    "feedback": "close", "closed": "rate",
}


def next_action(state: IssueState) -> str | None:
    """The step that moves the case on along the main path (``None`` when there is none)."""
    action = "accept" if state.awaiting_accept else NEXT_STEP.get(state.status)
    return action if action in allowed_actions(state) else None


def action_order(state: IssueState, offered: Iterable[str] | None = None) -> list[str]:
    """The offered actions in a fixed order: the next step first, then the rest in ``ACTIONS`` order.

    The order does not depend on the path a case took, so a repeatable step (研判 while 研判中,
    转派 while 已派遣) never takes the first place from the step that moves the case on.
    """
    offered = list(allowed_actions(state) if offered is None else offered)
    first = next_action(state)
    rest = [a for a in ACTIONS if a in offered and a != first]
    return ([first] if first in offered else []) + rest


def _text(payload: Mapping[str, Any], key: str, code: str, message: str) -> str:
    value = payload.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(key, value, code, message)
    return value.strip()


def _days(payload: Mapping[str, Any], what: str = "延期天数") -> int:
    value = payload.get("days")
    try:
        if isinstance(value, bool) or value is None:
            raise ValueError
        days = int(value)
        if days != value and str(days) != str(value).strip():
            raise ValueError
    except (TypeError, ValueError):
        raise ValidationError("days", value, "days_invalid", f"{what}应为正整数（工作日）") from None
    if days < 1:
        raise ValidationError("days", value, "days_invalid", f"{what}应为正整数（工作日）")
    return days


def _refuse(state: IssueState, action: str) -> RuleViolation:
    allowed = "、".join(ACTIONS[a] for a in allowed_actions(state)) or "无"
    return RuleViolation(
        "action_not_allowed",
        f"事项当前状态为“{STATUSES[state.status]}”，不能执行“{ACTIONS[action]}”；当前可执行：{allowed}",
    )


def apply(state: IssueState, action: str, payload: Mapping[str, Any] | None, at: datetime) -> IssueState:
    """The state after ``action``; raises ``RuleViolation`` or ``ValidationError`` if refused.

    Payload keys by action: report ``kind``, ``category``, ``urgency`` (all optional);
    decline ``reason``; analyse ``category``, ``urgency``, ``level`` (all required), ``kind``;
    dispatch ``level``, ``department``, ``days`` (the department's time limit, working days, optional);
    request_extension ``days`` (working days), ``reason``;
    feedback ``note``; send_back ``reason``; escalate ``reason``; rate ``rating``. Codes and
    Chinese labels are both accepted where a code list applies.
    """
    if not isinstance(action, str) or action not in TRANSITIONS:
        raise RuleViolation("unknown_action",
                            f"未知的操作“{action}”（事项当前状态为“{STATUSES[state.status]}”）")
    _sources, target = TRANSITIONS[action]
    if not _may_start(state, action):
        raise _refuse(state, action)
    p: Mapping[str, Any] = payload or {}
    changes: dict[str, Any] = {"updated_at": at}

    if action == "report":
        changes["reported_at"] = at
        # Kind, category and urgency may live on the case header instead; take them if given.
        for key, codelist in (("kind", ISSUE_KINDS), ("category", ISSUE_CATEGORIES), ("urgency", URGENCIES)):
            if p.get(key):
                changes[key] = code_for(codelist, p[key])
    elif action == "accept":
        # The first acceptance starts the response clock; a level taking over an escalated case
        # is recorded by its own event.
        changes.update(accepted_at=state.accepted_at or at, awaiting_accept=False)
    elif action == "decline":
        changes["decline_reason"] = _text(p, "reason", "reason_required", "不予受理必须说明原因")
    elif action == "analyse":
        changes.update(category=code_for(ISSUE_CATEGORIES, p.get("category")),
                       urgency=code_for(URGENCIES, p.get("urgency")),
                       level=code_for(ISSUE_LEVELS, p.get("level")))
        if p.get("kind"):
            changes["kind"] = code_for(ISSUE_KINDS, p["kind"])
    elif action == "dispatch":
        changes.update(level=code_for(ISSUE_LEVELS, p.get("level")),
                       department=_text(p, "department", "department_required", "派遣必须指定承办部门"),
                       dispatched_at=at,
                       dispatch_days=_days(p, "办理时限") if p.get("days") not in (None, "") else None)
    elif action == "request_extension":
        days = _days(p)
        _text(p, "reason", "reason_required", "申请延期必须说明原因")
        changes["pending_extension_days"] = days
    elif action == "grant_extension":
        changes.update(extension_days=state.extension_days + (state.pending_extension_days or 0),
                       pending_extension_days=None)
    elif action == "refuse_extension":
        changes["pending_extension_days"] = None
    elif action == "feedback":
        _text(p, "note", "note_required", "反馈必须填写处置情况")
        changes["feedback_at"] = at
    elif action == "supervise":
        changes["supervised"] = True
    elif action == "send_back":
        _text(p, "reason", "reason_required", "退回返工必须说明原因")
        changes["rework_count"] = state.rework_count + 1
    elif action == "escalate":
        index = _LEVEL_ORDER.index(state.level)
        if index == len(_LEVEL_ORDER) - 1:
            raise RuleViolation("escalate_at_top",
                                f"事项已由市级办理，无法继续升级（当前状态“{STATUSES[state.status]}”）")
        _text(p, "reason", "reason_required", "吹哨升级必须说明原因")
        changes.update(level=_LEVEL_ORDER[index + 1], escalations=state.escalations + 1, awaiting_accept=True)
    elif action == "close":
        changes["closed_at"] = at
    elif action == "rate":
        changes.update(rating=code_for(RATINGS, p.get("rating")), rated_at=at)
    # "comment" changes nothing but the time of the last activity.
    if action in ("analyse", "dispatch", "close"):
        changes["awaiting_accept"] = False  # whoever works the case on has taken it over
    if target is not None:
        changes["status"] = target
    return replace(state, **changes)


def _event_time(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        return datetime.fromisoformat(value)
    raise ValidationError("at", value, "event_time_invalid", "事件时间无效")


def fold(events: Iterable[Any], state: IssueState | None = None) -> FoldResult:
    """Apply events (dicts or objects with ``id``, ``action``, ``at``, ``payload``) in the given order.

    Never raises on event content: an event ``apply`` refuses, or one that is malformed, is
    skipped and listed with its reason; the state comes from the valid events alone.
    """
    current = state or initial_state()
    invalid: list[tuple[Any, str]] = []
    applied: list[Any] = []
    for event in events:
        event_id = get(event, "id")
        try:
            payload = get(event, "payload") or {}
            if not isinstance(payload, Mapping):
                raise ValidationError("payload", payload, "payload_invalid", "事件内容格式无效")
            current = apply(current, get(event, "action"), payload, _event_time(get(event, "at")))
        except (GridworkerError, TypeError, ValueError) as exc:
            invalid.append((event_id, getattr(exc, "message", None) or str(exc)))
        else:
            applied.append(event_id)
    return FoldResult(current, invalid, applied)


from .issue_deadlines import (  # noqa: E402  (re-exported: one place to import issue rules from)
    DEADLINE_FILTERS,
    deadline_bucket,
    deadline_counts,
    DEFAULT_TIME_LIMITS,
    RATE_LABELS,
    add_working_days,
    deadline_status,
    due_at,
    is_working_day,
    rates,
    state_due_at,
    time_limit,
)

__all__ = [
    "ACTIONS", "DEFAULT_TIME_LIMITS", "NEXT_STEP", "action_order", "next_action",
    "DEADLINE_FILTERS", "deadline_bucket", "deadline_counts", "FoldResult", "ISSUE_LEVELS", "IssueState", "OPEN_STATUSES",
    "RATE_LABELS", "RATINGS", "STATUSES", "TRANSITIONS", "add_working_days", "allowed_actions",
    "apply", "deadline_status", "due_at", "fold", "initial_state", "is_working_day", "rates",
    "state_due_at", "time_limit",
]
