"""12345 hotline intake (issue #16): a work order (工单) becomes a case of the community it is in.

A work order has a number, a time, the caller's words, an address, a category and a time limit
(hours or days). It arrives through ``POST /api/v1/hotline/orders`` (the hotline's API token, or an
admin's token) or a CSV/.xlsx file (``gridworker server hotline import FILE``, the console's
upload). :func:`parse_order` checks one order and :func:`read_orders` a file, reporting each bad row
with its row number and column, as the laptop's ledger import does.

Matching (:func:`match_address`, pure): the address is normalised (domain/address.py) and compared
with the server's households (same estate, building, unit and room: that household), then buildings
and households of the same estate and building, then of the same estate, then the names of the
communities written in the address. One community found: matched; none or several: the order
waits in the unmatched list for a person (:func:`assign_order`).

A matched order becomes an ``issue`` row and its ``report`` event written by the server into the
community's change log, exactly as a pushed change is (numbers from the community's counter, the
checksum moved by the rows' hashes), so the community's laptops pull it as a case on their next
sync. The work-order number is kept: in ``hotline_order`` (number -> case) on the server, and on
the laptop in the case's ``source`` (``12345热线``), its title and its report event's payload
(``work_order_no``). The same number twice makes one case (``hotline_order.number`` is the key).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.exc import IntegrityError

from ..domain.address import address_key, parse_address
from ..domain.codes import ISSUE_CATEGORIES, ISSUE_KINDS, code_for
from ..domain.errors import ValidationError
from ..domain.ids import new_id
from ..domain.text import find_control
from ..store.bulk import insert_rows
from ..store.rows import row_hash
from ..store.tables import TABLES
from .auth import User, community_of, in_scope, now_iso, org_by_code_or_id
from .db import add_checksum, take_seqs
from .errors import BadRequest, NotFound

SOURCE = "12345热线"
ACTOR = "12345热线"
TOKEN_SETTING = "hotline_token_sha256"
MAX_ORDERS = 5000  # one request or file

# Column headers a hotline export may use -> our field.
HEADERS: dict[str, tuple[str, ...]] = {
    "number": ("工单编号", "工单号", "编号", "number", "work_order_no"),
    "called_at": ("来电时间", "受理时间", "时间", "登记时间", "time", "called_at"),
    "caller_text": ("来电内容", "诉求内容", "诉求", "内容", "caller_text", "content"),
    "address": ("地址", "事发地址", "诉求地址", "address"),
    "category": ("类别", "诉求类别", "分类", "category"),
    "limit": ("时限", "办理时限", "处理时限", "limit", "time_limit"),
    "kind": ("诉求类型", "类型", "kind"),
}
LABELS = {"number": "工单编号", "called_at": "来电时间", "caller_text": "来电内容", "address": "地址",
          "category": "类别", "limit": "时限", "kind": "诉求类型"}


class OrderError(ValueError):
    """One field of a work order is wrong: ``field`` names it, ``message`` says why in Chinese."""

    def __init__(self, field_name: str, message: str, value: Any = None):
        super().__init__(f"{LABELS.get(field_name, field_name)}：{message}")
        self.field = field_name
        self.message = message
        self.value = value


@dataclass(frozen=True)
class WorkOrder:
    number: str
    called_at: str  # ISO 8601 with zone
    caller_text: str
    address: str
    category: str | None = None
    limit_hours: int | None = None
    limit_days: int | None = None
    kind: str = "help"  # 求助 / 咨询 / 投诉 / 建议 code

    def as_dict(self) -> dict[str, Any]:
        return {"number": self.number, "called_at": self.called_at, "caller_text": self.caller_text,
                "address": self.address, "category": self.category, "limit_hours": self.limit_hours,
                "limit_days": self.limit_days, "kind": self.kind}


# --------------------------------------------------------------------------- parsing (pure)
_NUMBER = re.compile(r"[0-9A-Za-z][0-9A-Za-z_\-]{0,63}")
_LIMIT = re.compile(r"^\s*(\d{1,4})\s*(个?小时|小时|h|hours?|个?工作日|工作日|天|日|d|days?)?\s*$", re.IGNORECASE)
CHINA = dt.timezone(dt.timedelta(hours=8))


def _str(values: Mapping[str, Any], name: str, *, required: bool, limit: int, multiline: bool = False) -> str | None:
    value = values.get(name)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise OrderError(name, "不能为空", value)
        return None
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise OrderError(name, "格式不正确", value)
    s = str(value).strip()
    if len(s) > limit:
        raise OrderError(name, f"不能超过 {limit} 个字", s[:40])
    if find_control(s, multiline=multiline):
        raise OrderError(name, "含有不可见的控制字符", s[:40])
    return s


def parse_time(value: Any) -> str:
    """A work order's time as ISO 8601 with zone (a time without zone is China time)."""
    if isinstance(value, dt.datetime):
        when = value
    elif isinstance(value, dt.date):
        when = dt.datetime.combine(value, dt.time())
    elif isinstance(value, str) and value.strip():
        s = value.strip().replace("/", "-").replace("T", " ")
        s = re.sub(r"^(\d{4})年(\d{1,2})月(\d{1,2})日", r"\1-\2-\3", s)
        m = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})(.*)$", s)
        if m:
            rest = re.sub(r"^\s*(\d{1,2}):(\d{2})", lambda t: f" {int(t.group(1)):02d}:{t.group(2)}", m.group(4))
            s = f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}{rest}"
        try:
            when = dt.datetime.fromisoformat(s)
        except ValueError:
            raise OrderError("called_at", "不是有效的时间（例：2026-11-03 09:30）", value) from None
    else:
        raise OrderError("called_at", "不能为空" if value in (None, "") else "不是有效的时间", value)
    if not 2000 <= when.year <= 2100:
        raise OrderError("called_at", "年份不对", value)
    when = when if when.tzinfo else when.replace(tzinfo=CHINA)
    return when.isoformat(timespec="seconds")


