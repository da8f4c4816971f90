"""吹哨报到 cases of a demo community, in every state of the closed loop, some overdue.

Each case's events are built by choosing only actions ``domain.issues.allowed_actions`` offers
and checked with ``apply`` as they are made, so ``fold`` of the events gives the intended state
with no invalid event. Open cases are a mix of in-time and overdue ones (supervised, 督办).
"""
from __future__ import annotations

import json
from datetime import datetime

from ..domain import issues as rules
from .context import Community
from .rowkit import CHINA, DAY, iso

HOUR = 3600
CASES_PER_HOUSEHOLD = 1 / 40

# Target status -> share of cases (after every status has been used once per community).
_TARGETS = (("new", 0.02), ("reported", 0.05), ("declined", 0.04), ("accepted", 0.04),
            ("analysing", 0.05), ("dispatched", 0.06), ("handling", 0.10),
            ("extension_requested", 0.03), ("feedback", 0.06), ("closed", 0.20), ("rated", 0.35))
_TARGET_NAMES = tuple(t for t, _ in _TARGETS)

# category -> (title, kind, description)
_SUBJECTS = {
    "environment": (("小区垃圾清运不及时", "complaint", "垃圾桶满溢，气味较大，影响居民生活。"),
                    ("河道漂浮物较多", "complaint", "小区旁河道有大量漂浮垃圾。")),
    "advertising": (("楼道小广告泛滥", "complaint", "单元楼道墙面贴满小广告。"),),
    "construction": (("夜间施工噪音扰民", "complaint", "附近工地夜间十点后仍在施工。"),
                     ("装修垃圾乱堆放", "complaint", "装修户将建筑垃圾堆在绿化带。")),
    "street_order": (("占道经营影响通行", "complaint", "菜场门口摊贩占道，行人难以通过。"),
                     ("共享单车乱停放", "suggestion", "小区门口共享单车堆积，建议设置停放区。")),
    "emergency_event": (("雨后路面积水严重", "help", "暴雨后小区主干道积水没过脚踝。"),
                        ("燃气管道疑似泄漏", "help", "楼道内有明显燃气味。")),
    "other": (("咨询居住证办理", "inquiry", "外来务工人员咨询居住证办理流程和材料。"),),
    "property": (("电梯频繁故障", "complaint", "电梯本月已停运三次，老人出行困难。"),
                 ("物业费收支不透明", "suggestion", "业主希望物业公开公共收益收支。")),
    "neighbour_dispute": (("楼上漏水与邻居纠纷", "help", "楼上卫生间漏水，协商未果。"),
                          ("宠物犬扰民", "complaint", "邻居家犬只夜间吠叫。")),
    "safety_hazard": (("楼道电动车充电隐患", "complaint", "有住户从楼上拉线给电动车充电。"),
                      ("消防通道被占用", "complaint", "私家车长期占用消防通道。")),
    "livelihood": (("独居老人申请助餐服务", "help", "老人行动不便，希望每天送餐上门。"),
                   ("咨询医保缴费", "inquiry", "退休人员咨询城乡居民医保缴费方式。")),
}
_CATEGORIES = tuple(_SUBJECTS)
_DEPARTMENTS = {
    "community": ("社区居委会", "社区物业管理办公室", "网格工作站"),
    "street": ("街道城管中队", "街道综合执法局", "街道社会事业局", "街道安监办"),
    "district": ("区住房和城乡建设局", "区城市管理局", "区市场监督管理局", "区生态环境局"),
    "city": ("市住房和城乡建设局", "市城市管理局", "市水务集团", "市公安局"),
}
_SOURCES = ("网格员上报", "居民来电", "12345热线", "骑手随手拍", "走访发现")
_RATINGS = ("satisfied",) * 7 + ("basic",) * 2 + ("unsatisfied",)
_OPEN_TARGETS = frozenset({"accepted", "analysing", "dispatched", "handling", "extension_requested", "feedback"})

