"""Party members, 党员中心户 and the 1+10+N links of one demo community, and volunteer points.

Ratios follow the city's report: about 7.8 households per party member (so about 12.8 % of
households hold one) and about 10.8 members per central household, counting the central
member itself (1 + ~10). Each member links the households around their own home, so almost
every household (98.5 %) has exactly one active member link; about 1 % also carry an older,
ended link from a member who moved away.
"""
from __future__ import annotations

import json

from decimal import Decimal

from ..domain.ids import deterministic_id
from ..domain.points import credit
from ..domain.service import earn_id
from .context import Community, Person
from .rowkit import DAY, iso, iso_date

HOUSEHOLDS_PER_MEMBER = 7.8
MEMBERS_PER_CENTRAL = 10.8
COVERAGE = 0.985

_ACTIVITIES = ("垃圾分类督导", "关爱独居老人上门陪伴", "文明交通劝导", "楼道环境清理", "反诈宣传进楼道",
               "社区义诊引导", "防汛巡查", "助老助餐配送", "青少年课后托管", "消防安全检查")
_NEEDS = (("帮独居老人代买药品", "key_group", "阳光花园"), ("楼道小广告清理", "resident", "3幢"),
          ("周末为困难家庭辅导作业", "visit", "社区党群服务站"), ("防汛沙袋搬运", "community", "社区仓库"))
_REWARDS = ("兑换：洗衣液", "兑换：大米一袋", "兑换：理发服务", "兑换：家电维修服务")


def _member_in(c: Community, chunk, taken: set[str]) -> tuple | None:
    """A home of the chunk (not yet a member's) and an adult living there to be its party member."""
    r = c.rng.random
    start = int(r() * len(chunk))
    best = None
    for k in range(len(chunk)):
        home = chunk[(start + k) % len(chunk)]
        if home.id in taken:
            continue
        for p in home.people:
            if 23 <= p.age <= 80 and home.tenure != "vacant":
                return home, p
            if best is None and p.age >= 18:
                best = (home, p)
    return best