def parse_limit(value: Any) -> tuple[int | None, int | None]:
    """``(hours, days)`` of a time limit: ``24`` / ``"24小时"`` / ``"48h"`` are hours, ``"3天"`` /
    ``"5个工作日"`` / ``"2d"`` days; empty: no limit of its own (the kind's rule applies)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise OrderError("limit", "格式不正确（例：24小时、3天）", value)
    m = _LIMIT.match(str(value))
    if not m:
        raise OrderError("limit", "格式不正确（例：24小时、3天）", value)
    n, unit = int(m.group(1)), (m.group(2) or "小时").lower()
    if n <= 0:
        raise OrderError("limit", "必须大于 0", value)
    if "时" in unit or unit.startswith("h"):
        if n > 24 * 90:
            raise OrderError("limit", "不能超过 90 天", value)
        return n, None
    if n > 90:
        raise OrderError("limit", "不能超过 90 天", value)
    return None, n


def parse_order(values: Mapping[str, Any]) -> WorkOrder:
    """One work order from its fields (names of :data:`HEADERS`); raises :class:`OrderError`."""
    if not isinstance(values, Mapping):
        raise OrderError("number", "工单格式不正确")
    number = _str(values, "number", required=True, limit=64)
    if not _NUMBER.fullmatch(number):
        raise OrderError("number", "只能由字母、数字、- 和 _ 组成", number)
    hours, days = parse_limit(values.get("limit"))
    if values.get("limit_hours") is not None or values.get("limit_days") is not None:
        hours, days = parse_limit(values.get("limit_hours")) if values.get("limit_hours") is not None else (None, None)
        if values.get("limit_days") is not None:
            days = parse_limit(f"{values['limit_days']}天")[1] if not isinstance(values["limit_days"], bool) else None
            if days is None:
                raise OrderError("limit", "格式不正确", values["limit_days"])
    kind = "help"
    if values.get("kind") not in (None, ""):
        try:
            kind = code_for(ISSUE_KINDS, values["kind"])
        except ValidationError:
            raise OrderError("kind", "应为 求助、咨询、投诉 或 建议", values["kind"]) from None
    return WorkOrder(number=number, called_at=parse_time(values.get("called_at")),
                     caller_text=_str(values, "caller_text", required=True, limit=4000, multiline=True),
                     address=_str(values, "address", required=True, limit=300),
                     category=_str(values, "category", required=False, limit=64),
                     limit_hours=hours, limit_days=days, kind=kind)


@dataclass
class FileOrders:
    """What a file held: good orders with their row numbers, and the problems of the other rows."""

    orders: list[tuple[int, WorkOrder]] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)  # {row, column, value, reason}


def _header_map(header: list[Any]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, cell in enumerate(header):
        name = str(cell or "").strip().lower()
        for f, names in HEADERS.items():
            if name in (n.lower() for n in names) and f not in found:
                found[f] = i
    return found


def orders_from_rows(rows: list[list[Any]]) -> FileOrders:
    """Parse a sheet: the first non-empty row is the header; rows are numbered as the sheet shows
    them (the header is row 1 when it is the first row)."""
    out = FileOrders()
    start = next((i for i, r in enumerate(rows) if any(c not in (None, "") for c in r)), None)
    if start is None:
        out.problems.append({"row": 1, "column": None, "value": None, "reason": "文件是空的"})
        return out
    cols = _header_map(rows[start])
    missing = [LABELS[f] for f in ("number", "called_at", "caller_text", "address") if f not in cols]
    if missing:
        out.problems.append({"row": start + 1, "column": None, "value": None,
                             "reason": f"表头缺少列：{'、'.join(missing)}"})
        return out
    seen: dict[str, int] = {}
    for i in range(start + 1, len(rows)):
        cells = rows[i]
        if not any(c not in (None, "") for c in cells):
            continue
        if len(out.orders) + len(out.problems) >= MAX_ORDERS:
            out.problems.append({"row": i + 1, "column": None, "value": None,
                                 "reason": f"一次最多导入 {MAX_ORDERS} 张工单"})
            break
        values = {f: (cells[c] if c < len(cells) else None) for f, c in cols.items()}
        try:
            order = parse_order(values)
        except OrderError as exc:
            out.problems.append({"row": i + 1, "column": LABELS.get(exc.field, exc.field),
                                 "value": None if exc.value is None else str(exc.value)[:60], "reason": exc.message})
            continue
        if order.number in seen:
            out.problems.append({"row": i + 1, "column": LABELS["number"], "value": order.number,
                                 "reason": f"与第 {seen[order.number]} 行的工单编号重复"})
            continue
        seen[order.number] = i + 1
        out.orders.append((i + 1, order))
    return out


def read_orders(path: str | Path) -> FileOrders:
    """Read a .csv or .xlsx file of work orders (the ledger reader: encodings, zip-bomb checks)."""
    from ..ledger.reader import LedgerFileError, read_table  # noqa: PLC0415

    try:
        table = read_table(path)
    except LedgerFileError as exc:
        raise BadRequest(exc.message if hasattr(exc, "message") else str(exc), code="bad_file") from None
    return orders_from_rows(table.rows)


def read_orders_bytes(data: bytes, filename: str) -> FileOrders:
    """An uploaded file's orders (the console's upload form): ``filename``'s suffix says .csv or .xlsx."""
    import tempfile  # noqa: PLC0415

    suffix = Path(filename or "").suffix.lower()
    if suffix not in (".csv", ".txt", ".xlsx", ".xlsm"):
        raise BadRequest("请上传 .xlsx 或 .csv 文件", code="bad_file")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"orders{suffix}"
        path.write_bytes(data)
        return read_orders(path)


