"""Exports over derived state: the issue register (folded events), a ballot's result sheet, and the
monthly statistics for the street office."""
from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction
from typing import Any

from ..domain import ballots, codes, issues
from ..domain.errors import ValidationError
from ..store import queries_rules, queries_service
from .export_base import ExportContext, code_label, community_name, kind, local_day, period_text
from .sheet import Column

DEADLINE_ZH = {"ok": "正常", "warning": "临期预警", "overdue": "超期"}
SCOPE_ZH = {"building": "楼栋", "estate": "小区", "community": "社区"}


def _events_by_issue(ctx: ExportContext) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    # The server's order where known, then this laptop's clock: the order every replica folds in.
    for e in ctx.rows("SELECT id, issue_id, action, at, payload FROM issue_event"
                      " ORDER BY COALESCE(server_seq, 9223372036854775807), hlc, id"):
        try:
            e["payload"] = json.loads(e["payload"] or "{}")
        except json.JSONDecodeError:
            e["payload"] = None  # fold lists it as invalid
        out.setdefault(e["issue_id"], []).append(e)
    return out


def issue_states(ctx: ExportContext) -> list[tuple[dict, issues.FoldResult]]:
    """Every live issue with its folded state."""
    events = _events_by_issue(ctx)
    return [(i, issues.fold(events.get(i["id"], [])))
            for i in ctx.rows("SELECT * FROM issue WHERE deleted = 0 ORDER BY reported_at, id")]


@kind("issues", "吹哨报到事项台账")
def issue_register(ctx: ExportContext) -> int:
    now = dt.datetime.now().astimezone()
    start = ctx.date_from.isoformat() if ctx.date_from else None
    end = ctx.date_to.isoformat() if ctx.date_to else None
    columns = [Column("上报时间", "datetime"), Column("事项", "text"), Column("类别", "text"), Column("类型", "text"),
               Column("紧急程度", "text"), Column("地址", "text"), Column("上报人", "text"),
               Column("当前状态", "text"), Column("办理层级", "text"), Column("承办部门", "text"),
               Column("督办", "text"), Column("返工次数", "int"), Column("办理期限", "datetime"),
               Column("期限状态", "text"), Column("结案时间", "datetime"), Column("评价", "text"),
               Column("异常事件", "int")]
    config = queries_rules.rules(ctx.conn).deadline_config()  # the community's calendar and limits
    data = []
    for issue, folded in issue_states(ctx):
        day = local_day(issue["reported_at"])
        if (start and day < start) or (end and day > end):
            continue
        st = folded.state
        due = issues.state_due_at(st, config)
        status = None
        if due is not None and st.status not in ("new", "declined"):
            status = DEADLINE_ZH[issues.deadline_status(due, st.reported_at, now, st.closed_at)]
        data.append([issue["reported_at"], issue["title"], code_label(codes.ISSUE_CATEGORIES, st.category or issue["category"]),
                     code_label(codes.ISSUE_KINDS, st.kind or issue["kind"]), code_label(codes.URGENCIES, st.urgency),
                     issue["address"], issue["reporter_name"], issues.STATUSES.get(st.status, st.status),
                     code_label(issues.ISSUE_LEVELS, st.level), st.department, "是" if st.supervised else None,
                     st.rework_count, due, status, st.closed_at, code_label(issues.RATINGS, st.rating),
                     len(folded.invalid) or None])
    return ctx.book.add_sheet("事项台账", f"{community_name(ctx)}吹哨报到事项台账{period_text(ctx)}", columns, data)


# --------------------------------------------------------------------------- ballots
def _eligible(ctx: ExportContext, ballot: dict) -> list[dict]:
    scope, ref = ballot["scope_kind"], ballot["scope_ref"]
    sql = "SELECT id, address, head_name, area_m2 FROM household WHERE deleted = 0"
    if scope == "building":
        return ctx.rows(sql + " AND building_id = ? ORDER BY address", (ref,))
    if scope == "estate":
        return ctx.rows(sql + " AND estate = ? ORDER BY address", (ref,))
    return ctx.rows(sql + " ORDER BY address")


