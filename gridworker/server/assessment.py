"""考核评价 (issue #16): per community, grid, department or level, for a period: cases, 响应率,
结案率, 按期率, 满意率 and overdue cases, with 红绿 colours from the city's thresholds, a 黑榜 of the
departments with the most overdue cases, and an .xlsx export.

The core, :func:`assess`, is a pure function over :class:`CaseFacts` (one per case: its header and
its events with the times the **server received** them, never the laptop's clock). The query layer,
:func:`load_cases`, reads them from the server database (plain SQL that runs on SQLite and
PostgreSQL); :func:`assessment` puts the two together.

Definitions (a case belongs to the period in which the server received its ``report``, in China time):
- 响应率 ``response_rate`` = cases accepted (or declined with a reason) within the response limit
  (``response_hours`` after the report, default 24) / cases;
- 结案率 ``closure_rate`` = closed / due, 按期率 ``on_time_rate`` = closed by the deadline / due,
  where a case is due when its deadline has passed (at ``as_of``) or it is closed; declined cases
  are never due; the deadline is the work order's own limit for a 12345 case (hours, or working
  days), else the rule of domain/issue_deadlines.py (kind, urgency, category, extensions, the
  community's holidays);
- 满意率 ``satisfaction_rate`` = 满意 + 基本满意 / rated;
- ``overdue`` = due cases not closed by their deadline (still open past it, or closed late).
Rates are exact fractions (``Fraction``) or None when nothing counts toward them.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, text

from ..domain.community_rules import rules_of
from ..domain.issue_deadlines import add_working_days, state_due_at
from ..domain.issues import IssueState, fold
from .db import in_chunks

CHINA = dt.timezone(dt.timedelta(hours=8))
GROUPS = ("community", "grid", "department", "level")
RATES = ("response_rate", "closure_rate", "on_time_rate", "satisfaction_rate")
RATE_LABELS = {"response_rate": "响应率", "closure_rate": "结案率", "on_time_rate": "按期率",
               "satisfaction_rate": "满意率"}
LEVEL_LABELS = {"community": "社区", "street": "街道", "district": "区", "city": "市"}
SETTING_KEY = "assessment"
DEFAULT_SETTINGS: dict[str, Any] = {
    "response_hours": 24,
    # green at or above ``green``, red below ``red``, amber between.
    "thresholds": {"response_rate": {"green": 0.95, "red": 0.85}, "closure_rate": {"green": 0.9, "red": 0.75},
                   "on_time_rate": {"green": 0.9, "red": 0.75}, "satisfaction_rate": {"green": 0.9, "red": 0.8}},
}
NO_GRID = "(未关联网格)"


# --------------------------------------------------------------------------- inputs
@dataclass(frozen=True)
class Event:
    id: str
    action: str
    received_at: dt.datetime  # the server's time of receipt
    payload: Mapping[str, Any] = field(default_factory=dict)
    department: str | None = None
    level: str | None = None


@dataclass(frozen=True)
class CaseFacts:
    issue_id: str
    community_id: str
    grid_id: str | None
    kind: str | None
    urgency: str | None
    category: str | None
    events: tuple[Event, ...]  # in the server's order
    limit_hours: int | None = None  # a 12345 work order's own limit
    limit_days: int | None = None
    config: Mapping[str, Any] | None = None  # the community's time limits and holidays (社区设置)


@dataclass(frozen=True)
class Period:
    label: str
    start: dt.datetime  # inclusive, aware
    end: dt.datetime    # exclusive, aware


def parse_period(value: str) -> Period:
    """``2026-11`` (a month), ``2026-Q4`` (a quarter) or ``2026`` (a year), in China time."""
    s = (value or "").strip().upper()
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", s):
        y, mo = int(m.group(1)), int(m.group(2))
        if not 1 <= mo <= 12:
            raise ValueError(f"月份不对：{value}")
        start = dt.datetime(y, mo, 1, tzinfo=CHINA)
        end = dt.datetime(y + (mo == 12), mo % 12 + 1, 1, tzinfo=CHINA)
        return Period(f"{y}-{mo:02d}", start, end)
    if m := re.fullmatch(r"(\d{4})-?Q([1-4])", s):
        y, q = int(m.group(1)), int(m.group(2))
        start = dt.datetime(y, 3 * q - 2, 1, tzinfo=CHINA)
        end = dt.datetime(y + (q == 4), (3 * q) % 12 + 1, 1, tzinfo=CHINA)
        return Period(f"{y}-Q{q}", start, end)
    if m := re.fullmatch(r"(\d{4})", s):
        y = int(m.group(1))
        return Period(str(y), dt.datetime(y, 1, 1, tzinfo=CHINA), dt.datetime(y + 1, 1, 1, tzinfo=CHINA))
    raise ValueError(f"期间格式不对：{value}（例：2026-11、2026-Q4、2026）")


# --------------------------------------------------------------------------- one case
@dataclass(frozen=True)
class CaseOutcome:
    issue_id: str
    reported_at: dt.datetime | None
    state: IssueState
    due_at: dt.datetime | None
    responded_in_time: bool
    due: bool
    closed: bool
    closed_on_time: bool
    overdue: bool
    departments: tuple[str, ...]


def _date_set(values: Any) -> frozenset[dt.date]:
    out = set()
    for v in values or ():
        if isinstance(v, dt.date):
            out.add(v)
            continue
        try:
            out.add(dt.date.fromisoformat(str(v)))
        except ValueError:
            continue
    return frozenset(out)


def case_outcome(case: CaseFacts, as_of: dt.datetime, response_hours: float = 24) -> CaseOutcome:
    """Fold a case's events at the server's times and judge it at ``as_of``."""
    events = [{"id": e.id, "action": e.action, "at": e.received_at, "payload": dict(e.payload)} for e in case.events]
    state = fold(events).state
    state = replace(state, kind=state.kind or case.kind, urgency=state.urgency or case.urgency,
                    category=state.category or case.category)
    reported = state.reported_at
    config = dict(case.config or {})
    holidays, workdays = _date_set(config.pop("holidays", None)), _date_set(config.pop("workdays", None))
    due_at: dt.datetime | None
    if reported is not None and case.limit_hours is not None:
        due_at = reported + dt.timedelta(hours=case.limit_hours + 0)
        if state.extension_days:
            due_at = dt.datetime.combine(add_working_days(due_at.astimezone(CHINA).date(), state.extension_days,
                                                          holidays, workdays), dt.time.max, tzinfo=CHINA)
    elif reported is not None and case.limit_days is not None:
        day = reported.astimezone(CHINA).date()
        due_at = dt.datetime.combine(add_working_days(day, case.limit_days + state.extension_days, holidays, workdays),
                                     dt.time.max, tzinfo=CHINA)
    elif reported is not None:
        try:
            due_at = state_due_at(replace(state, reported_at=reported.astimezone(CHINA)),
                                  {k: v for k, v in config.items() if k != "by_category" or isinstance(v, Mapping)},
                                  holidays, workdays)
        except (KeyError, ValueError, TypeError):
            due_at = None
    else:
        due_at = None
    responded_at = next((e.received_at for e in case.events if e.action in ("accept", "decline")), None)
    responded = (reported is not None and responded_at is not None
                 and responded_at - reported <= dt.timedelta(hours=response_hours))
    closed = state.closed_at is not None and state.status in ("closed", "rated")
    declined = state.status == "declined"
    due = not declined and reported is not None and (closed or due_at is None or due_at <= as_of)
    on_time = closed and (due_at is None or state.closed_at <= due_at)
    departments = tuple(sorted({e.department or str(e.payload.get("department") or "")
                                for e in case.events if e.action == "dispatch"} - {""}))
    return CaseOutcome(case.issue_id, reported, state, due_at, responded, due, closed, on_time,
                       due and not on_time, departments)


# --------------------------------------------------------------------------- the assessment
def _rate(n: int, d: int) -> Fraction | None:
    return Fraction(n, d) if d else None


def colour(rate: Fraction | None, threshold: Mapping[str, float] | None) -> str | None:
    """``"green"`` / ``"amber"`` / ``"red"`` for a rate against ``{"green": g, "red": r}``."""
    if rate is None or not threshold:
        return None
    if rate >= Fraction(str(threshold["green"])):
        return "green"
    if rate < Fraction(str(threshold["red"])):
        return "red"
    return "amber"


def _keys(case: CaseFacts, outcome: CaseOutcome, by: str) -> tuple[str, ...]:
    if by == "community":
        return (case.community_id,)
    if by == "grid":
        return (case.grid_id or NO_GRID,)
    if by == "department":
        return outcome.departments
    if by == "level":
        return (outcome.state.level or "community",)
    raise ValueError(f"by must be one of {GROUPS}")


def assess(cases: Iterable[CaseFacts], period: Period, *, by: str = "community", as_of: dt.datetime | None = None,
           settings: Mapping[str, Any] | None = None, names: Mapping[str, str] | None = None,
           blacklist_size: int = 10) -> dict[str, Any]:
    """The assessment of the cases reported (received by the server) in ``period``, grouped ``by``
    community / grid / department / level. Returns ``{"period", "by", "as_of", "rows", "total",
    "blacklist", "thresholds"}``; each row: key, name, cases, responded, due, closed, closed_on_time,
    rated, satisfied, overdue, the four rates (Fraction or None) and ``colours`` (rate -> colour).
    The 黑榜 lists the departments with the most overdue cases (at least one), most first."""
    if by not in GROUPS:
        raise ValueError(f"by must be one of {GROUPS}")
    as_of = as_of or dt.datetime.now(dt.timezone.utc)
    merged = {**DEFAULT_SETTINGS, **(settings or {})}
    thresholds = {**DEFAULT_SETTINGS["thresholds"], **(merged.get("thresholds") or {})}
    response_hours = float(merged.get("response_hours") or 24)
    names = names or {}
    groups: dict[str, dict[str, int]] = {}
    total = dict.fromkeys(("cases", "responded", "due", "closed", "closed_on_time", "rated", "satisfied", "overdue"), 0)
    by_department_overdue: dict[str, int] = {}
    for case in cases:
        o = case_outcome(case, as_of, response_hours)
        if o.reported_at is None or not period.start <= o.reported_at < period.end:
            continue
        counts = {"cases": 1, "responded": int(o.responded_in_time), "due": int(o.due), "closed": int(o.closed and o.due),
                  "closed_on_time": int(o.closed_on_time), "rated": int(o.state.rating is not None),
                  "satisfied": int(o.state.rating in ("satisfied", "basic")), "overdue": int(o.overdue)}
        for k, v in counts.items():
            total[k] += v
        for key in _keys(case, o, by):
            g = groups.setdefault(key, dict.fromkeys(total, 0))
            for k, v in counts.items():
                g[k] += v
        for d in o.departments:
            if o.overdue:
                by_department_overdue[d] = by_department_overdue.get(d, 0) + 1

    def finish(key: str | None, c: dict[str, int]) -> dict[str, Any]:
        rates = {"response_rate": _rate(c["responded"], c["cases"]), "closure_rate": _rate(c["closed"], c["due"]),
                 "on_time_rate": _rate(c["closed_on_time"], c["due"]),
                 "satisfaction_rate": _rate(c["satisfied"], c["rated"])}
        name = None if key is None else (LEVEL_LABELS.get(key, key) if by == "level" else names.get(key, key))
        return {"key": key, "name": name, **c, **rates,
                "colours": {r: colour(rates[r], thresholds.get(r)) for r in RATES}}

    rows = [finish(k, c) for k, c in groups.items()]
    rows.sort(key=lambda r: (-r["overdue"], str(r["name"] or "")))
    blacklist = sorted(({"department": d, "overdue": n} for d, n in by_department_overdue.items() if n > 0),
                       key=lambda r: (-r["overdue"], r["department"]))[:blacklist_size]
    return {"period": period.label, "by": by, "as_of": as_of.isoformat(timespec="seconds"), "rows": rows,
            "total": finish(None, total), "blacklist": blacklist, "thresholds": thresholds,
            "response_hours": response_hours}


# --------------------------------------------------------------------------- settings (红绿 thresholds)
def load_settings(conn: Connection) -> dict[str, Any]:
    raw = conn.execute(text("SELECT value FROM server_setting WHERE key = :k"), {"k": SETTING_KEY}).scalar()
    stored = json.loads(raw) if raw else {}
    return {"response_hours": stored.get("response_hours", DEFAULT_SETTINGS["response_hours"]),
            "thresholds": {**DEFAULT_SETTINGS["thresholds"], **(stored.get("thresholds") or {})}}


def check_settings(values: Mapping[str, Any]) -> dict[str, Any]:
    """The settings a city may set, checked: ``response_hours`` (1..720) and, per rate, ``green``
    and ``red`` between 0 and 1 with red <= green. Raises ValueError with a Chinese message."""
    out: dict[str, Any] = {}
    if "response_hours" in values:
        h = values["response_hours"]
        if isinstance(h, bool) or not isinstance(h, (int, float)) or not 1 <= h <= 720:
            raise ValueError("响应时限应为 1 到 720 小时")
        out["response_hours"] = h
    th = values.get("thresholds") or {}
    if not isinstance(th, Mapping):
        raise ValueError("红绿阈值格式不正确")
    out["thresholds"] = {}
    for rate, t in th.items():
        if rate not in RATES:
            raise ValueError(f"没有指标 {rate}")
        if not isinstance(t, Mapping) or set(t) != {"green", "red"} or any(
                isinstance(t[k], bool) or not isinstance(t[k], (int, float)) or not 0 <= t[k] <= 1 for k in t):
            raise ValueError(f"{RATE_LABELS[rate]}：绿、红阈值应为 0 到 1 之间的数")
        if t["red"] > t["green"]:
            raise ValueError(f"{RATE_LABELS[rate]}：红色阈值不能高于绿色阈值")
        out["thresholds"][rate] = {"green": t["green"], "red": t["red"]}
    return out


def save_settings(conn: Connection, values: Mapping[str, Any], by: str | None = None) -> dict[str, Any]:
    """Set (part of) the settings; returns them all. Only the city sets them (the caller checks)."""
    from .auth import now_iso  # noqa: PLC0415

    checked = check_settings(values)
    current = load_settings(conn)
    new = {"response_hours": checked.get("response_hours", current["response_hours"]),
           "thresholds": {**current["thresholds"], **checked["thresholds"]}}
    params = {"k": SETTING_KEY, "v": json.dumps(new), "t": now_iso(), "b": by}
    if conn.execute(text("UPDATE server_setting SET value = :v, updated_at = :t, updated_by = :b WHERE key = :k"),
                    params).rowcount == 0:
        conn.execute(text("INSERT INTO server_setting (key, value, updated_at, updated_by) VALUES (:k, :v, :t, :b)"),
                     params)
    return new


# --------------------------------------------------------------------------- the query layer
def _when(value: Any) -> dt.datetime | None:
    if not value:
        return None
    try:
        w = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return w if w.tzinfo else w.replace(tzinfo=dt.timezone.utc)


def _json(value: Any) -> dict:
    if isinstance(value, Mapping):
        return dict(value)
    try:
        v = json.loads(value or "{}")
    except (TypeError, ValueError):
        return {}
    return v if isinstance(v, dict) else {}


def load_cases(conn: Connection, period: Period, communities: Iterable[str] | None = None) -> list[CaseFacts]:
    """The cases whose report the server received in ``period`` (of ``communities`` when given),
    with all their events in the server's order and times."""
    start = period.start.astimezone(dt.timezone.utc).isoformat(timespec="seconds")
    end = period.end.astimezone(dt.timezone.utc).isoformat(timespec="seconds")
    received = "COALESCE(r.received_at, e.created_at)"
    ids = [row[0] for row in conn.execute(text(
        f"SELECT DISTINCT e.issue_id FROM issue_event e LEFT JOIN issue_event_received r ON r.event_id = e.id "
        f"WHERE e.action = 'report' AND {received} >= :s AND {received} < :e"), {"s": start, "e": end})]
    allowed = set(communities) if communities is not None else None
    out: list[CaseFacts] = []
    settings: dict[str, Any] = {}
    for chunk, marks, params in in_chunks(ids):
        heads = {r["id"]: dict(r) for r in conn.execute(text(
            "SELECT i.id, i.community_id, i.kind, i.urgency, i.category, i.deleted, h.grid_id, "
            "o.limit_hours, o.limit_days FROM issue i LEFT JOIN household h ON h.id = i.household_id "
            f"LEFT JOIN hotline_order o ON o.issue_id = i.id WHERE i.id IN ({marks})"), params).mappings()}
        events: dict[str, list[Event]] = {}
        for r in conn.execute(text(
                f"SELECT e.id, e.issue_id, e.action, e.payload, e.department, e.level, {received} AS received_at "
                "FROM issue_event e LEFT JOIN issue_event_received r ON r.event_id = e.id "
                f"WHERE e.issue_id IN ({marks}) ORDER BY COALESCE(e.server_seq, 0), e.id"), params).mappings():
            when = _when(r["received_at"])
            if when is not None:
                events.setdefault(r["issue_id"], []).append(Event(r["id"], r["action"], when, _json(r["payload"]),
                                                                  r["department"], r["level"]))
        for iid in chunk:
            h = heads.get(iid)
            if h is None or h["deleted"] in (True, 1) or (allowed is not None and h["community_id"] not in allowed):
                continue
            c = h["community_id"]
            if c not in settings:
                # The community's rules as its laptops count them: the shipped calendar + 社区设置.
                raw = conn.execute(text("SELECT settings FROM org_unit WHERE id = :i"), {"i": c}).scalar()
                settings[c] = rules_of(raw).deadline_config()
            out.append(CaseFacts(iid, c, h["grid_id"], h["kind"], h["urgency"], h["category"],
                                 tuple(events.get(iid, ())), h["limit_hours"], h["limit_days"], settings[c]))
    return out