# --------------------------------------------------------------------------- matching (pure)
@dataclass(frozen=True)
class Place:
    """Something of a community the server knows by address: a household or a building."""

    community_id: str
    estate: str
    building: str = ""
    key: str | None = None  # a household's address_key
    household_id: str | None = None


@dataclass(frozen=True)
class Match:
    community_id: str | None
    household_id: str | None
    reason: str  # how it matched, or why not


def _norm(s: str | None) -> str:
    from ..domain.address import normalize_text  # noqa: PLC0415

    return normalize_text(s or "")


def _estate_in(place_estate: str, estate: str, whole: str) -> bool:
    """A known estate is the address's: the same, or its end ("无锡市梁溪区阳光花园" is 阳光花园), or,
    for an address with no building, written in it ("幸福里东门口")."""
    e = _norm(place_estate)
    if len(e) < 2:
        return e == estate and bool(e)
    return (estate == e or estate.endswith(e)) if estate else e in whole


def match_address(address: str, places: Iterable[Place], communities: Mapping[str, str] = {}) -> Match:  # noqa: B006
    """Which community an address is in (``communities``: id -> name, for names in the address)."""
    parts = parse_address(address)
    estate, building, whole = _norm(parts.estate), parts.building, _norm(address)
    tail = address_key(parts).split("|")[1:]  # building, unit, room
    places = [p for p in places if _estate_in(p.estate, estate, whole)]
    if building:
        exact = {(p.community_id, p.household_id) for p in places
                 if p.household_id and p.key and p.key.split("|")[1:] == tail}
        if len(exact) == 1:
            c, h = exact.pop()
            return Match(c, h, "门牌号一致")
        if exact and len({c for c, _ in exact}) == 1:
            return Match(next(iter(exact))[0], None, "门牌号一致")
        same_building = {p.community_id for p in places if p.building == building}
        if len(same_building) == 1:
            return Match(same_building.pop(), None, "小区和楼栋一致")
        if len(same_building) > 1:
            return Match(None, None, "该楼栋属于多个社区，请人工指派")
    # The longest estate name written wins ("阳光花园二期" over "阳光花园").
    longest = max((len(_norm(p.estate)) for p in places), default=0)
    same_estate = {p.community_id for p in places if len(_norm(p.estate)) == longest}
    if len(same_estate) == 1:
        return Match(same_estate.pop(), None, "小区一致")
    if len(same_estate) > 1:
        return Match(None, None, "该小区属于多个社区，请人工指派")
    named = {cid for cid, name in communities.items() if name and len(name) >= 2 and name in whole}
    if len(named) == 1:
        return Match(named.pop(), None, "地址中写明了社区")
    return Match(None, None, "地址未能匹配到社区，请人工指派" if not named else "地址中写明了多个社区，请人工指派")


