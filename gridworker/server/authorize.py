"""Whether one pushed entry may be applied: the acting user, their role, the community's scope.

Called once per entry by :mod:`.push` before anything of it is written; raises :class:`Rejected`
(a ``rejected`` result with a code and a Chinese reason the laptop shows; the batch goes on).

In order:
1. the acting user is active and the device's community is in their scope (an admin acts only
   within their org subtree);
2. the permission table (``domain/permissions.py``): role × table × operation × field, the
   issue-event action, the points kind;
3. the row itself: another community's row does not exist; an ``insert`` on an existing id is
   refused (``id_taken``), never turned into an update;
4. every id the entry names (parent, grid, building, household, ballot, issue, member…) must be a
   row of the device's community, answered ``not_found`` like an id that exists nowhere; an org unit
   is never moved out of the community (nor under itself);
5. the fields: control and bidi characters, codes, ID numbers, phones, dates, exactly as the laptop
   checks them (``store/validate.py`` without its look-ups), and the points rule for ``earn``;
6. when something happened (a visit, a case step, a vote…) is not later than the server's clock.
"""
from __future__ import annotations

import datetime as dt
import json
from typing import Any, Mapping

from sqlalchemy import Connection, text

from ..domain import permissions as perm
from ..domain import service as service_rules
from ..domain.clock import EVENT_TIMES
from ..domain.errors import GridworkerError, ValidationError
from ..domain.points import credit, to_decimal
from ..store.tables import TABLES
from ..store.validate import check_fields
from .auth import User, in_scope


class Rejected(Exception):
    """One entry refused: ``code`` (forbidden / not_found / id_taken / invalid / bad_base …) and a reason."""

    def __init__(self, code: str, reason: str):
        self.code = code
        self.reason = reason
        super().__init__(reason)


# table -> field -> the table the id names (contact_link.to_id depends on the link's kind).
REFERENCES: dict[str, dict[str, str]] = {
    "org_unit": {"parent_id": "org_unit"},
    "building": {"grid_id": "org_unit"},
    "household": {"grid_id": "org_unit", "building_id": "building"},
    "resident": {"household_id": "household"},
    "party_member": {"household_id": "household", "resident_id": "resident"},
    "contact_link": {"from_id": "party_member"},
    "ballot_option": {"ballot_id": "ballot", "household_id": "household"},
    "service_team": {"leader_member_id": "party_member"},
    "service_need": {"household_id": "household", "visit_id": "visit", "claimed_member_id": "party_member",
                     "claimed_team_id": "service_team"},
    "service_record": {"member_id": "party_member", "team_id": "service_team", "need_id": "service_need"},
    "issue": {"household_id": "household", "visit_id": "visit"},
    "visit": {"household_id": "household", "party_member_id": "party_member", "issue_id": "issue",
              "voids_id": "visit"},
    "vote": {"ballot_id": "ballot", "household_id": "household", "option_id": "ballot_option", "voids_id": "vote"},
    "issue_event": {"issue_id": "issue"},
    "points_ledger": {"member_id": "party_member", "voids_id": "points_ledger", "record_id": "service_record"},
    "meeting_item": {"meeting_id": "meeting", "item_id": "meeting_item", "ballot_id": "ballot"},
}
# Entry fields that are sync metadata, not data a role writes.
_META = frozenset({"community_id", "created_at", "created_by", "device_id"})

NOT_FOUND = "引用的记录不存在或不属于本社区"
ID_TAKEN = "该编号的记录已存在，不能再新增；本机的这条新增未生效，请同步后在已有记录上修改"


