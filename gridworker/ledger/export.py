"""Exports officials ask for: rosters, the 1+10+N roster, visits, issues, ballot results, monthly stats.

    result = export(db, actor, "residents", "花名册.xlsx", unmask=False)

Every export is a real spreadsheet (see :mod:`.sheet`) and is recorded in the audit log with
what was exported and whether personal data was unmasked. Phones and ID numbers are masked
unless ``unmask`` is given and the user's role allows it; 特殊人群 tags appear only unmasked. A
masked export also masks any ID or phone number typed into free text (notes, visit summaries,
issue descriptions, titles), so no cell of it holds a full number.
Reads run in one read transaction (a consistent snapshot); nothing here changes domain data.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..domain import codes
from ..domain import permissions as perm
from ..domain.errors import GridworkerError, ValidationError
from ..store.database import Actor, Database
from ..store import queries_meetings as qmeet
from ..store.queries_contacts import coverage_report
from .export_base import (KINDS, ExportContext, MaskingBook, code_label, community_name, kind, local_day, period_text,
                          tags_text)
from .progress import CancelFlag, ProgressFn, Ticker
from .sheet import Column, SheetBook

# Roles that may see unmasked phones and ID numbers when they ask for it explicitly.
UNMASK_ROLES = frozenset({"admin", "grid_worker"})


class ExportNotAllowed(GridworkerError):
    """The user's role does not allow this export option."""


@dataclass
class ExportResult:
    kind: str
    path: Path
    rows: int
    unmasked: bool
    detail: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"kind": self.kind, "path": str(self.path), "rows": self.rows, "unmasked": self.unmasked,
                **self.detail}


def _role(db: Database, actor: Actor) -> str | None:
    if not actor.user_id:
        return None
    with db.read() as conn:
        row = conn.exec_driver_sql("SELECT role FROM local_user WHERE id = ?", (actor.user_id,)).first()
    return row[0] if row else None


def export(db: Database, actor: Actor, what: str, out: str | Path, *, date_from: dt.date | None = None,
           date_to: dt.date | None = None, ballot_id: str | None = None, month: str | None = None,
           unmask: bool = False, progress: ProgressFn | None = None,
           cancel: CancelFlag | None = None) -> ExportResult:
    """Write one export to ``out`` (.xlsx, or CSV when it ends in ``.csv``) and record it in the audit log; returns what was written.

    ``what``: one of :data:`KINDS` (households, residents, contacts, visits, issues, ballot, monthly).
    ``unmask`` shows full phones and ID numbers; refused (ExportNotAllowed) for a user whose
    local role is not admin or grid worker. A cancelled export (``Cancelled``) writes no file.
    Safe to call from a worker thread.
    """
    if what not in KINDS:
        raise ValidationError("what", what, "unknown_export", f"未知的导出类型，可选：{'、'.join(KINDS)}")
    role = actor.role or _role(db, actor)
    if role is not None:
        perm.check(role, "ledger.export")  # a party member's login exports nothing (CLI included)
    if unmask:
        if role is not None and role not in UNMASK_ROLES:
            raise ExportNotAllowed("当前用户的角色不能导出未脱敏的电话和身份证号")
    if what == "ballot" and not ballot_id:
        raise ValidationError("ballot", None, "required", "导出表决结果需要指定表决（--ballot）")
    if what == "monthly" and not month:
        month = dt.date.today().strftime("%Y-%m")
    if date_from and date_to and date_from > date_to:
        raise ValidationError("from", date_from.isoformat(), "bad_range", "开始日期晚于结束日期")
    label, builder = KINDS[what]
    book = SheetBook.for_path(out)
    ticker = Ticker(1, progress, cancel, every=1000)
    with db.read() as conn:
        ctx = ExportContext(conn, book if unmask else MaskingBook(book), unmask, db.community_id, date_from,
                            date_to, ballot_id, month, ticker)
        ticker.check()
        rows = builder(ctx)
    ticker.check()
    path = book.save(out)
    detail = {"kind": what, "label": label, "file": path.name, "rows": rows, "unmasked": unmask,
              **({"from": date_from.isoformat()} if date_from else {}),
              **({"to": date_to.isoformat()} if date_to else {}),
              **({"ballot_id": ballot_id} if ballot_id else {}), **({"month": month} if month else {}),
              **ctx.detail}
    try:
        with db.write(actor) as uow:
            uow.audit("export", detail=detail)
    except BaseException:
        path.unlink(missing_ok=True)  # an export the audit log does not know about must not exist
        raise
    ticker.done = ticker.total
    ticker.report()
    return ExportResult(what, path, rows, unmask, ctx.detail)