# --------------------------------------------------------------------------- the query layer
def places_for(conn: Connection, address: str, scope: Iterable[str] | None = None) -> tuple[list[Place], dict[str, str]]:
    """The buildings and households of the estates the address names, and every community's name
    (within ``scope``, community ids, when given). Works the same on SQLite and PostgreSQL."""
    parts = parse_address(address)
    estate, whole = _norm(parts.estate), _norm(address)
    known = {(r[0], r[1]) for sql in ("SELECT DISTINCT community_id, estate FROM household WHERE deleted = :f",
                                      "SELECT DISTINCT community_id, estate FROM building WHERE deleted = :f")
             for r in conn.execute(text(sql), {"f": False}) if r[1]}
    allowed = set(scope) if scope is not None else None
    wanted = sorted({e for c, e in known if _estate_in(e, estate, whole) and (allowed is None or c in allowed)})
    places: list[Place] = [Place(c, e) for c, e in known if e in wanted and (allowed is None or c in allowed)]
    if wanted and parts.building:
        for e in wanted:
            for r in conn.execute(text(
                    "SELECT id, community_id, estate, building_no, address_key FROM household "
                    "WHERE estate = :e AND deleted = :f"), {"e": e, "f": False}).mappings():
                places.append(Place(r["community_id"], r["estate"] or "", str(r["building_no"] or ""),
                                    r["address_key"], r["id"]))
            for r in conn.execute(text("SELECT community_id, estate, building_no FROM building "
                                       "WHERE estate = :e AND deleted = :f"), {"e": e, "f": False}).mappings():
                places.append(Place(r["community_id"], r["estate"] or "", str(r["building_no"] or "")))
    communities = {r[0]: r[1] for r in conn.execute(text(
        "SELECT id, name FROM org_unit WHERE level = 'community' AND deleted = :f"), {"f": False})}
    if allowed is not None:
        places = [p for p in places if p.community_id in allowed]
        communities = {c: n for c, n in communities.items() if c in allowed}
    return places, communities


