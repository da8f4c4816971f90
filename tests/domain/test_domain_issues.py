"""The 吹哨报到 closed loop: what a grid worker can do to a case, and what sync does with conflicts."""
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gridworker.domain.errors import RuleViolation, ValidationError
from gridworker.domain.issues import (
    ACTIONS, STATUSES, IssueState, allowed_actions, apply, fold, initial_state,
)

T0 = datetime(2025, 6, 2, 9, 0)

VALID = {
    "report": {"kind": "complaint", "category": "property"},
    "accept": {},
    "decline": {"reason": "不属于受理范围"},
    "analyse": {"category": "safety_hazard", "urgency": "normal", "level": "community"},
    "dispatch": {"level": "street", "department": "街道城管中队"},
    "start_handling": {},
    "request_extension": {"days": 3, "reason": "需协调物业公司"},
    "grant_extension": {},
    "refuse_extension": {},
    "feedback": {"note": "已清理楼道堆物"},
    "supervise": {},
    "send_back": {"reason": "现场仍有堆物"},
    "escalate": {"reason": "社区无法协调，吹哨"},
    "close": {},
    "rate": {"rating": "satisfied"},
    "comment": {"text": "居民来电询问进度"},
}


def run(*steps, start=T0):
    """Apply (action[, payload]) steps an hour apart from the initial state."""
    state = initial_state()
    for i, step in enumerate(steps):
        action, payload = (step, VALID[step]) if isinstance(step, str) else step
        state = apply(state, action, payload, start + timedelta(hours=i))
    return state


TO_HANDLING = ("report", "accept", "analyse", "dispatch", "start_handling")


def test_the_whole_loop_records_who_must_act_and_when():
    s = run(*TO_HANDLING, "request_extension", "grant_extension", "feedback", "send_back",
            "feedback", "close", "rate")
    assert s.status == "rated"
    assert (s.kind, s.category, s.urgency) == ("complaint", "safety_hazard", "normal")
    assert (s.level, s.department) == ("street", "街道城管中队")
    assert s.extension_days == 3 and s.pending_extension_days is None
    assert s.rework_count == 1 and s.rating == "satisfied"
    assert s.reported_at == T0 and s.closed_at == T0 + timedelta(hours=10)
    assert s.rated_at == T0 + timedelta(hours=11)


def test_report_accepts_chinese_labels():
    s = apply(initial_state(), "report", {"kind": "求助", "urgency": "紧急"}, T0)
    assert (s.status, s.kind, s.urgency) == ("reported", "help", "emergency")


def test_report_without_classification_leaves_it_to_the_case_header():
    s = apply(initial_state(), "report", {}, T0)
    assert (s.status, s.kind, s.category, s.urgency, s.reported_at) == ("reported", None, None, None, T0)


def test_decline_is_final_and_keeps_the_reason():
    s = run("report", "decline")
    assert s.status == "declined" and s.decline_reason == "不属于受理范围"
    assert allowed_actions(s) == ["comment"]


def test_refused_extension_returns_to_handling_without_extra_days():
    s = run(*TO_HANDLING, "request_extension", "refuse_extension")
    assert s.status == "handling" and s.extension_days == 0 and s.pending_extension_days is None


def test_extensions_add_up():
    s = run(*TO_HANDLING, "request_extension", "grant_extension",
            ("request_extension", {"days": "2", "reason": "再协调"}), "grant_extension")
    assert s.extension_days == 5


def test_escalation_climbs_one_level_at_a_time_and_stops_at_city():
    s = run("report", "accept", "analyse")
    levels = []
    for _ in range(3):
        s = apply(s, "escalate", VALID["escalate"], T0)
        levels.append(s.level)
    assert levels == ["street", "district", "city"] and s.escalations == 3
    assert "escalate" not in allowed_actions(s)
    with pytest.raises(RuleViolation) as e:
        apply(s, "escalate", VALID["escalate"], T0)
    assert e.value.code == "escalate_at_top" and "研判中" in e.value.message


def test_supervision_is_a_flag_that_does_not_move_the_case():
    s = run(*TO_HANDLING, "supervise")
    assert s.supervised and s.status == "handling"


def test_comment_changes_nothing_but_the_last_activity_time():
    before = run("report", "accept")
    after = apply(before, "comment", {"text": "x"}, T0 + timedelta(days=1))
    assert replace(after, updated_at=before.updated_at) == before


