"""Field rules applied by the unit of work before anything is written.

Each normaliser takes the incoming values (only the fields being set), the current row (None on
insert) and the unit of work (for look-ups), and returns the values to store. It raises
ValidationError naming the field and the value; nothing is written then. Before any table's
rules, every text value (and every string inside a dict or list, such as an event's payload) is
refused if it holds a control or bidi character (:func:`gridworker.domain.text.check_text`).

The same rules without a unit of work (``uow=None``) are the pure per-field checks: codes, ID
number checksums, phone formats, dates, tags, lengths. :func:`check_fields` runs them that way
(the sync server validates pushed fields with it); checks that read other rows or depend on the
moment of entry (a visit in the future, a ballot already open) run only with a unit of work.
"""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Mapping

from ..domain import codes, community_rules, meetings
from ..domain import service as service_rules
from ..domain.address import address_key, normalize_text, parse_address
from ..domain.errors import RuleViolation, ValidationError
from ..domain.idcard import normalize_id_number, parse_id_number
from ..domain.phone import normalize_phone
from ..domain.text import check_value

# Household-level tags besides the care tags of its members.
HOUSEHOLD_TAGS = ("党员户", "出租户", "空置户", "军属户", "五好家庭", "星级文明户", "重点关注")

Normaliser = Callable[[dict, "Mapping | None", Any], dict]
_RULES: dict[str, Normaliser] = {}


def rule(table: str):
    def register(fn: Normaliser) -> Normaliser:
        _RULES[table] = fn
        return fn
    return register


def normalise(table: str, values: dict, current: Mapping | None, uow) -> dict:
    values = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items()}
    values = {k: (None if v == "" else v) for k, v in values.items()}
    for k, v in values.items():
        check_value(k, v)  # control and bidi characters: refused in every text field (domain/text.py)
    fn = _RULES.get(table)
    return fn(values, current, uow) if fn else values


def check_fields(table: str, values: dict, current: Mapping | None = None) -> dict:
    """The pure field rules of ``table`` on ``values`` (no database, no clock); ValidationError if refused.

    ``current`` is the row being updated (None on insert). Returns the normalised values.
    """
    return normalise(table, dict(values), current, None)


# --------------------------------------------------------------------------- field helpers
def _text(values: dict, field: str, max_len: int) -> None:
    v = values.get(field)
    if v is None:
        return
    if not isinstance(v, str):
        v = str(v)
    if len(v) > max_len:
        raise ValidationError(field, v, "too_long", f"长度不能超过{max_len}个字")
    values[field] = v


def _phone(values: dict, field: str = "phone") -> None:
    if field in values:
        values[field] = normalize_phone(values[field], field=field) or None


def _code(values: dict, field: str, codelist: Mapping[str, str]) -> None:
    v = values.get(field)
    if v is not None:
        try:
            values[field] = codes.code_for(codelist, str(v))
        except ValidationError as exc:
            raise ValidationError(field, v, exc.code, exc.message) from None


def _tags(values: dict, field: str, allowed: tuple[str, ...]) -> None:
    if field not in values:
        return
    v = values[field]
    if v is None:
        values[field] = "[]"
        return
    if isinstance(v, str):
        try:
            v = json.loads(v) if v.startswith("[") else [t for t in v.replace("，", ",").replace("、", ",").split(",")]
        except json.JSONDecodeError:
            raise ValidationError(field, v, "bad_tags", "标签格式不对") from None
    out: list[str] = []
    for t in v:
        t = str(t).strip()
        if not t:
            continue
        if t not in allowed:
            raise ValidationError(field, t, "unknown_tag", f"不是可用的标签，可选：{'、'.join(allowed)}")
        if t not in out:
            out.append(t)
    values[field] = json.dumps(out, ensure_ascii=False)


def _date(values: dict, field: str) -> None:
    v = values.get(field)
    if v is None:
        return
    if isinstance(v, dt.datetime):
        v = v.date()
    if isinstance(v, dt.date):
        values[field] = v.isoformat()
        return
    try:
        values[field] = dt.date.fromisoformat(str(v)).isoformat()
    except ValueError:
        raise ValidationError(field, v, "bad_date", "日期格式应为 年-月-日，如 2024-05-01") from None