def names_of(conn: Connection) -> dict[str, str]:
    return {r[0]: r[1] for r in conn.execute(text("SELECT id, name FROM org_unit"))}


def assessment(conn: Connection, period: str | Period, *, by: str = "community", user: Any = None,
               as_of: dt.datetime | None = None) -> dict[str, Any]:
    """The assessment from the server database (of ``user``'s org subtree when given)."""
    from .auth import in_scope  # noqa: PLC0415

    p = parse_period(period) if isinstance(period, str) else period
    scope = None
    if user is not None:
        scope = [r[0] for r in conn.execute(text("SELECT id FROM org_unit WHERE level = 'community'"))
                 if in_scope(conn, user, r[0])]
    return assess(load_cases(conn, p, scope), p, by=by, as_of=as_of, settings=load_settings(conn),
                  names=names_of(conn))


def as_json(result: Mapping[str, Any]) -> dict[str, Any]:
    """The result with rates as decimals rounded to 4 places (for JSON)."""
    def conv(v: Any) -> Any:
        if isinstance(v, Fraction):
            return round(float(v), 4)
        if isinstance(v, Mapping):
            return {k: conv(x) for k, x in v.items()}
        if isinstance(v, list):
            return [conv(x) for x in v]
        return v
    return conv(result)


# --------------------------------------------------------------------------- .xlsx
FILLS = {"green": "C6EFCE", "amber": "FFEB9C", "red": "FFC7CE"}
BY_LABELS = {"community": "社区", "grid": "网格", "department": "部门", "level": "层级"}