@pytest.mark.parametrize("steps, action, payload, code", [
    # order of the loop
    ((), "accept", {}, "action_not_allowed"),
    (("report",), "dispatch", VALID["dispatch"], "action_not_allowed"),
    (("report", "accept"), "close", {}, "action_not_allowed"),
    (TO_HANDLING, "close", {}, "action_not_allowed"),                 # close only after feedback
    (TO_HANDLING, "rate", VALID["rate"], "action_not_allowed"),       # rate only after close
    (TO_HANDLING, "send_back", VALID["send_back"], "action_not_allowed"),
    (TO_HANDLING + ("request_extension",), "feedback", VALID["feedback"], "action_not_allowed"),
    (("report",), "supervise", {}, "action_not_allowed"),             # not yet accepted
    (TO_HANDLING + ("feedback", "close"), "supervise", {}, "action_not_allowed"),
    (TO_HANDLING + ("feedback", "close"), "escalate", VALID["escalate"], "action_not_allowed"),
    (TO_HANDLING + ("feedback", "close"), "close", {}, "action_not_allowed"),
    (("report", "decline"), "accept", {}, "action_not_allowed"),
    (("report",), "report", VALID["report"], "action_not_allowed"),
    (("report",), "approve", {}, "unknown_action"),
])
def test_refused_actions(steps, action, payload, code):
    state = run(*steps)
    with pytest.raises(RuleViolation) as e:
        apply(state, action, payload, T0)
    assert e.value.code == code
    if code == "action_not_allowed":
        # the message names the current state and the action, in Chinese
        assert STATUSES[state.status] in e.value.message and ACTIONS[action] in e.value.message


@pytest.mark.parametrize("steps, action, payload, field, code", [
    ((), "report", {"kind": "表扬"}, "kind", "unknown_code"),
    (("report",), "decline", {}, "reason", "reason_required"),
    (("report",), "decline", {"reason": "   "}, "reason", "reason_required"),
    (("report", "accept"), "analyse", {"category": "物业", "urgency": "normal"}, "level", "empty_code"),
    (("report", "accept"), "analyse", {"category": "天气", "urgency": "normal", "level": "street"},
     "category", "unknown_code"),
    (("report", "accept", "analyse"), "dispatch", {"level": "street"}, "department", "department_required"),
    (("report", "accept", "analyse"), "dispatch", {"level": "province", "department": "x"}, "level",
     "unknown_code"),
    (TO_HANDLING, "request_extension", {"days": 0, "reason": "x"}, "days", "days_invalid"),
    (TO_HANDLING, "request_extension", {"days": 2.5, "reason": "x"}, "days", "days_invalid"),
    (TO_HANDLING, "request_extension", {"days": True, "reason": "x"}, "days", "days_invalid"),
    (TO_HANDLING, "request_extension", {"days": 3}, "reason", "reason_required"),
    (TO_HANDLING, "feedback", {}, "note", "note_required"),
    (TO_HANDLING + ("feedback",), "send_back", {}, "reason", "reason_required"),
    (("report", "accept"), "escalate", {}, "reason", "reason_required"),
    (TO_HANDLING + ("feedback", "close"), "rate", {"rating": "很好"}, "rating", "unknown_code"),
])
def test_bad_payloads_name_the_field(steps, action, payload, field, code):
    with pytest.raises(ValidationError) as e:
        apply(run(*steps), action, payload, T0)
    assert (e.value.field, e.value.code) == (field, code)


# Payload variants so the walk below also reaches city-level and every escalation step.
VARIANTS = {**{a: [p] for a, p in VALID.items()},
            "analyse": [VALID["analyse"], {**VALID["analyse"], "level": "city"}]}


def _reachable_states(depth=9):
    seen = {initial_state()}
    frontier = [initial_state()]
    for _ in range(depth):
        nxt = []
        for s in frontier:
            for action, payloads in VARIANTS.items():
                for p in payloads:
                    try:
                        t = apply(s, action, p, T0)
                    except (RuleViolation, ValidationError):
                        continue
                    if t not in seen:
                        seen.add(t)
                        nxt.append(t)
        frontier = nxt
    return seen


REACHABLE = _reachable_states()


def test_walk_reaches_every_status_and_the_top_level():
    assert {s.status for s in REACHABLE} == set(STATUSES)
    assert any(s.level == "city" and s.is_open for s in REACHABLE)


def test_allowed_actions_is_exactly_what_apply_accepts_in_every_reachable_state():
    for state in REACHABLE:
        accepted = set()
        for action in ACTIONS:
            try:
                apply(state, action, VALID[action], T0)
            except RuleViolation:
                continue
            accepted.add(action)
        assert set(allowed_actions(state)) == accepted, state