def _datetime(values: dict, field: str) -> None:
    v = values.get(field)
    if v is None:
        return
    if isinstance(v, dt.datetime):
        if v.tzinfo is None:
            v = v.astimezone()
        values[field] = v.isoformat(timespec="seconds")
        return
    try:
        parsed = dt.datetime.fromisoformat(str(v))
    except ValueError:
        raise ValidationError(field, v, "bad_datetime", "时间格式不对，应如 2024-05-01T09:30") from None
    if parsed.tzinfo is None:
        parsed = parsed.astimezone()
    values[field] = parsed.isoformat(timespec="seconds")


def _decimal(values: dict, field: str, *, places: int = 2) -> None:
    v = values.get(field)
    if v is None:
        return
    try:
        d = Decimal(str(v).replace("㎡", "").replace("平方米", "").strip())
    except InvalidOperation:
        raise ValidationError(field, v, "bad_number", "应为数字") from None
    if d < 0 or d > Decimal("100000"):
        raise ValidationError(field, v, "out_of_range", "数值超出合理范围")
    values[field] = str(d.quantize(Decimal(1).scaleb(-places)))


def _choice(values: dict, field: str, allowed: tuple[str, ...] | Mapping[str, str]) -> None:
    v = values.get(field)
    if v is not None and v not in allowed:
        raise ValidationError(field, v, "bad_choice", f"可选值：{'、'.join(allowed)}")


def _int_range(values: dict, field: str, low: int, high: int) -> None:
    v = values.get(field)
    if v is None:
        return
    try:
        n = int(v)
    except (TypeError, ValueError):
        raise ValidationError(field, v, "bad_number", "应为整数") from None
    if isinstance(v, bool) or not low <= n <= high:
        raise ValidationError(field, v, "out_of_range", f"应在 {low} 到 {high} 之间")
    values[field] = n


def _id_list(values: dict, field: str, uow, table: str, label: str) -> None:
    """A JSON list of ids of ``table`` (each must exist on this laptop), stored as JSON text."""
    if field not in values:
        return
    raw = values[field]
    try:
        ids = json.loads(raw) if isinstance(raw, str) else (raw or [])
    except ValueError:
        ids = None
    if not isinstance(ids, list) or len(ids) > 5000 or not all(isinstance(i, str) and 0 < len(i) <= 36 for i in ids):
        raise ValidationError(field, None, "bad_list", f"{label}格式不对（编号的列表）")
    out = list(dict.fromkeys(ids))
    if uow is not None:
        for i in out:
            uow.require(table, i, field)
    values[field] = json.dumps(out)


def _exists(uow, table: str, values: dict, field: str) -> dict | None:
    v = values.get(field)
    if v is None or uow is None:
        return None
    return uow.require(table, v, field)


# --------------------------------------------------------------------------- tables
@rule("org_unit")
def _org_unit(values, current, uow):
    _text(values, "name", 100)
    _choice(values, "level", codes.ORG_LEVELS)
    _text(values, "secretary", 50)
    if "settings" in values:
        level = values.get("level", (current or {}).get("level"))
        if values["settings"] is not None and level != "community":
            raise ValidationError("settings", None, "bad_settings", "只有社区才有社区设置")
        values["settings"] = community_rules.dumps(community_rules.parse(values["settings"]))
    return values


@rule("building")
def _building(values, current, uow):
    for f in ("estate", "building_no"):
        if values.get(f) is not None:
            values[f] = normalize_text(str(values[f]))
    _text(values, "estate", 100)
    return values