def authorize_entry(conn_or_batch: Any, user: User, community_id: str, entry: Any,
                    existing_row: Mapping | None) -> None:
    """Raise :class:`Rejected` unless ``user`` may apply ``entry`` in ``community_id``.

    ``conn_or_batch``: a Connection, or push's Batch (its ``conn``, and its ``rows`` so that rows
    written earlier in the same push count as existing). ``existing_row``: the row with the entry's
    id as the server holds it (any community), or None.
    """
    conn: Connection = getattr(conn_or_batch, "conn", conn_or_batch)
    pending: Mapping = getattr(conn_or_batch, "rows", {})
    table, op = entry.table, entry.op
    fields = entry.fields if isinstance(entry.fields, dict) else {}
    if not user.active or user.role not in perm.LAPTOP_ROLES:
        raise Rejected("forbidden", "账号已停用或角色无权修改数据")
    # One answer per (user, community) for a whole push: walking the org tree per entry was most of
    # a push's time (issue #18); nothing in one push can move a community (_check_org_unit).
    cache = getattr(conn_or_batch, "scope_cache", None)
    key = (user.id, user.role, user.org_id, community_id)
    allowed = cache.get(key) if cache is not None else None
    if allowed is None:
        allowed = in_scope(conn, user, community_id)
        if cache is not None:
            cache[key] = allowed
    if not allowed:
        raise Rejected("forbidden", "本社区不在您的管辖范围内")
    written = set(fields) - _META if op in ("insert", "update", "append") else set()
    try:
        perm.check_write(user.role, table, op, written)
        if table == "issue_event":
            perm.check_issue_action(user.role, str(fields.get("action")))
        elif table == "points_ledger":
            perm.check_points(user.role, str(fields.get("kind")))
    except perm.PermissionDenied as exc:
        raise Rejected("forbidden", exc.message) from None
    if existing_row is not None and existing_row.get("community_id") != community_id:
        # Another community's row: answer as if it did not exist (ids tell nothing across scopes).
        if op in ("insert", "append"):
            raise Rejected("id_taken", ID_TAKEN)
        raise Rejected("not_found", "该记录不存在或不属于本社区")
    if op == "insert" and existing_row is not None:
        raise Rejected("id_taken", ID_TAKEN)
    current = dict(existing_row) if existing_row is not None and op == "update" else None
    known: Mapping | None = getattr(conn_or_batch, "communities", None)
    _check_references(conn, pending, community_id, table, entry.row_id, fields, current, known)
    if table == "org_unit" and op in ("insert", "update"):
        _check_org_unit(conn, pending, community_id, entry.row_id, fields, current)
    if table == "org_unit" and op == "delete" and entry.row_id == community_id:
        raise Rejected("forbidden", "社区本身不能删除")
    if user.role == perm.PARTY_MEMBER and table == "visit":
        claimed = fields.get("party_member_id")
        if claimed not in (None, "") and claimed != user.party_member_id:
            # Credited by id (issue #14): a member logs visits in their own name only.
            raise Rejected("forbidden", "联户党员只能以本人名义登记走访")
    if user.role == perm.PARTY_MEMBER and table == "service_record" and fields.get("member_id") != user.party_member_id:
        # 三报到三服务: a member records their own service; the grid worker enters others' from a sheet.
        raise Rejected("forbidden", "联户党员只能登记本人的服务记录")
    if user.role == perm.PARTY_MEMBER and table == "service_need":
        # A claim names the member themselves (a re-claim may carry only its new time).
        if ("claimed_member_id" in fields and fields["claimed_member_id"] != user.party_member_id) or \
                fields.get("status", "claimed") != "claimed" or \
                (existing_row is not None and existing_row.get("claimed_member_id") not in (None, user.party_member_id)
                 and "claimed_member_id" not in fields):
            raise Rejected("forbidden", "联户党员只能以本人名义认领服务需求")
    if op in ("insert", "update", "append"):
        _check_fields(table, fields, current)
        _check_times(table, fields)
    if table == "points_ledger":
        _check_points(fields)
        if fields.get("kind") == "earn":
            _check_earn(conn, pending, community_id, entry.row_id, fields)


# --------------------------------------------------------------------------- ids inside the entry
def _community_of_row(conn: Connection, pending: Mapping, table: str, row_id: str, community_id: str,
                      known: Mapping | None = None) -> str | None:
    """The community of a row; a row this same push creates (later in it) counts as the community's:
    a laptop writes an issue naming the visit it appends next in one transaction. ``known``: the
    communities the push read for its entries' references at the start (None: no such row)."""
    if (table, row_id) in pending:
        row = pending[(table, row_id)]
        return row["community_id"] if row is not None else community_id
    if known is not None and (table, row_id) in known:
        return known[(table, row_id)]
    return conn.execute(text(f"SELECT community_id FROM {table} WHERE id = :i"), {"i": row_id}).scalar()


