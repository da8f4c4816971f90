"""A year of visits (走访) to every household of a demo community, at its attention level's pace.

High-risk households are visited weekly, key groups monthly, the rest quarterly
(``codes.DEFAULT_VISIT_INTERVAL_DAYS``); about 8 % of households are overdue (their last visit
is older than their interval) and about 1 % were never visited.
"""
from __future__ import annotations

from ..domain.codes import DEFAULT_VISIT_INTERVAL_DAYS
from .context import Community
from .rowkit import DAY, iso, iso_date

OVERDUE_SHARE = 0.08
NEVER_VISITED_SHARE = 0.01

_MODES = ("door",) * 11 + ("phone",) * 5 + ("wechat",) * 3 + ("other",)
_PURPOSES = {
    "high": ("重点人员定期走访", "稳控帮扶走访", "服药情况随访", "家庭状况核查"),
    "key": ("关爱走访", "健康关怀", "节日慰问", "助老服务需求了解", "帮扶政策落实回访"),
    "normal": ("日常走访", "人口信息核实", "政策宣传", "安全隐患排查", "反诈宣传", "垃圾分类宣传"),
}
_SUMMARIES = {
    "high": ("本人在家，情绪稳定，按时服药，家属配合。", "与监护人交流，近期无异常。", "了解近况，生活规律，已提醒定期复查。"),
    "key": ("老人身体状况良好，独立生活能力尚可。", "询问饮食起居，家中无安全隐患。", "送去慰问品，老人精神状态不错。",
            "了解到家属每周探望，已留联系电话。"),
    "normal": ("家庭成员信息无变化。", "住户在家，宣传了反诈知识。", "核实了人口信息，住户无诉求。",
               "检查了燃气和电动车充电情况，无隐患。", "住户不在家，电话联系确认情况正常。"),
}
_PROBLEMS = ("楼道灯损坏", "楼道堆放杂物", "电动车在楼道充电", "下水道堵塞", "邻居噪音扰民", "外墙渗水",
             "高空抛物隐患", "小区路灯不亮")
_REQUESTS = ("希望加装电梯", "希望增加助餐点", "小区停车难，希望规划停车位", "希望帮助申请居家养老服务",
             "希望上门办理证件", "希望修缮屋顶漏水")


def visits(c: Community) -> None:
    r = c.rng.random
    now = c.now
    start = now - 365 * DAY
    tmpl = c.templates["visit"].make
    out = c.out["visit"]
    stamps = c.stamps
    for home in c.homes:
        x = r()
        if x < NEVER_VISITED_SHARE:
            continue
        level = home.attention
        interval = DEFAULT_VISIT_INTERVAL_DAYS[level] * DAY
        if x < NEVER_VISITED_SHARE + OVERDUE_SHARE:
            last = now - interval - DAY - int(r() * min(interval, 60 * DAY))
        else:
            last = now - int(r() * interval * 0.9)
        times = []
        t = last
        while t > start:
            times.append(t)
            t -= int(interval * (0.8 + 0.4 * r()))
        purposes, summaries = _PURPOSES[level], _SUMMARIES[level]
        for t in reversed(times):
            # Working hours, China time (UTC+8): 09:00-17:30.
            ts = (t + 8 * 3600) // DAY * DAY - 8 * 3600 + 9 * 3600 + int(r() * 30600)
            if ts > now - 600:
                ts -= DAY
            by_member = home.member_id is not None and r() < 0.3
            problem = _PROBLEMS[int(r() * len(_PROBLEMS))] if r() < 0.06 else None
            request = _REQUESTS[int(r() * len(_REQUESTS))] if r() < 0.04 else None
            when = iso(ts)
            out.append(tmpl(
                id=c.new_id(), household_id=home.id, visitor_name=home.member_name if by_member else home.grid.worker,
                party_member_id=home.member_id if by_member else None, visited_at=when,
                mode=_MODES[int(r() * 20)], purpose=purposes[int(r() * len(purposes))],
                summary=summaries[int(r() * len(summaries))], problems=problem, requests=request,
                follow_up="已报社区协调处理，一周内回访" if (problem or request) else None,
                follow_up_date=iso_date(ts + 7 * DAY) if (problem or request) else None,
                created_at=when, device_id=c.device_id, hlc=stamps.at(ts)))