@rule("household")
def _household(values, current, uow):
    if values.get("address") is not None or any(values.get(f) for f in ("estate", "building_no", "unit", "room")):
        merged = {f: (values[f] if f in values else (current or {}).get(f))
                  for f in ("address", "estate", "building_no", "unit", "room")}
        text = normalize_text(str(merged["address"] or ""))
        parts = parse_address(text) if text else None
        for f, pf in (("estate", "estate"), ("building_no", "building"), ("unit", "unit"), ("room", "room")):
            if merged[f] is None and parts is not None and getattr(parts, pf):
                values[f] = getattr(parts, pf)
                merged[f] = values[f]
        if not text:
            text = "".join(
                s for s in (merged["estate"], merged["building_no"] and f"{merged['building_no']}幢",
                            merged["unit"] and f"{merged['unit']}单元", merged["room"] and f"{merged['room']}室") if s)
        if not text:
            raise ValidationError("address", values.get("address"), "required", "地址不能为空")
        values["address"] = text
        if parts is not None and parts.floor is not None and "floor" not in values:
            values["floor"] = parts.floor
        values["address_key"] = address_key(parse_address(text))
    _text(values, "address", 300)
    _text(values, "head_name", 50)
    _phone(values)
    _choice(values, "tenure", codes.TENURE)
    _choice(values, "residence_status", codes.RESIDENCE_STATUS)
    _choice(values, "attention_level", codes.ATTENTION_LEVELS)
    _decimal(values, "area_m2")
    _tags(values, "tags", tuple(codes.CARE_TAGS) + HOUSEHOLD_TAGS)
    if values.get("civility_stars") is not None:
        values["civility_stars"] = service_rules.check_stars(values["civility_stars"])
    _int_range(values, "civility_year", 2000, 2100)
    _exists(uow, "building", values, "building_id")
    _exists(uow, "org_unit", values, "grid_id")
    return values


@rule("resident")
def _resident(values, current, uow):
    _text(values, "name", 50)
    if "name" in values and values["name"] is None:
        raise ValidationError("name", None, "required", "姓名不能为空")
    if values.get("id_number") is not None:
        values["id_number"] = normalize_id_number(str(values["id_number"]))
        info = parse_id_number(values["id_number"])
        birth = info.birth_date.isoformat()
        if values.get("birth_date") is None and not (current or {}).get("birth_date"):
            values["birth_date"] = birth
        if values.get("gender") is None and not (current or {}).get("gender"):
            values["gender"] = info.sex
        _date(values, "birth_date")
        if values.get("birth_date") and values["birth_date"] != birth:
            raise ValidationError("birth_date", values["birth_date"], "id_mismatch",
                                  f"与身份证号中的出生日期 {birth} 不一致")
        _code(values, "gender", codes.GENDER)
        if values.get("gender") in ("1", "2") and values["gender"] != info.sex:
            raise ValidationError("gender", values["gender"], "id_mismatch", "与身份证号中的性别不一致")
    _date(values, "birth_date")
    _code(values, "gender", codes.GENDER)
    _code(values, "marital", codes.MARITAL)
    _code(values, "relation", codes.RELATION)
    _phone(values)
    _tags(values, "tags", tuple(codes.CARE_TAGS))
    _tags(values, "sensitive_tags", tuple(codes.SPECIAL_TAGS))
    if current is None and values.get("household_id") is None:
        raise ValidationError("household_id", None, "required", "必须指定所属户")
    _exists(uow, "household", values, "household_id")
    return values


@rule("party_member")
def _party_member(values, current, uow):
    _text(values, "name", 50)
    _phone(values)
    _date(values, "joined_on")
    _date(values, "reported_on")
    _date(values, "left_on")
    _text(values, "workplace", 100)
    _exists(uow, "org_unit", values, "branch_id")
    _exists(uow, "resident", values, "resident_id")
    _exists(uow, "household", values, "household_id")
    return values


@rule("contact_link")
def _contact_link(values, current, uow):
    from ..domain.contacts import check_new_link  # noqa: PLC0415

    _choice(values, "kind", ("central_member", "member_household"))
    _date(values, "start_date")
    _date(values, "end_date")
    kind = values.get("kind", (current or {}).get("kind"))
    from_id = values.get("from_id", (current or {}).get("from_id"))
    to_id = values.get("to_id", (current or {}).get("to_id"))
    becoming_active = values.get("active", True if current is None else None) and not (current or {}).get("active")
    if becoming_active and kind and from_id and to_id and uow is not None:
        uow.require("party_member", from_id, "from_id")
        uow.require("party_member" if kind == "central_member" else "household", to_id, "to_id")
        links = uow.query(
            "SELECT kind, from_id, to_id, active FROM contact_link WHERE active = 1 AND deleted = 0 "
            "AND kind = ? AND to_id = ?", (kind, to_id))
        try:
            check_new_link([(r["kind"], r["from_id"], r["to_id"], bool(r["active"])) for r in links],
                           kind, from_id, to_id)
        except RuleViolation as exc:
            raise ValidationError("to_id", to_id, exc.code, exc.message) from None
    return values


