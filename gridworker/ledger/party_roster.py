"""党员名册 ledger: import a party roster (.xlsx / .csv, a 党员 sheet or file) and export the roster
with the 1+10+N tree as officials print it.

Import: the header is found in the first 30 rows as for household ledgers (the row that names the
most roster columns, at least 姓名 and one more); each row is matched to a resident by ID number
(公民身份号码) — that resident must be 中共党员 / 预备党员 — or, with no ID number, is an in-service
member (在职党员: 姓名, 电话, 工作单位, 报到日期) matched by name and phone. A re-import of the same file
changes nothing (``unchanged``). 党员中心户 = 是 designates a 中心户; 所属中心户 links the member under
the named one. Rejected rows carry their reason (原因) and go to the same validation report
(ledger/report.py) as a household ledger. A dry run writes nothing.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ..domain import party as rules
from ..domain import permissions as perm
from ..domain.errors import ValidationError
from ..domain.idcard import normalize_id_number
from ..domain.masking import mask_phone
from ..domain.ids import deterministic_id
from ..store import queries_party as qp
from ..store.database import Actor, Database
from .columns import HEADER_SCAN_ROWS, ColumnMapping, MappingError, clean_label, header_signature
from .importer import ImportResult, RowOutcome
from .people import is_blank_row
from .reader import read_table
from .sheet import Column, SheetBook


def require_role(actor: Actor) -> str:
    if not actor.role:
        raise perm.PermissionDenied("请先登录本机用户，再进行操作")
    return actor.role


def _link_under(uow: Any, central_id: str, member_id: str) -> None:
    """The member goes under ``central_id`` (any other active 中心户 link of theirs ends)."""
    day = dt.date.today().isoformat()
    for link in uow.query("SELECT id FROM contact_link WHERE kind = 'central_member' AND to_id = ? AND active = 1"
                          " AND deleted = 0", (member_id,)):
        uow.update("contact_link", link["id"], {"active": False, "end_date": day, "reason": "名册导入"})
    link_id = deterministic_id(central_id, member_id, "central_member")
    existing = uow.get("contact_link", link_id, include_deleted=True)
    if existing is None:
        uow.insert("contact_link", {"kind": "central_member", "from_id": central_id, "to_id": member_id,
                                    "active": True, "start_date": day, "reason": "名册导入"}, row_id=link_id)
    else:
        if existing["deleted"]:
            uow.undelete("contact_link", link_id)
        uow.update("contact_link", link_id, {"active": True, "start_date": day, "end_date": None, "reason": "名册导入"})

FIELDS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "党员姓名"),
    "id_number": ("公民身份号码", "身份证号", "身份证号码", "证件号码"),
    "phone": ("联系电话", "手机号", "手机号码", "电话"),
    "branch": ("所属支部", "党支部", "网格党支部", "支部"),
    "kind": ("党员类别", "类别", "党员类型"),
    "workplace": ("工作单位", "单位"),
    "reported_on": ("报到日期", "报到时间"),
    "joined_on": ("入党日期", "入党时间"),
    "central": ("党员中心户", "是否中心户", "中心户"),
    "central_name": ("所属中心户", "所属党员中心户"),
    "pledge": ("亮承诺", "承诺", "承诺内容"),
}
_LOOKUP = {clean_label(s): f for f, syns in FIELDS.items() for s in syns}
_YES = {"是", "√", "✓", "Y", "YES", "1", "TRUE"}


def _match(value: Any) -> str | None:
    return _LOOKUP.get(clean_label(value)) if value is not None else None


def detect(table) -> ColumnMapping:
    """The header row (most roster columns among the first 30 rows) and its columns."""
    best, best_fields = -1, {}
    for r, row in enumerate(table.rows[:HEADER_SCAN_ROWS]):
        fields: dict[int, str] = {}
        for c, v in enumerate(row):
            f = _match(v)
            if f and f not in fields.values():
                fields[c] = f
        if len(fields) > len(best_fields):
            best, best_fields = r, fields
    if "name" not in best_fields.values() or len(best_fields) < 2:
        raise MappingError("前30行中找不到党员名册的表头（至少要有“姓名”和身份证号或电话等列）")
    labels = ["" if v is None else str(v).strip() for v in table.rows[best]]
    unmapped = [lbl for c, lbl in enumerate(labels) if lbl and c not in best_fields]
    return ColumnMapping(labels, dict(sorted(best_fields.items())), (best + 1, best + 1),
                         header_signature(labels), False, unmapped)


# Columns a household ledger does not have: one of them (or 党员 in the file or sheet name) says roster.
_ROSTER_ONLY = frozenset({"branch", "kind", "reported_on", "joined_on", "central", "central_name", "pledge"})


def looks_like_roster(path: str | Path, sheet: str | None = None) -> bool:
    """Whether a ledger file is a party roster rather than a household ledger (``client import
    --kind auto``): 党员 in the file or sheet name, or a roster-only column in its header."""
    table = read_table(path, sheet)
    if "党员" in Path(path).stem or "党员" in (table.sheet or ""):
        return True
    try:
        mapping = detect(table)
    except MappingError:
        return False
    return bool(_ROSTER_ONLY & set(mapping.fields.values()))


FIELD_LABELS = {f: syns[0] for f, syns in FIELDS.items()}


def preview_roster(path: str | Path, sheet: str | None = None, rows: int = 3) -> dict:
    """What the import dialog shows for a roster: sheets, the detected columns, sample rows
    (``roster`` is True; the columns are found by their headers, see :data:`FIELDS`)."""
    table = read_table(path, sheet)
    mapping = detect(table)
    body = [r for r in table.rows[mapping.header_rows[1]:] if not is_blank_row(r)]
    return {"sheet": table.sheet, "sheets": table.sheets, "encoding": table.encoding, "mapping": mapping,
            "rows": len(body), "sample": [list(r) for r in body[:rows]], "roster": True}


def _date(value: Any, field: str) -> str | None:
    if value is None or str(value).strip() == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip().replace("/", "-").replace(".", "-").replace("年", "-").replace("月", "-").rstrip("日")
    try:
        return dt.date.fromisoformat("-".join(p.zfill(2) for p in text.split("-"))).isoformat()
    except ValueError:
        raise ValidationError(field, value, "bad_date", "日期格式不对，应为 2026-03-01") from None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def import_roster(db: Database, actor: Actor, path: str | Path, *, sheet: str | None = None,
                  dry_run: bool = False) -> ImportResult:
    """Import a party roster file; returns the per-row outcomes (``ledger.import`` and ``party.manage``)."""
    role = require_role(actor)
    perm.check(role, "ledger.import")
    perm.check(role, "party.manage")
    table = read_table(path, sheet)
    mapping = detect(table)
    result = ImportResult(Path(path), table.sheet, mapping, dry_run)
    centrals: list[tuple[int, str, str | None]] = []  # (row, member id, central name)
    try:
        _import_rows(db, actor, table, mapping, result, centrals, dry_run)
    except _DryRun:
        pass  # a dry run: everything was checked, nothing is kept
    return result


class _DryRun(Exception):
    """Raised at the end of a dry run so its unit of work rolls back."""


def _import_rows(db, actor, table, mapping, result, centrals, dry_run) -> None:
    cols = {f: c for c, f in mapping.fields.items()}
    with db.write(actor) as uow:
        branches = {b["name"]: b["id"] for b in qp.branches(uow.conn)}
        for r in range(mapping.header_rows[1], len(table.rows)):
            cells = list(table.rows[r]) + [None] * len(mapping.labels)
            get = lambda f: cells[cols[f]] if f in cols else None  # noqa: E731
            name = _text(get("name"))
            if not any(_text(v) for v in cells):
                continue
            outcome = RowOutcome(r + 1, "created", name)
            try:
                if not name:
                    raise ValidationError("name", None, "required", "缺少姓名")
                values: dict[str, Any] = {"phone": _text(get("phone")), "workplace": _text(get("workplace")),
                                          "reported_on": _date(get("reported_on"), "reported_on"),
                                          "joined_on": _date(get("joined_on"), "joined_on"),
                                          "pledge": rules.pledge(_text(get("pledge")))}
                branch = _text(get("branch"))
                if branch:
                    if branch not in branches:
                        raise ValidationError("branch", branch, "unknown_branch",
                                              f"没有名为“{branch}”的网格党支部，请先设立")
                    values["branch_id"] = branches[branch]
                raw_id = _text(get("id_number"))
                if raw_id:
                    number = normalize_id_number(raw_id)
                    people = uow.query("SELECT id, name, household_id, political FROM resident"
                                       " WHERE id_number = ? AND deleted = 0", (number,))
                    if not people:
                        raise ValidationError("id_number", raw_id, "no_resident", "本社区没有这个身份证号的居民")
                    person = people[0]
                    rules.check_political(person["political"], person["name"])
                    values.update(resident_id=person["id"], household_id=person["household_id"], name=person["name"],
                                  in_service=bool(values["workplace"] or values["reported_on"]))
                    existing = uow.query("SELECT * FROM party_member WHERE resident_id = ? AND deleted = 0",
                                         (person["id"],))
                else:
                    for f, label in (("phone", "联系电话"), ("workplace", "工作单位"), ("reported_on", "报到日期")):
                        if not values[f]:
                            raise ValidationError(f, None, "required", f"在职党员缺少{label}（或填写身份证号匹配居民）")
                    values.update(name=name, in_service=True)
                    existing = uow.query("SELECT * FROM party_member WHERE name = ? AND phone = ? AND deleted = 0",
                                         (name, values["phone"]))
                values = {k: v for k, v in values.items() if v is not None}
                if existing:
                    row = existing[0]
                    changed = {k: v for k, v in values.items()
                               if (bool(row.get(k)) if k == "in_service" else row.get(k)) != v}
                    outcome.status = "updated" if changed else "unchanged"
                    outcome.changes = changed
                    member_id = row["id"]
                    if changed:
                        uow.update("party_member", member_id, changed)
                else:
                    member_id = uow.insert("party_member", values)
                if (_text(get("central")) or "").upper() in _YES:
                    centrals.append((r + 1, member_id, None))
                elif _text(get("central_name")):
                    centrals.append((r + 1, member_id, _text(get("central_name"))))
            except ValidationError as exc:
                outcome.status, outcome.reason = "rejected", exc.message
                outcome.column, outcome.value = exc.field, exc.value
            result.outcomes.append(outcome)
        # 中心户 first, then the members under them (by the 中心户's name).
        for _row, member_id, _ in (c for c in centrals if c[2] is None):
            if not uow.get("party_member", member_id)["is_central_household"]:
                uow.update("party_member", member_id, {"is_central_household": True, "central_reason": "名册导入"})
        by_name = {m["name"]: m["id"] for m in uow.query(
            "SELECT id, name FROM party_member WHERE is_central_household = 1 AND deleted = 0")}
        for row, member_id, central in (c for c in centrals if c[2] is not None):
            outcome = next(o for o in result.outcomes if o.row == row)
            if central not in by_name:
                outcome.status, outcome.reason = "rejected", f"没有名为“{central}”的党员中心户"
                outcome.column, outcome.value = "central_name", central
                continue
            current = uow.query("SELECT from_id FROM contact_link WHERE kind = 'central_member' AND to_id = ?"
                                " AND active = 1 AND deleted = 0", (member_id,))
            if not any(c["from_id"] == by_name[central] for c in current):
                _link_under(uow, by_name[central], member_id)
                if outcome.status == "unchanged":
                    outcome.status = "updated"
        if dry_run:
            raise _DryRun()


def export_roster(db: Database, actor: Actor, out: str | Path) -> Path:
    """The roster as officials print it: 党员中心户 → 党员 → 联系户, one row per member, phones masked."""
    perm.check(require_role(actor), "ledger.export")
    with db.read() as conn:
        roster = qp.roster(conn)
        homes = {}
        for r in conn.exec_driver_sql("SELECT l.from_id, h.address FROM contact_link l JOIN household h"
                                      " ON h.id = l.to_id WHERE l.kind = 'member_household' AND l.active = 1"
                                      " AND l.deleted = 0 AND h.deleted = 0 ORDER BY h.address"):
            homes.setdefault(r[0], []).append(r[1])
    centrals = [m for m in roster if m["is_central_household"]]
    rows: list[list[Any]] = []

    def line(m: dict, central: str) -> list[Any]:
        kind = "在职党员" if m["in_service"] and not m["resident_id"] else "居民党员"
        mine = homes.get(m["id"], [])
        return [central, m["name"], kind, m["branch_name"], mask_phone(m["phone"]) if m["phone"] else None,
                m["workplace"], len(mine), "；".join(mine), m["pledge"]]

    for c in centrals:
        rows.append(line(c, c["name"] + "（中心户）"))
        rows += [line(m, c["name"]) for m in roster if m["central_name"] == c["name"] and not m["is_central_household"]]
    rows += [line(m, "（未归属中心户）") for m in roster if not m["is_central_household"] and not m["central_name"]]
    columns = [Column("党员中心户", "text"), Column("党员", "text"), Column("类别", "text"), Column("所属支部", "text"),
               Column("联系电话", "text"), Column("工作单位", "text"), Column("联系户数", "int"),
               Column("联系户", "text"), Column("亮承诺", "text")]
    book = SheetBook.for_path(out)
    book.add_sheet("党员名册", f"党员联户“1+10+N”名册（党员 {len(roster)} 名，中心户 {len(centrals)} 户）", columns, rows)
    return book.save(out)
