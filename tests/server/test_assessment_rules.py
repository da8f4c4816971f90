"""考核评价, the pure core: rates per community / grid / department / level from the server's times,
the 12345 order's own limit, 红绿 colours, the 黑榜, the period, the city's settings, the .xlsx."""
from __future__ import annotations

import datetime as dt
from fractions import Fraction
from itertools import count

import pytest
from openpyxl import load_workbook

from gridworker.server.assessment import (CaseFacts, Event, assess, case_outcome, check_settings, colour,
                                          parse_period, write_xlsx)

CN = dt.timezone(dt.timedelta(hours=8))
AS_OF = dt.datetime(2026, 12, 5, 12, tzinfo=CN)
NOV = parse_period("2026-11")
_ids = count(1)


def t(day: str, hour: int = 9) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hour:02d}:00:00+08:00")


def ev(action: str, when: dt.datetime, **payload) -> Event:
    return Event(f"e{next(_ids)}", action, when, payload, payload.get("department"), payload.get("level"))


def handled(start: dt.datetime, dept: str, closed: dt.datetime | None, rating: str | None = None,
            accept_after: dt.timedelta = dt.timedelta(hours=2), level: str = "community") -> tuple[Event, ...]:
    a = start + accept_after
    out = [ev("report", start, kind="help"), ev("accept", a),
           ev("analyse", a, category="other", urgency="normal", level=level),
           ev("dispatch", a, level=level, department=dept), ev("start_handling", a)]
    if closed:
        out += [ev("feedback", closed, note="已处理"), ev("close", closed)]
        if rating:
            out.append(ev("rate", closed, rating=rating))
    return tuple(out)


def case(community: str, events: tuple[Event, ...], grid: str | None = None, **kw) -> CaseFacts:
    return CaseFacts(f"i{next(_ids)}", community, grid, "help", "normal", None, events, **kw)


CASES = [
    # A: accepted in 2 h, closed on time (due end of Thu 11-05), satisfied.
    case("A", handled(t("2026-11-02"), "城管", t("2026-11-03"), "satisfied"), "G1"),
    # A: a 12345 order of 24 hours, accepted after 2 days, still open: overdue.
    case("A", handled(t("2026-11-10", 10), "市场监管", None, accept_after=dt.timedelta(hours=48)), limit_hours=24),
    # A: reported on Sat 11-28 as a complaint (13 working days): not yet due, never accepted.
    CaseFacts("late-complaint", "A", "G1", "complaint", "normal", None, (ev("report", t("2026-11-28")),)),
    # B: escalated to the street, closed a week late, unsatisfied.
    case("B", handled(t("2026-11-20"), "城管", t("2026-12-01"), "unsatisfied", level="street")),
    # B: declined within the hour: responded, never due.
    case("B", (ev("report", t("2026-11-21")), ev("decline", t("2026-11-21", 10), reason="不属于受理范围"))),
    # B: reported in October: not this period.
    case("B", handled(t("2026-10-30"), "住建", None)),
]


def rows(result):
    return {r["key"]: r for r in result["rows"]}


def test_rates_per_community_from_the_servers_times():
    got = assess(CASES, NOV, as_of=AS_OF, names={"A": "甲社区", "B": "乙社区"})
    a, b = rows(got)["A"], rows(got)["B"]
    assert (a["name"], a["cases"], a["responded"], a["due"], a["closed"], a["overdue"]) == ("甲社区", 3, 1, 2, 1, 1)
    assert (a["response_rate"], a["closure_rate"], a["on_time_rate"], a["satisfaction_rate"]) == (
        Fraction(1, 3), Fraction(1, 2), Fraction(1, 2), 1)
    assert (b["cases"], b["response_rate"], b["closure_rate"], b["on_time_rate"], b["satisfaction_rate"],
            b["overdue"]) == (2, 1, 1, 0, 0, 1)
    assert a["colours"] == {"response_rate": "red", "closure_rate": "red", "on_time_rate": "red",
                            "satisfaction_rate": "green"}
    assert got["total"]["cases"] == 5 and got["total"]["overdue"] == 2
    assert got["blacklist"] == [{"department": "城管", "overdue": 1}, {"department": "市场监管", "overdue": 1}]
    # Judged at an earlier moment, the open 24-hour order was not yet due.
    early = rows(assess(CASES, NOV, as_of=t("2026-11-11", 9)))["A"]
    assert early["due"] == 1 and early["overdue"] == 0


def test_by_grid_department_and_level():
    by_grid = rows(assess(CASES, NOV, by="grid", as_of=AS_OF))
    assert by_grid["G1"]["cases"] == 2 and by_grid["(未关联网格)"]["cases"] == 3
    by_dept = rows(assess(CASES, NOV, by="department", as_of=AS_OF))
    assert set(by_dept) == {"城管", "市场监管"}  # 住建's case is October's
    assert (by_dept["城管"]["cases"], by_dept["城管"]["closed"], by_dept["城管"]["closed_on_time"]) == (2, 2, 1)
    by_level = rows(assess(CASES, NOV, by="level", as_of=AS_OF))
    assert by_level["street"]["name"] == "街道" and by_level["street"]["cases"] == 1
    assert by_level["community"]["cases"] == 4