# --------------------------------------------------------------------------- rosters
@kind("households", "户籍花名册（户）")
def households(ctx: ExportContext) -> int:
    rows = ctx.rows(
        "SELECT h.*, (SELECT COUNT(*) FROM resident r WHERE r.household_id = h.id AND r.deleted = 0) AS members,"
        " g.name AS grid_name FROM household h LEFT JOIN org_unit g ON g.id = h.grid_id"
        " WHERE h.deleted = 0 ORDER BY h.estate, CAST(h.building_no AS INTEGER), h.building_no,"
        " CAST(h.unit AS INTEGER), h.room, h.address")
    ctx.ticker.total = len(rows)
    columns = [Column("序号", "int"), Column("网格", "text"), Column("地址", "text"), Column("小区", "text"),
               Column("楼栋", "text"), Column("单元", "text"), Column("室", "text"), Column("户主", "text"),
               Column("联系电话", "text"), Column("人数", "int"), Column("面积（㎡）", "number"),
               Column("居住情况", "text"), Column("人户状态", "text"), Column("关注等级", "text"),
               Column("标签", "text"), Column("备注", "text")]
    data = []
    for i, h in enumerate(rows, start=1):
        data.append([i, h["grid_name"], h["address"], h["estate"], h["building_no"], h["unit"], h["room"],
                     h["head_name"], ctx.phone(h["phone"]), h["members"], h["area_m2"],
                     code_label(codes.TENURE, h["tenure"]), code_label(codes.RESIDENCE_STATUS, h["residence_status"]),
                     code_label(codes.ATTENTION_LEVELS, h["attention_level"]), tags_text(h["tags"]), h["notes"]])
        ctx.tick()
    return ctx.book.add_sheet("户籍花名册", f"{community_name(ctx)}户籍花名册（按户）", columns, data,
                              note=None if ctx.unmask else "电话已脱敏")


@kind("residents", "人员花名册")
def residents(ctx: ExportContext) -> int:
    rows = ctx.rows(
        "SELECT r.*, h.address AS address, h.estate AS estate, h.building_no AS building_no, h.unit AS unit,"
        " h.room AS room FROM resident r LEFT JOIN household h ON h.id = r.household_id"
        " WHERE r.deleted = 0 ORDER BY h.estate, CAST(h.building_no AS INTEGER), h.building_no,"
        " CAST(h.unit AS INTEGER), h.room, h.address, r.relation, r.name")
    ctx.ticker.total = len(rows)
    columns = [Column("序号", "int"), Column("姓名", "text"), Column("性别", "text"), Column("公民身份号码", "text"),
               Column("出生日期", "date"), Column("民族", "text"), Column("与户主关系", "text"),
               Column("联系电话", "text"), Column("地址", "text"), Column("政治面貌", "text"),
               Column("婚姻状况", "text"), Column("文化程度", "text"), Column("人员标签", "text")]
    if ctx.unmask:
        columns.append(Column("特殊人群", "text"))
    data = []
    for i, r in enumerate(rows, start=1):
        line = [i, r["name"], code_label(codes.GENDER, r["gender"]), ctx.id_number(r["id_number"]), r["birth_date"],
                r["ethnicity"], code_label(codes.RELATION, r["relation"]), ctx.phone(r["phone"]), r["address"],
                code_label(codes.POLITICAL, r["political"]), code_label(codes.MARITAL, r["marital"]),
                code_label(codes.EDUCATION, r["education"]), tags_text(r["tags"])]
        if ctx.unmask:
            line.append(tags_text(r["sensitive_tags"]))
        data.append(line)
        ctx.tick()
    return ctx.book.add_sheet("人员花名册", f"{community_name(ctx)}人员花名册", columns, data,
                              note=None if ctx.unmask else "电话、身份证号已脱敏")


