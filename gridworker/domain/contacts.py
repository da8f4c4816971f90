"""The 1+10+N contact structure: central household -> party members -> resident households.

A link is ``(kind, from_id, to_id, active)``: ``central_member`` goes from a central household
(党员中心户) to a party member, ``member_household`` from a party member to a household. Links
may be ``Link`` tuples, dicts or rows with those attributes; only active ones count. Hard rules
(``check_new_link``) raise ``RuleViolation``; the "about 10" and "about N" figures are only
defaults for ``coverage_warnings``, never limits.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, NamedTuple

from ._util import get
from .errors import RuleViolation, ValidationError

LINK_KINDS = {"central_member": "党员中心户联系党员", "member_household": "党员联系群众户"}


class Link(NamedTuple):
    kind: str
    from_id: Any
    to_id: Any
    active: bool = True


@dataclass(frozen=True)
class CoverageWarning:
    """A structure that looks wrong: ``code``, whom it is about, the count found, a Chinese message."""

    code: str
    subject_id: Any
    count: int
    message: str


def _active(links: Iterable[Any]) -> list[Link]:
    out = []
    for link in links:
        if isinstance(link, tuple) and not hasattr(link, "kind"):
            link = Link(*link)  # a plain (kind, from_id, to_id[, active]) tuple
        if get(link, "active", True):
            out.append(Link(get(link, "kind"), get(link, "from_id"), get(link, "to_id"), True))
    return out


def check_new_link(existing_active_links: Iterable[Any], kind: str, from_id: Any, to_id: Any) -> None:
    """Raise ``RuleViolation`` if the new link would break a 1+10+N rule; return None if it is fine.

    Codes: ``link_self``, ``link_exists``, ``household_already_linked`` (a household has one
    party member at a time: end the old link first), ``member_already_linked`` (a party member
    belongs to one central household at a time). An unknown ``kind`` is a ``ValidationError``.
    """
    if kind not in LINK_KINDS:
        raise ValidationError("kind", kind, "link_kind_unknown",
                              f"未知的联系类型，可选：{'、'.join(LINK_KINDS)}")
    if from_id == to_id:
        raise RuleViolation("link_self", "不能与自己建立联系")
    for link in _active(existing_active_links):
        if link.kind != kind or link.to_id != to_id:
            continue
        if link.from_id == from_id:
            raise RuleViolation("link_exists", "该联系已存在")
        if kind == "member_household":
            raise RuleViolation("household_already_linked",
                                f"该户已由党员{link.from_id}联系，一户同一时间只能由一名党员联系；"
                                "请先解除原联系")
        raise RuleViolation("member_already_linked",
                            f"该党员已属于党员中心户{link.from_id}，同一时间只能属于一个党员中心户；"
                            "请先解除原联系")


def coverage_warnings(links: Iterable[Any], *, members_per_central: int = 10,
                      tolerance: Fraction = Fraction(1, 2), member_factor: Fraction | int = 2,
                      members: Iterable[Any] = ()) -> list[CoverageWarning]:
    """Warnings for central households with far more or fewer members than ``members_per_central``
    (outside ±``tolerance``: by default more than 15 or fewer than 5), and for party members with
    no households or more than ``member_factor`` times the average households per member.

    ``members`` adds party members who have no links at all, so they are warned about too.
    Warnings come central households first, then members, each in first-seen order.
    """
    active = _active(links)
    per_central = Counter(link.from_id for link in active if link.kind == "central_member")
    per_member = Counter(link.from_id for link in active if link.kind == "member_household")
    all_members = list(dict.fromkeys(
        [*members, *(link.to_id for link in active if link.kind == "central_member"), *per_member]))

    high = members_per_central * (1 + Fraction(tolerance))
    low = members_per_central * (1 - Fraction(tolerance))
    out: list[CoverageWarning] = []
    for central, n in per_central.items():
        if n > high:
            out.append(CoverageWarning("central_too_many_members", central, n,
                                       f"党员中心户{central}联系{n}名党员，远多于约{members_per_central}名的标准"))
        elif n < low:
            out.append(CoverageWarning("central_too_few_members", central, n,
                                       f"党员中心户{central}只联系{n}名党员，远少于约{members_per_central}名的标准"))

    average = Fraction(sum(per_member.values()), len(all_members)) if all_members else Fraction(0)
    for member in all_members:
        n = per_member.get(member, 0)
        if n == 0:
            out.append(CoverageWarning("member_no_households", member, 0,
                                       f"党员{member}尚未联系任何群众户"))
        elif n > member_factor * average:
            out.append(CoverageWarning("member_too_many_households", member, n,
                                       f"党员{member}联系{n}户，超过本社区平均{_one_decimal(average)}户的"
                                       f"{member_factor}倍"))
    return out


def _one_decimal(f: Fraction) -> str:
    return f"{round(f * 10) / 10:.1f}"


def uncovered(households: Iterable[Any], links: Iterable[Any]) -> list[Any]:
    """The household ids (in input order) that no party member currently links."""
    covered = {link.to_id for link in _active(links) if link.kind == "member_household"}
    return [h for h in households if h not in covered]