def test_the_orders_own_limit_and_the_kinds_rule_give_the_deadline():
    hours = case_outcome(case("A", (ev("report", t("2026-11-10", 10)),), limit_hours=24), AS_OF)
    assert hours.due_at == t("2026-11-11", 10)
    days = case_outcome(case("A", (ev("report", t("2026-11-06", 10)),), limit_days=2), AS_OF)
    assert days.due_at.date() == dt.date(2026, 11, 10)  # Fri + 2 working days
    holiday = case_outcome(case("A", (ev("report", t("2026-11-06", 10)),), limit_days=2,
                                config={"holidays": ["2026-11-09"]}), AS_OF)
    assert holiday.due_at.date() == dt.date(2026, 11, 11)
    kind = case_outcome(case("A", (ev("report", t("2026-11-02")),)), AS_OF)
    assert kind.due_at.date() == dt.date(2026, 11, 5)  # help: 3 working days


def test_periods_and_colours_and_settings():
    assert (NOV.start, NOV.end) == (t("2026-11-01", 0), t("2026-12-01", 0))
    assert parse_period("2026-q4").start == t("2026-10-01", 0) and parse_period("2026-Q4").end == t("2027-01-01", 0)
    assert parse_period("2026-12").end == t("2027-01-01", 0) and parse_period("2026").label == "2026"
    for bad in ("2026-13", "11/2026", "", "2026-Q5"):
        with pytest.raises(ValueError):
            parse_period(bad)
    th = {"green": 0.9, "red": 0.75}
    assert [colour(Fraction(x, 100), th) for x in (90, 89, 75, 74)] == ["green", "amber", "amber", "red"]
    assert colour(None, th) is None
    assert check_settings({"thresholds": {"closure_rate": {"green": 0.9, "red": 0.8}}, "response_hours": 12})
    for bad in ({"thresholds": {"closure_rate": {"green": 0.7, "red": 0.8}}},
                {"thresholds": {"closure_rate": {"green": 2, "red": 0.8}}},
                {"thresholds": {"wealth": {"green": 0.9, "red": 0.8}}}, {"response_hours": 0},
                {"thresholds": {"closure_rate": {"green": True, "red": 0.8}}}):
        with pytest.raises(ValueError):
            check_settings(bad)


def test_the_xlsx_has_rates_coloured_and_typed_text_never_a_formula(tmp_path):
    evil = case("A", handled(t("2026-11-02"), "=HYPERLINK(\"http://x\",\"点我\")", None))
    got = assess([*CASES, evil], NOV, by="department", as_of=AS_OF)
    path = write_xlsx(got, tmp_path / "考核.xlsx")
    wb = load_workbook(path)
    ws = wb["考核评价"]
    names = [ws.cell(row=r, column=1) for r in range(3, ws.max_row + 1)]
    evil_cell = next(c for c in names if str(c.value).startswith("=HYPERLINK"))
    assert evil_cell.data_type == "s" and evil_cell.quotePrefix
    header = [c.value for c in ws[2]]
    assert header[9:] == ["响应率", "结案率", "按期率", "满意率"]
    total = [c.value for c in ws[ws.max_row]]
    assert total[0] == "合计" and total[1] == 5 + 1
    red = next(c for c in ws[ws.max_row][9:] if c.fill.fgColor.rgb.endswith("FFC7CE"))
    assert red.number_format == "0.0%"
    black = wb["黑榜"]
    assert [black.cell(row=r, column=2).value for r in range(2, black.max_row + 1)][0].startswith("=HYPERLINK")
    assert black.cell(row=2, column=2).data_type == "s"


def test_events_held_before_the_upgrade_get_the_change_logs_time_of_receipt(tmp_path):
    from alembic import command
    from sqlalchemy import create_engine, text

    from gridworker.server.db import open_server_db
    from gridworker.store.migrate import alembic_config

    path = tmp_path / "server.db"
    engine = create_engine(f"sqlite:///{path}")
    cfg = alembic_config("server")
    with engine.connect() as conn:
        with conn.begin():
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "s0019_hotline_fleet_assessment")
        with conn.begin():
            for eid, laptop_said in (("ev-logged", "2020-01-01T00:00:00+00:00"), ("ev-pruned", "2026-03-03T00:00:00+00:00")):
                conn.execute(text("INSERT INTO issue_event (id, community_id, issue_id, action, at, payload, created_at) "
                                  "VALUES (:i, 'c1', 'is1', 'report', :a, '{}', :a)"), {"i": eid, "a": laptop_said})
            conn.execute(text("INSERT INTO change_log (community_id, seq, table_name, row_id, op, fields, at) "
                              "VALUES ('c1', 7, 'issue_event', 'ev-logged', 'append', '{}', '2026-11-02T01:00:00+00:00')"))
    engine.dispose()
    sdb = open_server_db(str(path))
    try:
        with sdb.read() as conn:
            got = dict(conn.execute(text("SELECT event_id, received_at FROM issue_event_received")).all())
    finally:
        sdb.dispose()
    assert got == {"ev-logged": "2026-11-02T01:00:00+00:00", "ev-pruned": "2026-03-03T00:00:00+00:00"}