@kind("contacts", "1+10+N 党员联户名册")
def contacts(ctx: ExportContext) -> int:
    members = {m["id"]: m for m in ctx.rows("SELECT * FROM party_member WHERE deleted = 0")}
    links = ctx.rows("SELECT kind, from_id, to_id FROM contact_link WHERE active = 1 AND deleted = 0"
                     " ORDER BY start_date, id")
    hh = {h["id"]: h for h in ctx.rows("SELECT id, address, head_name, phone FROM household WHERE deleted = 0")}
    central_of: dict[str, str] = {}
    members_of: dict[str, list[str]] = {}
    households_of: dict[str, list[str]] = {}
    for link in links:
        if link["kind"] == "central_member" and link["to_id"] in members:
            central_of.setdefault(link["to_id"], link["from_id"])
            members_of.setdefault(link["from_id"], []).append(link["to_id"])
        elif link["kind"] == "member_household" and link["to_id"] in hh:
            households_of.setdefault(link["from_id"], []).append(link["to_id"])
    centrals = [m for m in members.values() if m["is_central_household"] or m["id"] in members_of]
    centrals.sort(key=lambda m: m["name"])
    columns = [Column("党员中心户", "text"), Column("中心户电话", "text"), Column("联户党员", "text"),
               Column("党员电话", "text"), Column("联系户地址", "text"), Column("户主", "text"),
               Column("户主电话", "text")]
    data: list[list[Any]] = []

    def member_rows(central: dict | None, member: dict) -> None:
        head = [central["name"] if central else "（未编入中心户）", ctx.phone(central["phone"]) if central else None,
                member["name"], ctx.phone(member["phone"])]
        linked = [hh[h] for h in households_of.get(member["id"], [])]
        if not linked:
            data.append(head + [None, None, None])
        for h in sorted(linked, key=lambda h: h["address"] or ""):
            data.append(head + [h["address"], h["head_name"], ctx.phone(h["phone"])])

    placed: set[str] = set()
    for c in centrals:
        member_rows(c, c)  # a central household also links households of its own
        placed.add(c["id"])
        for mid in sorted(members_of.get(c["id"], []), key=lambda m: members[m]["name"] if m in members else ""):
            if mid in members and mid not in placed:
                member_rows(c, members[mid])
                placed.add(mid)
    for m in sorted(members.values(), key=lambda m: m["name"]):
        if m["id"] not in placed and households_of.get(m["id"]):
            member_rows(None, m)
    ctx.detail.update(central_households=len(centrals),
                      linked_households=len({h for hs in households_of.values() for h in hs}))
    return ctx.book.add_sheet("1+10+N", f"{community_name(ctx)}“1+10+N”党员联户名册", columns, data,
                              note=None if ctx.unmask else "电话已脱敏")


# --------------------------------------------------------------------------- visits
def _bounds(ctx: ExportContext) -> tuple[str | None, str | None]:
    start = ctx.date_from.isoformat() if ctx.date_from else None
    end = (ctx.date_to + dt.timedelta(days=1)).isoformat() if ctx.date_to else None
    return start, end


@kind("visits", "走访记录")
def visits(ctx: ExportContext) -> int:
    rows = ctx.rows(
        "SELECT v.*, h.address AS address, h.head_name AS head_name FROM visit v"
        " LEFT JOIN household h ON h.id = v.household_id ORDER BY v.visited_at, v.id")
    voided = {v["voids_id"] for v in rows if v["voids_id"]}
    start, end = _bounds(ctx)
    columns = [Column("走访时间", "datetime"), Column("走访人", "text"), Column("户地址", "text"),
               Column("户主", "text"), Column("走访方式", "text"), Column("走访目的", "text"),
               Column("情况摘要", "text"), Column("发现问题", "text"), Column("居民诉求", "text"),
               Column("后续计划", "text"), Column("跟进日期", "date"), Column("是否更正记录", "text")]
    data = []
    for v in rows:
        if v["id"] in voided:
            continue  # replaced by a correction, which is listed instead
        local = local_day(v["visited_at"])
        if (start and local < start) or (end and local >= end):
            continue
        data.append([v["visited_at"], v["visitor_name"], v["address"], v["head_name"],
                     code_label(codes.VISIT_MODES, v["mode"]), v["purpose"], v["summary"], v["problems"],
                     v["requests"], v["follow_up"], v["follow_up_date"], "是" if v["voids_id"] else None])
    period = period_text(ctx)
    return ctx.book.add_sheet("走访记录", f"{community_name(ctx)}走访记录{period}", columns, data)