# ---- fold: the state derived from events that several laptops wrote ----

def ev(i, action, payload=None, hours=0):
    return {"id": f"e{i}", "action": action, "at": T0 + timedelta(hours=hours or i),
            "payload": VALID.get(action, {}) if payload is None else payload}


def test_second_close_from_another_laptop_is_listed_not_applied():
    names = [*TO_HANDLING, "feedback", "close", "close", "rate"]
    result = fold([ev(i, a) for i, a in enumerate(names)])
    assert result.state.status == "rated"
    assert result.state.closed_at == T0 + timedelta(hours=6)
    assert [eid for eid, _ in result.invalid] == ["e7"]
    assert "核查结案" in result.invalid[0][1]


def test_fold_lists_malformed_events_and_keeps_going():
    events = [
        ev(0, "report"),
        {"id": "bad-time", "action": "accept", "at": "not a time", "payload": {}},
        {"id": "no-action", "at": T0, "payload": {}},
        {"id": "bad-payload", "action": "accept", "at": T0, "payload": ["x"]},
        ev(1, "decline", {}),                       # reason missing
        ev(2, "accept"),
        {"id": "iso-time", "action": "comment", "at": "2025-06-02T12:00:00", "payload": None},
    ]
    result = fold(events)
    assert result.state.status == "accepted"
    assert [eid for eid, _ in result.invalid] == ["bad-time", "no-action", "bad-payload", "e1"]
    assert result.applied == ["e0", "e2", "iso-time"]
    assert result.state.updated_at == datetime(2025, 6, 2, 12, 0)


def test_fold_accepts_objects_as_events():
    class Event:
        def __init__(self, id, action, at, payload):
            self.id, self.action, self.at, self.payload = id, action, at, payload

    result = fold([Event("a", "report", T0, VALID["report"]), Event("b", "accept", T0, {})])
    assert result.state.status == "accepted" and result.invalid == []


def test_fold_of_nothing_is_the_initial_state():
    assert fold([]).state == initial_state()


_event = st.tuples(st.sampled_from(list(ACTIONS) + ["bogus"]), st.booleans(), st.integers(0, 500))


@settings(max_examples=200)
@given(st.lists(_event, max_size=30))
def test_property_fold_never_raises_and_equals_applying_the_valid_events(raw):
    events = [{"id": i, "action": a, "at": T0 + timedelta(minutes=m),
               "payload": VALID.get(a, {}) if good else {}} for i, (a, good, m) in enumerate(raw)]
    result = fold(events)
    assert len(result.invalid) + len(result.applied) == len(events)
    state = initial_state()
    for e in events:
        try:
            nxt = apply(state, e["action"], e["payload"], e["at"])
        except (RuleViolation, ValidationError):
            assert e["id"] not in result.applied
            continue
        assert e["id"] in result.applied
        state = nxt
    assert state == result.state
    assert isinstance(result.state, IssueState)


# ---- the next level takes over an escalated case (the city console, #16) ----

def test_an_escalated_case_waits_for_the_next_level_to_accept_it():
    s = run("report", "accept", "analyse")
    s = apply(s, "escalate", VALID["escalate"], T0 + timedelta(hours=1))
    assert s.level == "street" and s.awaiting_accept and s.status == "analysing"
    assert "accept" in allowed_actions(s)
    from gridworker.domain.issues import next_action
    assert next_action(s) == "accept"
    taken = apply(s, "accept", {}, T0 + timedelta(hours=2))
    assert (taken.status, taken.level, taken.awaiting_accept) == ("accepted", "street", False)
    assert taken.accepted_at == s.accepted_at            # the response clock started at the first 受理
    assert "accept" not in allowed_actions(taken)        # once taken over, not again
    with pytest.raises(RuleViolation):
        apply(taken, "accept", {}, T0)
    # working the case on (研判 / 派遣 / 结案) without 受理 takes it over too
    assert not apply(s, "analyse", VALID["analyse"], T0).awaiting_accept


def test_dispatch_may_carry_the_departments_time_limit():
    s = apply(run("report", "accept", "analyse"), "dispatch", {**VALID["dispatch"], "days": 5}, T0)
    assert s.dispatch_days == 5
    assert apply(run("report", "accept", "analyse"), "dispatch", VALID["dispatch"], T0).dispatch_days is None
    with pytest.raises(ValidationError) as e:
        apply(run("report", "accept", "analyse"), "dispatch", {**VALID["dispatch"], "days": 0}, T0)
    assert e.value.field == "days" and "办理时限" in e.value.message