def _check_references(conn: Connection, pending: Mapping, community_id: str, table: str, row_id: str,
                      fields: Mapping, current: Mapping | None, known: Mapping | None = None) -> None:
    refs = dict(REFERENCES.get(table, {}))
    if table == "contact_link":
        kind = fields.get("kind", (current or {}).get("kind"))
        refs["to_id"] = "party_member" if kind == "central_member" else "household"
    if table == "meeting" and isinstance(fields.get("attendees"), str):
        # The attendee list names households too: each must be one of this community's.
        try:
            people = json.loads(fields["attendees"])
        except ValueError:
            people = []  # the field rules refuse it
        for p in people if isinstance(people, list) else []:
            hid = p.get("household_id") if isinstance(p, dict) else None
            if isinstance(hid, str) and hid and _community_of_row(conn, pending, "household", hid, community_id) != community_id:
                raise Rejected("not_found", f"attendees: {NOT_FOUND}")
    if table == "service_team":
        # A team's members and the households it serves: each one of this community's.
        for name, target in (("members", "party_member"), ("households", "household")):
            raw = fields.get(name)
            try:
                ids = json.loads(raw) if isinstance(raw, str) else []
            except ValueError:
                ids = []  # the field rules refuse it
            for i in ids if isinstance(ids, list) else []:
                if isinstance(i, str) and i and _community_of_row(conn, pending, target, i, community_id) != community_id:
                    raise Rejected("not_found", f"{name}: {NOT_FOUND}")
    for name, target in refs.items():
        value = fields.get(name)
        if not isinstance(value, str) or not value:
            continue  # absent or cleared; a wrong type is refused by the field checks
        if _community_of_row(conn, pending, target, value, community_id, known) != community_id:
            raise Rejected("not_found", f"{name}: {NOT_FOUND}")


def _check_org_unit(conn: Connection, pending: Mapping, community_id: str, row_id: str, fields: Mapping,
                    current: Mapping | None) -> None:
    """Units below the community are grids under it; the community's own row keeps its place."""
    if row_id == community_id:
        for name in ("parent_id", "level"):
            if name in fields and fields[name] != (current or {}).get(name):
                raise Rejected("forbidden", "社区本身在组织架构中的位置和层级只能由服务器管理员调整")
        return
    if current is None and not fields.get("parent_id"):
        raise Rejected("invalid", "parent_id: 新的网格必须属于本社区")
    if "parent_id" in fields and not fields["parent_id"]:
        raise Rejected("invalid", "parent_id: 网格必须属于本社区")
    level = fields.get("level", (current or {}).get("level"))
    if level != "grid":
        raise Rejected("forbidden", "level: 社区管理员只能新增或修改网格")
    parent = fields.get("parent_id")
    seen = {row_id}
    while isinstance(parent, str) and parent != community_id:
        if parent in seen or len(seen) > 16:
            raise Rejected("invalid", "parent_id: 上级不能是本单位或其下级")
        seen.add(parent)
        if ("org_unit", parent) in pending and pending[("org_unit", parent)] is not None:
            parent = pending[("org_unit", parent)].get("parent_id")
        else:
            parent = conn.execute(text("SELECT parent_id FROM org_unit WHERE id = :i"), {"i": parent}).scalar()
    code = fields.get("code")
    if isinstance(code, str) and code:
        # A code is how people name a unit when they enrol: two units must never share one.
        other = conn.execute(text("SELECT 1 FROM org_unit WHERE code = :c AND id <> :i"),
                             {"c": code, "i": row_id}).first()
        if other is not None:
            raise Rejected("invalid", "code: 该组织代码已被使用")


