"""三报到三服务 exports: the points ledger with balances, the service records, the quarterly 红榜 and
a printable sign-in sheet for an activity (filled in on paper, then entered by keyboard)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from ..domain import points as P
from ..domain import service as rules
from ..store import queries_service as qs
from .export_base import ExportContext, community_name, kind, period_text
from .sheet import Column


@kind("points", "积分台账与余额（时间银行）")
def points_sheet(ctx: ExportContext) -> int:
    """Two sheets: each member's balance and yearly hours, and every ledger entry in the period."""
    today = ctx.date_to or dt.date.today()
    bal = qs.balances(ctx.conn, today)
    ctx.book.add_sheet(
        "积分余额", f"{community_name(ctx)}党员积分余额（截至{today.isoformat()}）",
        [Column("党员", "text"), Column("支部", "text"), Column("在职党员", "text"), Column("获得积分", "number"),
         Column("已兑换", "number"), Column("余额", "number"), Column(f"{today.year}年服务时长", "number"),
         Column("应达进度（小时）", "number"), Column("进度", "text"), Column("待审核", "int")],
        [[b["name"], b["branch"], "是" if b["in_service"] else "否", b["earned"], b["spent"], b["balance"],
          b["hours_this_year"], b["expected_by_now"], b["colour_label"], b["waiting"]] for b in bal])
    names = qs.member_names(ctx.conn)
    data: list[list[Any]] = []
    for e in ctx.rows("SELECT member_id, kind, hours, points, activity, approver, at FROM points_ledger ORDER BY at, id"):
        day = (e["at"] or "")[:10]
        if (ctx.date_from and day < ctx.date_from.isoformat()) or (ctx.date_to and day > ctx.date_to.isoformat()):
            continue
        amount = P.to_decimal(e["points"], "points")
        data.append([e["at"], names.get(e["member_id"], "（已删除）"), P.ENTRY_KINDS.get(e["kind"], e["kind"]),
                     e["hours"], amount if e["kind"] == "earn" else -amount, e["activity"], e["approver"]])
        ctx.tick()
    return ctx.book.add_sheet(
        "积分明细", f"{community_name(ctx)}积分明细{period_text(ctx)}",
        [Column("时间", "datetime"), Column("党员", "text"), Column("类型", "text"), Column("时长（小时）", "text"),
         Column("积分", "number"), Column("事项", "text"), Column("审核 / 经办", "text")], data)


@kind("service", "志愿服务记录（三报到三服务）")
def service_sheet(ctx: ExportContext) -> int:
    """Every service record and 报到 in the period, approved or not, with its approval."""
    rows = qs.records(ctx.conn, approval=None, since=ctx.date_from and ctx.date_from.isoformat(),
                      until=ctx.date_to and ctx.date_to.isoformat())
    data = [[r["served_on"], r["member_name"], r["kind_label"], P.to_decimal(r["hours"], "hours"), r["households_served"],
             r["team_name"], r["need_title"], r["activity"], rules.ENTERED_FROM.get(r["entered_from"] or "", ""),
             r["approval_label"], r["approved_by"], r["points"] if r["approval"] == "approved" else None, r["note"]]
            for r in rows]
    return ctx.book.add_sheet(
        "服务记录", f"{community_name(ctx)}志愿服务记录{period_text(ctx)}",
        [Column("日期", "date"), Column("党员", "text"), Column("类型", "text"), Column("时长（小时）", "number"),
         Column("服务户数", "int"), Column("服务队", "text"), Column("认领的需求", "text"), Column("活动", "text"),
         Column("登记方式", "text"), Column("审核", "text"), Column("审核人", "text"), Column("积分", "number"),
         Column("备注", "text")], data)


@kind("honour", "红榜（季度：党员与红领服务队）")
def honour_sheet(ctx: ExportContext) -> int:
    """The 红榜 of the quarter of --to (default today): members, and teams, by approved hours."""
    day = ctx.date_to or dt.date.today()
    cols = [Column("名次", "int"), Column("名称", "text"), Column("服务时长（小时）", "number"), Column("积分", "number"),
            Column("服务次数", "int"), Column("服务户数", "int")]
    label = rules.quarter_label(day)
    ctx.book.add_sheet("党员红榜", f"{community_name(ctx)}{label}党员志愿服务红榜", cols,
                       [[i, s.name, s.hours, s.points, s.services, s.households]
                        for i, s in enumerate(qs.honour_roll(ctx.conn, day, by="member"), 1)])
    teams = qs.honour_roll(ctx.conn, day, by="team")
    return ctx.book.add_sheet("服务队红榜", f"{community_name(ctx)}{label}红领服务队红榜", cols,
                              [[i, s.name, s.hours, s.points, s.services, s.households] for i, s in enumerate(teams, 1)])


@kind("signin", "活动签到表（打印后签到，再按表录入）")
def signin_sheet(ctx: ExportContext) -> int:
    """A sign-in sheet for one activity: every member on the roster (in-service first), a column to sign
    and the hours; the grid worker enters it afterwards in 服务登记 → 按签到表录入."""
    day = ctx.date_to or dt.date.today()
    data = [[i, m["name"], m["branch"], "在职" if m["in_service"] else "", None, None]
            for i, m in enumerate(qs.members(ctx.conn), 1)]
    return ctx.book.add_sheet(
        "签到表", f"{community_name(ctx)}志愿服务活动签到表（{day.isoformat()}）",
        [Column("序号", "int"), Column("姓名", "text"), Column("支部", "text"), Column("在职党员", "text"),
         Column("签名", "text"), Column("服务时长（小时）", "text")], data,
        note="活动名称：＿＿＿＿＿＿＿＿  地点：＿＿＿＿＿＿  组织人：＿＿＿＿＿＿")