def _text_cell(cell: Any, value: Any) -> None:
    """Write a value; text a person typed is never a formula: text beginning with = + - @ (or a
    tab / CR) is stored as a string cell with Excel's quote prefix."""
    from ..ledger.sheet import formula_like  # noqa: PLC0415

    cell.value = value
    if isinstance(value, str) and formula_like(value):
        cell.data_type = "s"
        cell.quotePrefix = True


def write_xlsx(result: Mapping[str, Any], path: str | Path) -> Path:
    """The assessment as a workbook: sheet 考核评价 (one row per group, rates as percentages
    coloured 红绿) and sheet 黑榜."""
    from openpyxl import Workbook  # noqa: PLC0415
    from openpyxl.styles import Font, PatternFill  # noqa: PLC0415

    wb = Workbook()
    ws = wb.active
    ws.title = "考核评价"
    ws.append([f"考核评价 {result['period']}（按{BY_LABELS[result['by']]}，截至 {result['as_of']}）"])
    ws["A1"].font = Font(bold=True)
    header = [BY_LABELS[result["by"]], "案件数", "响应数", "应结数", "结案数", "按期结案数", "评价数", "满意数", "超期数",
              *[RATE_LABELS[r] for r in RATES]]
    ws.append(header)
    for c in ws[2]:
        c.font = Font(bold=True)
    for row in [*result["rows"], {**result["total"], "name": "合计"}]:
        values = [None, row["cases"], row["responded"], row["due"], row["closed"],
                  row["closed_on_time"], row["rated"], row["satisfied"], row["overdue"]]
        values += [None if row[r] is None else float(row[r]) for r in RATES]
        ws.append(values)
        _text_cell(ws.cell(row=ws.max_row, column=1), str(row["name"] or ""))
        for j, r in enumerate(RATES):
            cell = ws.cell(row=ws.max_row, column=10 + j)
            cell.number_format = "0.0%"
            c = row["colours"].get(r)
            if c:
                cell.fill = PatternFill("solid", fgColor=FILLS[c])
    ws.column_dimensions["A"].width = 24
    bl = wb.create_sheet("黑榜")
    bl.append(["排名", "部门", "超期案件数"])
    for i, r in enumerate(result["blacklist"], 1):
        bl.append([i, None, r["overdue"]])
        _text_cell(bl.cell(row=bl.max_row, column=2), r["department"])
    bl.column_dimensions["B"].width = 24
    path = Path(path)
    wb.save(path)
    return path