@kind("ballot", "表决结果")
def ballot_sheet(ctx: ExportContext) -> int:
    ballot = ctx.conn.exec_driver_sql("SELECT * FROM ballot WHERE id = ? AND deleted = 0",
                                      (ctx.ballot_id,)).mappings().first()
    if ballot is None:
        raise ValidationError("ballot", ctx.ballot_id, "not_found", "找不到这次表决")
    ballot = dict(ballot)
    options = {o["id"]: o for o in ctx.rows("SELECT * FROM ballot_option WHERE ballot_id = ?", (ballot["id"],))}
    votes = ctx.rows("SELECT * FROM vote WHERE ballot_id = ?"
                     " ORDER BY COALESCE(server_seq, 9223372036854775807), hlc, id", (ballot["id"],))
    for v in votes:
        meaning = options.get(v["option_id"], {}).get("meaning")
        v["choice"] = meaning if meaning in ballots.VOTE_CHOICES else None
    chosen = ballots.effective_votes(votes)
    households = _eligible(ctx, ballot)
    spec = ballots.RULES.get(ballot["rule"])
    if spec is None:
        raise ValidationError("rule", ballot["rule"], "rule_unknown", "未知的表决规则")
    if spec.uses_area:
        missing = [h["address"] for h in households if not h["area_m2"]]
        if missing:
            raise ValidationError("area_m2", missing[0], "area_missing",
                                  f"有{len(missing)}户缺少专有部分面积，无法按面积计算表决结果（如：{missing[0]}）")
    eligible = {h["id"]: h["area_m2"] for h in households}
    result = ballots.tally(ballot["rule"], eligible, chosen.choices)
    summary: list[list[Any]] = [
        ["表决事项", ballot["title"]], ["表决规则", spec.label_zh],
        ["表决范围", f"{SCOPE_ZH.get(ballot['scope_kind'], ballot['scope_kind'])} {ballot['scope_ref'] or ''}".strip()],
        ["开始时间", ballot["opens_at"]], ["截止时间", ballot["closes_at"]],
        ["应参与户数", result.eligible_households], ["实际参与户数", result.turnout_households],
        ["参与率（户）", ballots.format_percent(_fraction(result.turnout_households, result.eligible_households))],
    ]
    if spec.uses_area:
        summary += [["应参与面积（㎡）", ballots.format_area(result.eligible_area)],
                    ["实际参与面积（㎡）", ballots.format_area(result.turnout_area)]]
    for choice, zh in ballots.VOTE_CHOICES.items():
        summary.append([f"{zh}（户）", result.counts[choice]])
        if spec.uses_area:
            summary.append([f"{zh}（面积㎡）", ballots.format_area(result.areas[choice])])
    for t in result.thresholds:
        sign = "≥" if t.inclusive else "＞"
        summary.append([t.label_zh, f"{ballots.format_percent(t.actual)}（要求{sign}"
                                    f"{ballots.format_percent(t.required)}）{'达到' if t.met else '未达到'}"])
    summary.append(["表决结果", "通过" if result.passed else "未通过"])
    if chosen.duplicates or result.ineligible:
        summary.append(["未计入的投票", len(chosen.duplicates) + len(result.ineligible)])
    ctx.book.add_sheet("表决结果", f"表决结果：{ballot['title']}", [Column("项目", "text"), Column("结果", "auto")],
                       summary)
    flagged = {f.vote["id"]: f.message for f in chosen.duplicates}
    by_household: dict[str, list[dict]] = {}
    for v in votes:
        by_household.setdefault(v["household_id"], []).append(v)
    effective_ids = {v["id"] for v in chosen.effective.values()}
    columns = [Column("地址", "text"), Column("户主", "text"), Column("面积（㎡）", "number"), Column("表决意见", "text"),
               Column("投票人", "text"), Column("投票时间", "datetime"), Column("方式", "text"), Column("说明", "text")]
    data = []
    for h in households:
        cast = by_household.get(h["id"], [])
        if not cast:
            data.append([h["address"], h["head_name"], h["area_m2"], "未参与", None, None, None, None])
        for v in cast:
            label = options.get(v["option_id"], {}).get("label")
            note = "计入" if v["id"] in effective_ids else (flagged.get(v["id"]) or "已被更正，不计入")
            data.append([h["address"], h["head_name"], h["area_m2"], label, v["voter_name"], v["cast_at"],
                         "纸质" if v["paper"] else "线上", note])
    ctx.detail.update(passed=result.passed, turnout=result.turnout_households,
                      eligible=result.eligible_households)
    return ctx.book.add_sheet("分户表决", f"分户表决情况：{ballot['title']}", columns, data)


def _fraction(a: int, b: int) -> Fraction:
    return Fraction(a, b) if b else Fraction(0)


# --------------------------------------------------------------------------- monthly statistics
def _month_bounds(month: str) -> tuple[dt.date, dt.date]:
    try:
        first = dt.date.fromisoformat(f"{month}-01")
    except ValueError:
        raise ValidationError("month", month, "bad_month", "月份格式应为 YYYY-MM，如 2026-05") from None
    nxt = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return first, nxt