# --------------------------------------------------------------------------- the fields themselves
def _check_fields(table: str, fields: Mapping, current: Mapping | None) -> None:
    values = {k: v for k, v in fields.items() if k in TABLES[table].fields}
    try:
        check_fields(table, values, current)
    except ValidationError as exc:
        raise Rejected("invalid", f"{exc.field}: {exc.message}") from None
    except (GridworkerError, ValueError, TypeError, AttributeError) as exc:
        raise Rejected("invalid", f"字段格式不正确：{type(exc).__name__}") from None


# When something happened, as the laptop says (domain.clock.EVENT_TIMES, already moved onto the
# server's clock when the laptop's clock was off: push.py): never later than the server's clock
# allows. A laptop whose clock runs a year ahead would otherwise keep a household off the overdue
# list for a year.
FUTURE_SLACK = dt.timedelta(hours=12)  # time zones and a laptop clock a little fast


def _check_times(table: str, fields: Mapping, now: dt.datetime | None = None) -> None:
    now = now or dt.datetime.now(dt.timezone.utc)
    for name in EVENT_TIMES.get(table, ()):
        value = fields.get(name)
        if not isinstance(value, str) or not value:
            continue
        try:
            when = dt.datetime.fromisoformat(value)
        except ValueError:
            continue  # the field rules answer a malformed time
        when = when if when.tzinfo else when.replace(tzinfo=dt.timezone(dt.timedelta(hours=8)))
        if when > now + FUTURE_SLACK:
            raise Rejected("future", f"{name}: 时间（{value}）晚于服务器的当前时间，本机时钟可能不准；"
                                     "请校准本机日期时间后重新录入")


def _check_earn(conn: Connection, pending: Mapping, community_id: str, row_id: str, fields: Mapping) -> None:
    """Points are earned only for an approved service record, once, for that record's hours: two
    laptops approving the same record write the same entry id (domain/service.py earn_id); an
    entry under any other id for a record already credited is a double."""
    record_id = fields.get("record_id")
    if not isinstance(record_id, str) or not record_id:
        raise Rejected("invalid", "record_id: 获得积分必须对应一条已审核的服务记录")
    if row_id != service_rules.earn_id(record_id):
        raise Rejected("invalid", "record_id: 积分记录编号与服务记录不符")
    if ("service_record", record_id) in pending and pending[("service_record", record_id)] is not None:
        record = pending[("service_record", record_id)]
    else:
        found = conn.execute(text("SELECT * FROM service_record WHERE id = :i AND community_id = :c"),
                             {"i": record_id, "c": community_id}).mappings().first()
        record = dict(found) if found else None
    if record is None or record.get("deleted"):
        raise Rejected("not_found", f"record_id: {NOT_FOUND}")
    if record.get("approval") != "approved":
        raise Rejected("forbidden", "服务记录尚未审核通过，不能计入积分")
    try:
        same_hours = to_decimal(fields.get("hours"), "hours") == to_decimal(record.get("hours") or "0", "hours")
    except ValidationError:
        same_hours = False
    if record.get("member_id") != fields.get("member_id") or not same_hours:
        raise Rejected("invalid", "获得积分的党员或时长与服务记录不符")
    if to_decimal(fields.get("points"), "points") != service_rules.points_for(record):
        raise Rejected("invalid", f"points: 这条服务记录应计 {service_rules.points_for(record).normalize()} 分")


def _check_points(fields: Mapping) -> None:
    """Every amount is an exact positive number; ``earn`` at most the credit of its hours (≤ 2 h × 1)."""
    try:
        points = to_decimal(fields.get("points"), "points")
        if points <= 0:
            raise ValidationError("points", fields.get("points"), "amount_invalid", "积分必须大于零")
        if fields.get("kind") == "earn":
            if fields.get("hours") is None:
                raise ValidationError("hours", None, "required", "获得积分必须填写服务时长")
            allowed = credit(fields.get("hours"))
            if points > allowed:
                raise ValidationError("points", fields.get("points"), "too_many",
                                      f"每次活动最多计 2 小时、每小时 1 分：本次最多 {allowed.normalize()} 分")
    except ValidationError as exc:
        raise Rejected("invalid", f"{exc.field}: {exc.message}") from None