@kind("coverage", "1+10+N 联户覆盖统计（按网格、按党员中心户）")
def coverage(ctx: ExportContext) -> int:
    """Two sheets: per grid and per 党员中心户 (households linked, not visited this quarter, members with
    no households, overloaded members), as of ``date_to`` (default today)."""
    day = ctx.date_to or dt.date.today()
    grids, centrals, since = coverage_report(ctx.conn, day)
    period = f"（{since.isoformat()} 至 {day.isoformat()}）"
    common = [Column("住户", "int"), Column("已联系党员", "int"), Column("覆盖率", "text"),
              Column("本季度未走访", "int")]
    total = ctx.book.add_sheet(
        "按网格", f"{community_name(ctx)}联户覆盖统计（按网格）{period}",
        [Column("网格", "text"), *common, Column("党员", "int"), Column("未联系住户的党员", "int"),
         Column("联系户过多的党员", "int")],
        [[r.name, r.households, r.linked, f"{r.coverage:.0%}", r.not_visited, r.members, r.members_idle,
          r.members_overloaded] for r in grids])
    total += ctx.book.add_sheet(
        "按党员中心户", f"{community_name(ctx)}联户覆盖统计（按党员中心户）{period}",
        [Column("党员中心户", "text"), Column("网格", "text"), Column("联系党员", "int"), Column("联系户", "int"),
         Column("本季度未走访", "int"), Column("未联系住户的党员", "int"), Column("联系户过多的党员", "int")],
        [[r.name, r.grid, r.members, r.households, r.not_visited, r.members_idle, r.members_overloaded]
         for r in centrals])
    return total


@kind("meetings", "议事会议记录（民议、民决、民办、民管）")
def meetings_sheet(ctx: ExportContext) -> int:
    """One row per decision (a meeting without decisions: one row), in the period if one is given."""
    today = ctx.date_to or dt.date.today()
    data: list[list[Any]] = []
    for m in qmeet.list_meetings(ctx.conn):
        day = local_day(m["held_at"])
        if (ctx.date_from and day < ctx.date_from) or (ctx.date_to and day > ctx.date_to):
            continue
        t = qmeet.thread(ctx.conn, m["id"], today)
        head = [m["held_at"], m["kind_label"], m["topic"], m["place"], "、".join(t.attendees)]
        if not t.decisions:
            data.append(head + [None] * 6)
        for row in t.decisions:
            d = row["decision"]
            follow = "；".join(f"{str(at)[:10]} {text}" for at, text, _by in d.progress)
            if d.done_at:
                follow = (follow + "；" if follow else "") + f"{str(d.done_at)[:10]} 办结：{d.done_note or ''}"
            data.append(head + [d.text, row["kind_label"], row["status_label"], d.owner, d.deadline, follow or None])
    columns = [Column("时间", "datetime"), Column("形式", "text"), Column("议题", "text"), Column("地点", "text"),
               Column("参会", "text"), Column("决定", "text"), Column("类别", "text"), Column("状态", "text"),
               Column("负责人", "text"), Column("期限", "text"), Column("进展与办结", "text")]
    return ctx.book.add_sheet("议事会议", f"{community_name(ctx)}议事会议记录{period_text(ctx)}", columns, data)


from . import export_cases  # noqa: E402,F401 - registers issues, ballot and monthly (it needs only export_base)
from . import export_service  # noqa: E402,F401 - registers points, service, honour and signin