# (action, smallest gap, largest gap) in seconds after the previous event
_GAPS = {
    "report": (0, 0), "accept": (HOUR // 2, 8 * HOUR), "decline": (HOUR, 24 * HOUR),
    "analyse": (HOUR, 24 * HOUR), "dispatch": (HOUR, 12 * HOUR), "start_handling": (2 * HOUR, 24 * HOUR),
    "request_extension": (DAY, 3 * DAY), "grant_extension": (HOUR * 4, 2 * DAY),
    "refuse_extension": (HOUR * 4, 2 * DAY), "feedback": (DAY, 6 * DAY), "supervise": (HOUR, DAY),
    "send_back": (HOUR * 4, 2 * DAY), "escalate": (HOUR * 2, 2 * DAY), "close": (HOUR * 4, 3 * DAY),
    "rate": (DAY, 5 * DAY), "comment": (HOUR, DAY),
}


def _path(c: Community, target: str, kind: str, category: str, urgency: str) -> list[tuple[str, dict]]:
    """The actions (with payloads) that take a new case to ``target``, with realistic detours."""
    r = c.rng.random
    if target == "new":
        return []
    steps: list[tuple[str, dict]] = [("report", {"kind": kind, "category": category, "urgency": urgency})]
    if target == "reported":
        return steps
    if target == "declined":
        return steps + [("decline", {"reason": c.pick(("不属于社区受理范围，已告知向法院起诉", "重复上报，已并案处理",
                                                         "经核实情况不属实"))})]
    steps.append(("accept", {}))
    if target == "accepted":
        return steps
    level = "community" if r() < 0.6 else "street"
    steps.append(("analyse", {"category": category, "urgency": urgency, "level": level}))
    if target == "analysing":
        return steps
    levels = tuple(rules.ISSUE_LEVELS)
    if r() < 0.15 and level != "city":
        # 吹哨: the grassroots whistle, the next level reports and acts.
        level = levels[levels.index(level) + 1]
        steps.append(("escalate", {"reason": "社区无法独立解决，吹哨上级部门"}))
    steps.append(("dispatch", {"level": level, "department": c.pick(_DEPARTMENTS[level])}))
    if target == "dispatched":
        return steps
    steps.append(("start_handling", {}))
    if target == "handling":
        if r() < 0.2:
            steps.append(("comment", {"note": "承办部门已到现场查看"}))
        return steps
    if r() < 0.15 or target == "extension_requested":
        steps.append(("request_extension", {"days": c.pick((3, 5, 10)), "reason": "需协调多个部门，申请延期"}))
        if target == "extension_requested":
            return steps
        steps.append((c.pick(("grant_extension", "grant_extension", "refuse_extension")), {}))
    steps.append(("feedback", {"note": "已处置完毕，现场已恢复"}))
    if r() < 0.12:
        steps += [("send_back", {"reason": "核查发现问题未彻底解决"}), ("feedback", {"note": "已返工处置，复查合格"})]
    if target == "feedback":
        return steps
    steps.append(("close", {}))
    if target == "closed":
        return steps
    steps.append(("rate", {"rating": c.pick(_RATINGS)}))
    return steps


def cases(c: Community) -> None:
    rng = c.rng
    r = rng.random
    n = max(len(_TARGETS) + 3, round(len(c.homes) * CASES_PER_HOUSEHOLD))
    cum = []
    total = 0.0
    for _, w in _TARGETS:
        total += w
        cum.append(total)
    for i in range(n):
        if i < len(_TARGETS):
            target = _TARGET_NAMES[i]  # every state at least once in every community
        else:
            x = r() * total
            target = next(t for t, limit in zip(_TARGET_NAMES, cum) if x < limit)
        _case(c, target, overdue=(target in _OPEN_TARGETS and (i < len(_TARGETS) or r() < 0.4)))


def _case(c: Community, target: str, overdue: bool) -> None:
    r = c.rng.random
    home = c.homes[int(r() * len(c.homes))]
    category = c.pick(_CATEGORIES)
    title, kind, description = c.pick(_SUBJECTS[category])
    urgency = "emergency" if kind == "help" and r() < 0.15 and not (target in _OPEN_TARGETS and not overdue) else "normal"
    steps = _path(c, target, kind, category, urgency)
    gaps = [0]
    for action, _ in steps[1:]:
        lo, hi = _GAPS[action]
        gaps.append(lo + int(r() * (hi - lo)) + 60)
    span = sum(gaps)
    if target in _OPEN_TARGETS or target == "reported":
        limit_days = 1 if urgency == "emergency" else 3 if kind in ("help", "inquiry") else 13
        slack = (int(limit_days * 1.5 * DAY) + int(r() * 30 * DAY)) if overdue else int(r() * DAY)
    else:
        slack = int(r() * 330 * DAY)
    t0 = c.now - span - slack - HOUR
    if overdue and target in _OPEN_TARGETS:
        # Overdue open cases get a supervision flag (督办) from the street.
        steps.append(("supervise", {}))
        gaps.append(int(slack * 0.5))
    head = home.people[0]
    source = c.pick(_SOURCES)
    issue_id = c.new_id()
    state = rules.initial_state()
    ts = t0
    events = []
    for (action, payload), gap in zip(steps, gaps):
        ts += gap
        at = datetime.fromtimestamp(ts, CHINA)
        state = rules.apply(state, action, payload, at)  # refuses anything the loop does not allow
        events.append((action, payload, ts))
    visit_id = None
    if source == "走访发现":
        visit_id = c.new_id()
        vts = t0 - 2 * HOUR
        c.add("visit", id=visit_id, household_id=home.id, visitor_name=home.grid.worker, visited_at=iso(vts),
              mode="door", purpose="日常走访", summary="走访中发现问题，已现场登记上报。", problems=title,
              issue_id=issue_id, created_at=iso(vts), device_id=c.device_id, hlc=c.stamps.at(vts))
    last = events[-1][2] if events else t0
    c.add("issue", id=issue_id, title=title, description=description, category=category, kind=kind,
          urgency=urgency, household_id=home.id, visit_id=visit_id, address=home.address,
          reporter_name=head.name, reporter_phone=head.phone, source=source, reported_at=iso(t0),
          updated_at=iso(last), hlc=c.stamps.at(last))
    actor = home.grid.worker
    for action, payload, ets in events:
        when = iso(ets)
        c.add("issue_event", id=c.new_id(), issue_id=issue_id, action=action, at=when,
              actor_name=payload.get("department") or actor, level=payload.get("level"),
              department=payload.get("department"), note=payload.get("note"),
              payload=json.dumps(payload, ensure_ascii=False, sort_keys=True),
              created_at=when, device_id=c.device_id, hlc=c.stamps.at(ets))