@rule("ballot")
def _ballot(values, current, uow):
    _text(values, "title", 200)
    _choice(values, "scope_kind", ("building", "estate", "community"))
    _choice(values, "rule", ("residents_meeting", "art278_ordinary", "art278_major"))
    for f in ("opens_at", "closes_at", "closed_at"):
        _datetime(values, f)
    if uow is not None and current is not None and current.get("opens_at"):
        opened = dt.datetime.fromisoformat(current["opens_at"]) <= dt.datetime.now().astimezone()
        structural = set(values) & {"title", "description", "scope_kind", "scope_ref", "rule", "opens_at"}
        if opened and structural:
            field = sorted(structural)[0]
            raise ValidationError(field, values[field], "ballot_open", "表决已开始，不能再修改题目、范围或规则")
    return values


@rule("ballot_option")
def _ballot_option(values, current, uow):
    _choice(values, "meaning", ("yes", "no", "abstain", "choice"))
    _exists(uow, "ballot", values, "ballot_id")
    _exists(uow, "household", values, "household_id")
    return values


@rule("meeting")
def _meeting(values, current, uow):
    _choice(values, "kind", meetings.MEETING_KINDS)
    _text(values, "topic", 200)
    if current is None and not (values.get("topic") or "").strip():
        raise ValidationError("topic", values.get("topic"), "required", "请写明议题")
    _text(values, "place", 100)
    _text(values, "convener", 50)
    _datetime(values, "held_at")
    if "attendees" in values:
        raw = values["attendees"]
        try:
            people = json.loads(raw) if isinstance(raw, str) else raw
        except ValueError:
            people = None
        if not isinstance(people, list) or len(people) > 2000 or not all(
                isinstance(p, dict) and set(p) <= {"household_id", "unit", "name"} and
                all(isinstance(v, str) and len(v) <= 100 for v in p.values()) for p in people):
            raise ValidationError("attendees", None, "bad_attendees", "参会名单格式不对（住户或单位的列表）")
        for p in people:
            if p.get("household_id") and uow is not None:
                uow.require("household", p["household_id"], "attendees")
        values["attendees"] = json.dumps(people, ensure_ascii=False)
    return values


@rule("meeting_item")
def _meeting_item(values, current, uow):
    _choice(values, "kind", meetings.ITEM_KINDS)
    _choice(values, "decision_kind", meetings.DECISION_KINDS)
    _text(values, "owner", 50)
    _date(values, "deadline")
    _datetime(values, "at")
    _exists(uow, "meeting", values, "meeting_id")
    _exists(uow, "ballot", values, "ballot_id")
    if values.get("kind") == "decision":
        meetings.check_decision(values.get("text"), values.get("decision_kind") or "note", values.get("owner"),
                                values.get("deadline"))
    elif values.get("kind") in ("progress", "done") and not values.get("item_id"):
        raise ValidationError("item_id", None, "required", "进展和办结要指明是哪项决定")
    return values


@rule("issue")
def _issue(values, current, uow):
    _text(values, "title", 200)
    _datetime(values, "reported_at")
    if current is None and values.get("reported_at") is None:
        values["reported_at"] = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    _choice(values, "urgency", ("emergency", "normal"))
    _phone(values, "reporter_phone")
    _exists(uow, "household", values, "household_id")
    return values


@rule("visit")
def _visit(values, current, uow):
    _exists(uow, "household", values, "household_id")
    _choice(values, "mode", codes.VISIT_MODES)
    _datetime(values, "visited_at")
    _date(values, "follow_up_date")
    if uow is not None and values.get("visited_at") and dt.datetime.fromisoformat(values["visited_at"]) > (
            dt.datetime.now().astimezone() + dt.timedelta(minutes=10)):
        raise ValidationError("visited_at", values["visited_at"], "future", "走访时间不能晚于现在")
    return values


@rule("vote")
def _vote(values, current, uow):
    ballot = _exists(uow, "ballot", values, "ballot_id")
    option = _exists(uow, "ballot_option", values, "option_id")
    _exists(uow, "household", values, "household_id")
    _datetime(values, "cast_at")
    if ballot and option and option["ballot_id"] != ballot["id"]:
        raise ValidationError("option_id", values["option_id"], "wrong_ballot", "该选项不属于这次表决")
    if ballot and ballot.get("closed_at"):
        raise ValidationError("ballot_id", ballot["id"], "ballot_closed", "表决已结束，不能再投票")
    if current is None and not values.get("option_id") and not values.get("voids_id"):
        # Only a correction may carry no choice: it clears the vote it voids.
        raise ValidationError("option_id", None, "required", "投票必须选择一项（作废一张票时指明作废哪一张）")
    return values