def _scope_communities(conn: Connection, user: User | None) -> list[str] | None:
    if user is None:
        return None
    ids = [r[0] for r in conn.execute(text("SELECT id FROM org_unit WHERE level = 'community' AND deleted = :f"),
                                      {"f": False})]
    return [c for c in ids if in_scope(conn, user, c)]


def _title(order: WorkOrder) -> str:
    words = " ".join(order.caller_text.split())
    head = order.category or (words[:30] + ("…" if len(words) > 30 else ""))
    return f"12345工单 {order.number}：{head}"[:200]


def create_case(conn: Connection, order: WorkOrder, community_id: str, household_id: str | None = None,
                *, user_id: str | None = None) -> str:
    """Write the case of a work order into a community's change log (the issue and its ``report``
    event, as a pushed change is written); returns the issue id."""
    try:
        category = code_for(ISSUE_CATEGORIES, order.category) if order.category else None
    except ValidationError:
        category = None  # a hotline category of its own: kept in the text and the payload
    now = now_iso()
    issue_ts, event_ts = TABLES["issue"], TABLES["issue_event"]
    first = take_seqs(conn, community_id, 2)
    iid, eid = new_id(), new_id()
    description = order.caller_text
    if order.category and not category:
        description = f"【{order.category}】{description}"
    issue = {c: None for c in issue_ts.columns}
    issue.update({f: issue_ts.defaults.get(f) for f in issue_ts.fields if f in issue_ts.defaults})
    issue.update(title=_title(order), description=description[:4000], category=category, kind=order.kind,
                 urgency="normal", household_id=household_id, address=order.address, source=SOURCE,
                 reported_at=order.called_at, reporter_name=None, reporter_phone=None)
    issue.update(id=iid, community_id=community_id, deleted=False,
                 versions=json.dumps({**{f: first for f in issue_ts.fields}, "deleted": first}),
                 updated_at=now, updated_by=user_id, updated_device=None, hlc=None)
    payload = {"kind": order.kind, "urgency": "normal", "work_order_no": order.number, "source": SOURCE,
               "called_at": order.called_at}
    if category:
        payload["category"] = category
    if order.category:
        payload["hotline_category"] = order.category
    if order.limit_hours is not None:
        payload["time_limit_hours"] = order.limit_hours
    if order.limit_days is not None:
        payload["time_limit_days"] = order.limit_days
    event = {c: None for c in event_ts.columns}
    event.update(issue_id=iid, action="report", at=now, actor_name=ACTOR, level=None, department=None,
                 note=f"12345热线工单 {order.number}", payload=json.dumps(payload, ensure_ascii=False))
    event.update(id=eid, community_id=community_id, created_at=now, created_by=user_id, device_id=None,
                 hlc=None, server_seq=first + 1)
    insert_rows(conn, "issue", [issue])
    insert_rows(conn, "issue_event", [event])
    conn.execute(text("INSERT INTO issue_event_received (event_id, issue_id, community_id, received_at) "
                      "VALUES (:e, :i, :c, :t)"), {"e": eid, "i": iid, "c": community_id, "t": now})
    logs = [{"c": community_id, "s": first, "t": "issue", "r": iid, "o": "insert",
             "f": json.dumps({**{f: issue[f] for f in issue_ts.fields}, "deleted": False}, ensure_ascii=False),
             "d": None, "u": user_id, "a": now},
            {"c": community_id, "s": first + 1, "t": "issue_event", "r": eid, "o": "append",
             "f": json.dumps({c: event[c] for c in event_ts.columns if c != "server_seq"}, ensure_ascii=False),
             "d": None, "u": user_id, "a": now}]
    conn.execute(text("INSERT INTO change_log (community_id, seq, table_name, row_id, op, fields, device_id, "
                      "user_id, at) VALUES (:c, :s, :t, :r, :o, :f, :d, :u, :a)"), logs)
    add_checksum(conn, community_id, row_hash("issue", issue) + row_hash("issue_event", event))
    return iid