@kind("monthly", "月度统计")
def monthly(ctx: ExportContext) -> int:
    first, nxt = _month_bounds(ctx.month or "")
    a, b = first.isoformat(), nxt.isoformat()

    def in_month(value: Any) -> bool:
        day = local_day(value)
        return bool(day) and a <= day < b

    one = lambda sql, p=(): ctx.conn.exec_driver_sql(sql, p).scalar() or 0  # noqa: E731
    rows: list[list[Any]] = [
        ["基本情况", "户数", one("SELECT COUNT(*) FROM household WHERE deleted = 0"), "导出时的数据"],
        ["基本情况", "居民人数", one("SELECT COUNT(*) FROM resident WHERE deleted = 0"), "导出时的数据"],
        ["党建引领", "党员人数", one("SELECT COUNT(*) FROM party_member WHERE deleted = 0"), None],
        ["党建引领", "党员中心户", one("SELECT COUNT(*) FROM party_member WHERE deleted = 0 AND is_central_household = 1"), None],
        ["党建引领", "联户党员联系户数",
         one("SELECT COUNT(DISTINCT to_id) FROM contact_link WHERE kind = 'member_household' AND active = 1 AND deleted = 0"),
         "1+10+N 中被联系的户"],
    ]
    care: dict[str, int] = {}
    for (tags,) in ctx.conn.exec_driver_sql("SELECT tags FROM resident WHERE deleted = 0 AND tags <> '[]'"):
        for t in json.loads(tags or "[]"):
            care[t] = care.get(t, 0) + 1
    for t in codes.CARE_TAGS:
        if care.get(t):
            rows.append(["关爱对象", t, care[t], None])
    visits = ctx.rows("SELECT id, household_id, visited_at, mode, voids_id FROM visit")
    voided = {v["voids_id"] for v in visits if v["voids_id"]}
    month_visits = [v for v in visits if v["id"] not in voided and in_month(v["visited_at"])]
    rows.append(["走访", "走访次数", len(month_visits), None])
    rows.append(["走访", "走访户数", len({v["household_id"] for v in month_visits}), "同一户多次走访计一户"])
    for mode, zh in codes.VISIT_MODES.items():
        n = sum(1 for v in month_visits if v["mode"] == mode)
        if n:
            rows.append(["走访", f"其中{zh}", n, None])
    states = issue_states(ctx)
    reported = [(i, f.state) for i, f in states if in_month(i["reported_at"])]
    closed = [(i, f.state) for i, f in states
              if f.state.closed_at is not None and in_month(f.state.closed_at.isoformat())]
    rows.append(["吹哨报到", "本月上报事项", len(reported), None])
    rows.append(["吹哨报到", "本月结案事项", len(closed), "含以前月份上报的事项"])
    now = min(dt.datetime.combine(nxt, dt.time.min).astimezone(), dt.datetime.now().astimezone())
    measures = issues.rates([s for _, s in reported], now,
                            config=queries_rules.rules(ctx.conn).deadline_config())  # the community's calendar
    for key, zh in issues.RATE_LABELS.items():
        value = measures[key]
        rows.append(["吹哨报到", f"本月上报事项{zh}", ballots.format_percent(value) if value is not None else "—",
                     None])
    ballots_closed = [x for x in ctx.rows("SELECT closes_at, closed_at FROM ballot WHERE deleted = 0")
                      if in_month(x["closed_at"] or x["closes_at"])]
    rows.append(["居民自治", "本月结束的表决", len(ballots_closed), None])
    month_meetings = [m for m in ctx.rows("SELECT id, held_at FROM meeting WHERE deleted = 0") if in_month(m["held_at"])]
    items = ctx.rows("SELECT kind, decision_kind, at FROM meeting_item")
    rows.append(["居民自治", "本月议事会议", len(month_meetings), "客堂间、板凳会、联席会议等"])
    rows.append(["居民自治", "本月形成的决定", sum(1 for i in items if i["kind"] == "decision" and in_month(i["at"])),
                 None])
    rows.append(["居民自治", "本月办结的决定", sum(1 for i in items if i["kind"] == "done" and in_month(i["at"])),
                 "落实任务和交付表决的事项"])
    service = queries_service.month_figures(ctx.conn, first, nxt)
    rows.append(["三报到三服务", "本月审核通过的服务时长（小时）", str(service["hours"]), "仅计审核通过的记录"])
    rows.append(["三报到三服务", "本月服务人次", service["services"], None])
    rows.append(["三报到三服务", "本月参与服务的党员", service["members"], None])
    rows.append(["三报到三服务", "本月报到", service["reported_in"], None])
    rows.append(["三报到三服务", "本月获得积分", str(service["earned"]), None])
    rows.append(["三报到三服务", "本月兑换积分", str(service["redeemed"]), "时间银行"])
    columns = [Column("类别", "text"), Column("指标", "text"), Column("数值", "auto"), Column("说明", "text")]
    return ctx.book.add_sheet("月度统计", f"{community_name(ctx)}{first.year}年{first.month}月工作统计", columns, rows)