def party(c: Community) -> None:
    """Members (from residents), central households, links; tags the members' homes 党员户."""
    rng = c.rng
    r = rng.random
    covered = [h for h in c.homes if r() < COVERAGE]
    if not covered:
        covered = list(c.homes)
    n_members = max(1, round(len(covered) / HOUSEHOLDS_PER_MEMBER))
    n_central = max(1, round(n_members / MEMBERS_PER_CENTRAL))
    members: list[tuple[str, Person, list]] = []
    member_homes: set[str] = set()
    ts_link = c.now - 500 * DAY
    for m in range(n_members):
        chunk = covered[m * len(covered) // n_members:(m + 1) * len(covered) // n_members]
        choice = _member_in(c, chunk, member_homes) if chunk else None
        if choice is None:
            continue
        home, person = choice
        member_homes.add(home.id)
        mid = c.new_id()
        person.row["political"] = "01"
        if "党员户" not in home.tags:
            home.tags.append("党员户")
        joined_age = 19 + int(r() * max(1, min(person.age - 19, 40)))
        joined = iso_date(c.now - int((person.age - joined_age) * 365.25 * DAY) - int(r() * 300) * DAY)
        c.add("party_member", id=mid, resident_id=person.id, household_id=home.id, name=person.name,
              phone=person.phone, branch=f"{home.grid.name}党支部", is_central_household=0,
              in_service=1 if person.age < 60 and r() < 0.7 else 0, joined_on=joined,
              updated_at=iso(ts_link), hlc=c.stamps.at(ts_link))
        members.append((mid, person, chunk))
    rows = c.out["party_member"]
    # Members in groups of about 10.8 neighbours; the first of each group leads it.
    for g in range(n_central):
        group = list(range(g * len(members) // n_central, (g + 1) * len(members) // n_central))
        if not group:
            continue
        lead = group[int(r() * len(group))]
        central_id = members[lead][0]
        rows[lead]["is_central_household"] = 1
        rows[lead]["notes"] = "党员中心户"
        for k in group:
            if k != lead:
                _link(c, "central_member", central_id, members[k][0], ts_link)
    for mid, person, chunk in members:
        for home in chunk:
            _link(c, "member_household", mid, home.id, ts_link)
            home.member_id, home.member_name = mid, person.name
    # Older links ended when a member moved away: kept, inactive (links are never deleted).
    if len(members) > 1:
        for home in covered:
            if r() < 0.01:
                old = members[int(r() * len(members))][0]
                if old != home.member_id:
                    _link(c, "member_household", old, home.id, ts_link - 400 * DAY, active=False)
    _points(c, rows)


def _link(c: Community, kind: str, from_id: str, to_id: str, ts: int, *, active: bool = True) -> None:
    start = ts - int(c.rng.random() * 200) * DAY
    c.add("contact_link", id=deterministic_id(from_id, to_id, kind), kind=kind, from_id=from_id, to_id=to_id,
          active=1 if active else 0, start_date=iso_date(start),
          end_date=None if active else iso_date(start + 300 * DAY),
          reason=None if active else "联户党员迁出，重新结对",
          updated_at=iso(ts), hlc=c.stamps.at(ts))


def _points(c: Community, members: list[dict]) -> None:
    """三报到 volunteer hours of in-service members over the last year (1 hour = 1 point, max 2), a
    红领 team of a few of them, and the community's need list."""
    r = c.rng.random
    serving = [m for m in members if m["in_service"]]
    team = c.new_id() if serving else None
    if team:
        c.add("service_team", id=team, name="红领服务一队", leader_member_id=serving[0]["id"],
              members=json.dumps([m["id"] for m in serving[:6]]), households="[]", focus="独居老人、困难家庭",
              updated_at=iso(c.now - 90 * DAY), hlc=c.stamps.at(c.now - 90 * DAY))
    for i, (title, source, place) in enumerate(_NEEDS):
        ts = c.now - (i + 1) * 3 * DAY
        claimed = serving[i % len(serving)]["id"] if serving and i % 2 else None
        c.add("service_need", id=c.new_id(), title=title, source=source, place=place, people_wanted=1 + i % 3,
              status="claimed" if claimed else "open", claimed_member_id=claimed,
              claimed_at=iso(ts + DAY) if claimed else None, updated_at=iso(ts), hlc=c.stamps.at(ts))
    for m in members:
        if not m["in_service"]:
            continue
        earned = 0
        for n in range(2 + int(r() * 8)):
            ts = c.now - int(r() * 360 * DAY) - 3600
            hours = c.pick(("1.00", "1.50", "2.00", "2.00", "3.00"))
            activity = c.pick(_ACTIVITIES)
            # The service record, approved by the secretary, and the earn entry for it (ops/service.py).
            rid = c.new_id()
            waiting = n == 0 and r() < 0.25  # a few records still wait for approval
            in_team = team is not None and m in serving[:6] and r() < 0.5
            c.add("service_record", id=rid, member_id=m["id"], kind="service", served_on=iso_date(ts), hours=hours,
                  team_id=team if in_team else None,
                  households_served=1 + int(r() * 4), activity=activity, entered_from=c.pick(("self", "sheet")),
                  approval=None if waiting else "approved", approved_by=None if waiting else c.secretary,
                  approved_at=None if waiting else iso(min(ts + 2 * DAY, c.now)), updated_at=iso(ts), hlc=c.stamps.at(ts))
            if waiting:
                continue
            points = str(credit(hours))
            earned += int(Decimal(points))
            c.add("points_ledger", id=earn_id(rid), member_id=m["id"], kind="earn", hours=hours, points=points,
                  activity=activity, approver=c.secretary, at=iso(min(ts + 2 * DAY, c.now)),
                  created_at=iso(min(ts + 2 * DAY, c.now)),
                  device_id=c.device_id, hlc=c.stamps.at(ts), record_id=rid)
        if earned >= 6 and r() < 0.3:
            ts = c.now - int(r() * 30 * DAY) - 3600
            c.add("points_ledger", id=c.new_id(), member_id=m["id"], kind="redeem", hours=None, points="5.00",
                  activity=c.pick(_REWARDS), approver=c.secretary, at=iso(ts), created_at=iso(ts),
                  device_id=c.device_id, hlc=c.stamps.at(ts))