def _order_row(conn: Connection, number: str) -> dict | None:
    row = conn.execute(text("SELECT * FROM hotline_order WHERE number = :n"), {"n": number}).mappings().first()
    return dict(row) if row else None


def _public(row: Mapping[str, Any], conn: Connection | None = None) -> dict[str, Any]:
    out = {k: row[k] for k in ("number", "received_at", "called_at", "caller_text", "address", "category",
                               "limit_hours", "limit_days", "status", "community_id", "issue_id", "match_reason",
                               "origin", "received_by", "assigned_at")}
    if conn is not None and row.get("community_id"):
        unit = conn.execute(text("SELECT code, name FROM org_unit WHERE id = :i"), {"i": row["community_id"]}).first()
        out.update(community_code=unit[0] if unit else None, community_name=unit[1] if unit else None)
    return out


def receive_order(conn: Connection, order: WorkOrder, *, origin: str, received_by: str | None = None,
                  user: User | None = None) -> dict[str, Any]:
    """Take one work order: matched, it becomes a case at once; unmatched, it waits. The same
    number again changes nothing and answers ``duplicate: True`` with what the first made.
    ``user``: an admin receiving orders for their subtree (matching looks only there); None: the
    hotline itself or the server's operator (the whole city)."""
    existing = _order_row(conn, order.number)
    if existing is not None:
        return {**_public(existing, conn), "duplicate": True}
    places, communities = places_for(conn, order.address, _scope_communities(conn, user))
    m = match_address(order.address, places, communities)
    now = now_iso()
    row = {"number": order.number, "received_at": now, "called_at": order.called_at,
           "caller_text": order.caller_text, "address": order.address, "category": order.category,
           "limit_hours": order.limit_hours, "limit_days": order.limit_days,
           "status": "matched" if m.community_id else "unmatched", "community_id": m.community_id,
           "issue_id": None, "match_reason": m.reason, "origin": origin, "received_by": received_by,
           "assigned_at": None}
    # The order's row first: a second request with the same number, at the same moment, fails
    # here (primary key) before it writes a case.
    conn.execute(text(f"INSERT INTO hotline_order ({', '.join(row)}) VALUES ({', '.join(':' + k for k in row)})"), row)
    if m.community_id:
        row["issue_id"] = create_case(conn, order, m.community_id, m.household_id,
                                      user_id=user.id if user is not None else None)
        conn.execute(text("UPDATE hotline_order SET issue_id = :i WHERE number = :n"),
                     {"i": row["issue_id"], "n": order.number})
    return {**_public(row, conn), "duplicate": False}


def receive_orders(sdb, orders: Iterable[WorkOrder], *, origin: str, received_by: str | None = None,
                   user: User | None = None) -> list[dict[str, Any]]:
    """Each order in its own transaction (one bad order does not undo the others); a number taken
    meanwhile by another request answers as a duplicate."""
    out = []
    for order in orders:
        try:
            with sdb.write() as conn:
                out.append(receive_order(conn, order, origin=origin, received_by=received_by, user=user))
        except IntegrityError:
            with sdb.read() as conn:
                existing = _order_row(conn, order.number)
            if existing is None:
                raise
            out.append({**_public(existing), "duplicate": True})
    return out


