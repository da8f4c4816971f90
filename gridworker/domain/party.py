"""Party roster rules (党员名册): who may be a member, leaving the structure, 中心户 reasons, pledges,
and which members to propose for a leaving member's households (nearest by building).

Pure: no database. ``ops/party.py`` applies them.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .errors import ValidationError

# 政治面貌 codes (GB/T 4762, domain/codes.py POLITICAL) that make a resident a party member.
MEMBER_POLITICAL = {"01": "中共党员", "02": "中共预备党员"}
LEAVE_KINDS = {"moved": "迁出", "died": "去世", "transferred": "组织关系转出", "other": "其他"}
PLEDGE_MAX = 500
REASON_MAX = 200


def check_political(political: str | None, name: str = "") -> None:
    """A resident becomes a roster member only when their 政治面貌 is 中共党员 or 中共预备党员."""
    if political not in MEMBER_POLITICAL:
        raise ValidationError("resident_id", political, "not_party_member",
                              f"{name or '该居民'}的政治面貌不是中共党员或预备党员，不能加入党员名册；"
                              "请先在居民信息中核对政治面貌")


def reason(value: str | None, field: str = "reason") -> str:
    """A required reason (designating / revoking a 中心户, leaving): stripped, at most 200 characters."""
    text = (value or "").strip()
    if not text:
        raise ValidationError(field, value, "reason_required", "请填写原因")
    if len(text) > REASON_MAX:
        raise ValidationError(field, value, "too_long", f"原因不能超过 {REASON_MAX} 字")
    return text


def pledge(value: str | None) -> str | None:
    """亮承诺: the member's public pledge, at most 500 characters (blank clears it)."""
    text = (value or "").strip() or None
    if text and len(text) > PLEDGE_MAX:
        raise ValidationError("pledge", value, "too_long", f"承诺内容不能超过 {PLEDGE_MAX} 字")
    return text


def leave_kind(kind: str) -> str:
    if kind not in LEAVE_KINDS:
        raise ValidationError("kind", kind, "bad_value", f"离开原因应为：{'、'.join(f'{k}（{v}）' for k, v in LEAVE_KINDS.items())}")
    return kind


def _place(row: Mapping[str, Any]) -> tuple[Any, Any]:
    return row.get("estate"), row.get("building_no")


def propose(household: Mapping[str, Any], candidates: Iterable[Mapping[str, Any]], *, limit: int = 3,
            leaving: str | None = None) -> list[dict[str, Any]]:
    """The members nearest a household, best first: the same building (小区 + 幢), then the same 小区,
    then anyone; within each, the one with fewer households. ``household``: estate, building_no;
    each candidate: id, name, estate, building_no (of their home; None for an in-service member
    living elsewhere) and household_count. The leaving member is never proposed."""
    def rank(c: Mapping[str, Any]) -> tuple:
        same_estate = c.get("estate") is not None and c.get("estate") == household.get("estate")
        same_building = same_estate and _place(c) == _place(household)
        closeness = 0 if same_building else 1 if same_estate else 2
        return closeness, int(c.get("household_count") or 0), str(c.get("name") or "")

    ranked = sorted((c for c in candidates if c.get("id") != leaving), key=rank)
    out = []
    for c in ranked[:limit]:
        closeness = rank(c)[0]
        out.append({"id": c["id"], "name": c.get("name"), "household_count": int(c.get("household_count") or 0),
                    "why": ("同一楼栋", "同一小区", "其他")[closeness]})
    return out
