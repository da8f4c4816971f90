"""Ballots (议事/表决) of a demo community: residents' meetings and owners' votes, open and closed.

Rules cycle through ``residents_meeting`` (community or estate scope), ``art278_ordinary``
(estate: renew the property company, revise the rules) and ``art278_major`` (one building: an
elevator paid from maintenance funds). Closed ballots have a turnout of 60-85 % of the
households in scope, open ones 25-55 % so far; every household votes at most once.
"""
from __future__ import annotations

from ..domain.ballots import RULES
from .context import Community
from .rowkit import DAY, iso

HOUR = 3600


def ballots(c: Community) -> None:
    r = c.rng.random
    n = max(4, len(c.homes) // 1000)
    estates: dict[str, list] = {}
    for b in c.buildings:
        estates.setdefault(b.estate, []).extend(b.homes)
    estate_names = list(estates)
    for i in range(n):
        kind = i % 4
        closed = i % 2 == 0
        upcoming = i == 4  # one ballot not yet open, still editable
        if kind == 0:
            rule, scope_kind, scope_ref, homes = "residents_meeting", "community", c.id, c.homes
            title = c.pick(("关于社区增设电动自行车集中充电点的议事", "关于社区养老服务站选址的居民会议",
                            "关于社区公园改造方案的居民会议"))
            options = (("同意", "yes"), ("反对", "no"), ("弃权", "abstain"))
        elif kind == 1:
            estate = c.pick(estate_names)
            rule, scope_kind, scope_ref, homes = "art278_ordinary", "estate", estate, estates[estate]
            title = f"{estate}" + c.pick(("续聘物业服务企业表决", "修订管理规约表决", "选举第二届业主委员会"))
            options = (("同意", "yes"), ("反对", "no"), ("弃权", "abstain"))
        elif kind == 2:
            b = c.pick([b for b in c.buildings if b.homes])
            rule, scope_kind, scope_ref, homes = "art278_major", "building", b.id, b.homes
            title = f"{b.estate}{b.number}幢" + c.pick(("加装电梯及使用专项维修资金表决", "外墙维修使用专项维修资金表决"))
            options = (("同意", "yes"), ("反对", "no"), ("弃权", "abstain"))
        else:
            estate = c.pick(estate_names)
            rule, scope_kind, scope_ref, homes = "residents_meeting", "estate", estate, estates[estate]
            title = f"{estate}停车位划分方案院落议事"
            options = (("方案一：地面划线停车", "choice"), ("方案二：绿化带改建停车位", "choice"),
                       ("方案三：维持现状", "choice"))
        if upcoming:
            opens = c.now + (3 + int(r() * 7)) * DAY
            closes = opens + 14 * DAY
        elif closed:
            closes = c.now - (10 + int(r() * 200)) * DAY
            opens = closes - (7 + int(r() * 14)) * DAY
        else:
            opens = c.now - (2 + int(r() * 10)) * DAY
            closes = c.now + (5 + int(r() * 14)) * DAY
        created = opens - 5 * DAY
        ballot_id = c.new_id()
        c.add("ballot", id=ballot_id, title=title, description=f"表决规则：{RULES[rule].label_zh}。请各户户主或业主代表投票，每户一票。",
              scope_kind=scope_kind, scope_ref=scope_ref, rule=rule, opens_at=iso(opens), closes_at=iso(closes),
              closed_at=iso(closes) if closed and not upcoming else None, organiser_id=None,
              updated_at=iso(created), hlc=c.stamps.at(created))
        option_ids = []
        for pos, (label, meaning) in enumerate(options):
            oid = c.new_id()
            option_ids.append((oid, meaning))
            c.add("ballot_option", id=oid, ballot_id=ballot_id, label=label, meaning=meaning, position=pos,
                  updated_at=iso(created), hlc=c.stamps.at(created))
        if upcoming:
            continue
        turnout = 0.60 + 0.25 * r() if closed else 0.25 + 0.30 * r()
        last = min(closes, c.now - HOUR)
        weights = (0.72, 0.93) if options[0][1] == "yes" else (0.45, 0.80)
        for home in homes:
            if r() >= turnout or not home.people:
                continue
            x = r()
            option = option_ids[0 if x < weights[0] else 1 if x < weights[1] else 2][0]
            ts = opens + int(r() * (last - opens))
            paper = 1 if r() < 0.7 else 0
            c.add("vote", id=c.new_id(), ballot_id=ballot_id, household_id=home.id, option_id=option,
                  voter_name=home.people[0].name, paper=paper, cast_at=iso(ts), created_at=iso(ts),
                  device_id=c.device_id, hlc=c.stamps.at(ts))