def unmatched(conn: Connection, user: User | None = None, limit: int = 500) -> list[dict[str, Any]]:
    """Orders waiting for a person to assign them, oldest first (an admin sees those they received)."""
    sql = "SELECT * FROM hotline_order WHERE status = 'unmatched'"
    params: dict[str, Any] = {"n": limit}
    if user is not None:
        sql += " AND received_by = :u"
        params["u"] = user.username
    rows = conn.execute(text(sql + " ORDER BY received_at, number LIMIT :n"), params).mappings().all()
    return [_public(r) for r in rows]


def assign_order(conn: Connection, number: str, community: str, user: User | None = None) -> dict[str, Any]:
    """Give an unmatched order to a community (code or id; a grid names its community): its case is
    written then. An admin assigns only orders they received, to communities of their subtree."""
    row = conn.execute(text("SELECT * FROM hotline_order WHERE number = :n" + (
        " FOR UPDATE" if conn.dialect.name == "postgresql" else "")), {"n": number}).mappings().first()
    if row is None or (user is not None and row["received_by"] != user.username):
        raise NotFound(f"找不到工单 {number}", code="order_not_found")
    unit = org_by_code_or_id(conn, community)
    target = community_of(conn, unit["id"]) if unit else None
    if target is None or (user is not None and not in_scope(conn, user, target)):
        raise NotFound("找不到该社区或不在您的管辖范围内", code="community_not_found")
    if row["status"] != "unmatched":
        raise BadRequest(f"工单 {number} 已派到社区，不能再指派", code="already_assigned")
    order = WorkOrder(number=row["number"], called_at=row["called_at"], caller_text=row["caller_text"],
                      address=row["address"], category=row["category"], limit_hours=row["limit_hours"],
                      limit_days=row["limit_days"])
    iid = create_case(conn, order, target, None, user_id=user.id if user is not None else None)
    now = now_iso()
    conn.execute(text("UPDATE hotline_order SET status = 'matched', community_id = :c, issue_id = :i, "
                      "match_reason = :r, assigned_at = :t WHERE number = :n"),
                 {"c": target, "i": iid, "r": "人工指派" + (f"（{user.username}）" if user else ""), "t": now, "n": number})
    return _public(_order_row(conn, number), conn)


def order_of_issue(conn: Connection, issue_id: str) -> dict[str, Any] | None:
    """The work order a case came from (None for a case reported on a laptop)."""
    row = conn.execute(text("SELECT * FROM hotline_order WHERE issue_id = :i"), {"i": issue_id}).mappings().first()
    return _public(row) if row else None


# --------------------------------------------------------------------------- the hotline's token
def new_hotline_token(conn: Connection, by: str | None = None) -> str:
    """A new API token for the hotline system (shown once; only its SHA-256 is kept; the old one
    stops working)."""
    token = secrets.token_urlsafe(32)
    digest = hashlib.sha256(token.encode()).hexdigest()
    now = now_iso()
    if conn.execute(text("UPDATE server_setting SET value = :v, updated_at = :t, updated_by = :b WHERE key = :k"),
                    {"v": json.dumps(digest), "t": now, "b": by, "k": TOKEN_SETTING}).rowcount == 0:
        conn.execute(text("INSERT INTO server_setting (key, value, updated_at, updated_by) VALUES (:k, :v, :t, :b)"),
                     {"v": json.dumps(digest), "t": now, "b": by, "k": TOKEN_SETTING})
    return token


def is_hotline_token(conn: Connection, token: str | None) -> bool:
    if not token:
        return False
    stored = conn.execute(text("SELECT value FROM server_setting WHERE key = :k"), {"k": TOKEN_SETTING}).scalar()
    if not stored:
        return False
    return hmac.compare_digest(json.loads(stored), hashlib.sha256(token.encode()).hexdigest())


__all__ = ["FileOrders", "Match", "OrderError", "Place", "WorkOrder", "assign_order", "create_case",
           "is_hotline_token", "match_address", "new_hotline_token", "order_of_issue", "orders_from_rows",
           "parse_limit", "parse_order", "parse_time", "places_for", "read_orders", "read_orders_bytes", "receive_order",
           "receive_orders", "unmatched"]