@rule("issue_event")
def _issue_event(values, current, uow):
    from ..domain.issues import apply, fold  # noqa: PLC0415

    issue = _exists(uow, "issue", values, "issue_id")
    _datetime(values, "at")
    if values.get("at") is None:
        values["at"] = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    payload = values.get("payload") or {}
    if isinstance(payload, str):
        payload = json.loads(payload)
    for f in ("level", "department", "note"):
        if values.get(f) is not None and f not in payload:
            payload[f] = values[f]
    values["payload"] = json.dumps(payload, ensure_ascii=False, sort_keys=True)
    if issue is not None:
        events = uow.query("SELECT id, action, at, payload FROM issue_event WHERE issue_id = ? "
                           "ORDER BY COALESCE(server_seq, 9223372036854775807), hlc", (issue["id"],))
        for e in events:
            e["payload"] = json.loads(e["payload"] or "{}")
        state = fold(events).state
        try:
            apply(state, values.get("action"), payload, dt.datetime.fromisoformat(values["at"]))
        except RuleViolation as exc:
            raise ValidationError("action", values.get("action"), exc.code, exc.message) from None
    return values


@rule("service_team")
def _service_team(values, current, uow):
    _text(values, "name", 100)
    if current is None and not (values.get("name") or "").strip():
        raise ValidationError("name", values.get("name"), "required", "请填写服务队名称")
    _text(values, "focus", 100)
    _id_list(values, "members", uow, "party_member", "队员")
    _id_list(values, "households", uow, "household", "服务对象")
    _exists(uow, "party_member", values, "leader_member_id")
    return values


@rule("service_need")
def _service_need(values, current, uow):
    _text(values, "title", 200)
    if current is None and not (values.get("title") or "").strip():
        raise ValidationError("title", values.get("title"), "required", "请写明需要什么服务")
    _text(values, "place", 100)
    _text(values, "skills", 200)
    _choice(values, "source", service_rules.NEED_SOURCES)
    _choice(values, "status", service_rules.NEED_STATUSES)
    _datetime(values, "starts_at")
    _datetime(values, "claimed_at")
    _int_range(values, "people_wanted", 1, 1000)
    _exists(uow, "household", values, "household_id")
    _exists(uow, "party_member", values, "claimed_member_id")
    _exists(uow, "service_team", values, "claimed_team_id")
    return values


@rule("service_record")
def _service_record(values, current, uow):
    if current is not None and current.get("approval") == "approved":
        # Its points are in the ledger: a correction is a new record, never an edit of this one.
        changed = [f for f in ("member_id", "kind", "served_on", "hours") if f in values and values[f] != current.get(f)]
        if changed:
            raise ValidationError(changed[0], values[changed[0]], "approved",
                                  "这条服务记录已审核并计入积分，不能再修改；如需更正请登记新的记录")
    merged = {**(current or {}), **values}
    if current is None or {"kind", "served_on", "hours"} & set(values):
        day, hours = service_rules.check_record(merged.get("kind") or "service", merged.get("served_on"),
                                                merged.get("hours"))
        if "served_on" in values or current is None:
            values["served_on"] = day
        if "hours" in values or current is None:
            values["hours"] = str(hours)
    _text(values, "activity", 200)
    _choice(values, "entered_from", service_rules.ENTERED_FROM)
    _choice(values, "approval", ("approved", "rejected"))
    _text(values, "approved_by", 50)
    _datetime(values, "approved_at")
    _int_range(values, "households_served", 0, 10000)
    _exists(uow, "party_member", values, "member_id")
    _exists(uow, "service_team", values, "team_id")
    _exists(uow, "service_need", values, "need_id")
    return values


@rule("points_ledger")
def _points(values, current, uow):
    _choice(values, "kind", ("earn", "redeem", "expire"))
    _decimal(values, "hours")
    _exists(uow, "service_record", values, "record_id")
    _datetime(values, "at")
    return values
