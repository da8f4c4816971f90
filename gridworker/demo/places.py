"""The demo city's map: 无锡's districts and streets, invented community, estate and road names.

District codes are the real administrative codes (GB/T 2260) of 无锡's urban districts; the
codes of the three districts merged into 梁溪区 in 2015 still appear in older residents' ID
numbers. Street (街道) names are real; communities, estates (小区) and roads are made up from
name parts typical of the city, so no real address is reproduced.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from random import Random

CITY_CODE = "320200"
CITY_NAME = "无锡市"
PHONE_AREA = "0510"

# (district code, name, area codes seen in residents' ID numbers, real street names)
DISTRICTS: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("320213", "梁溪区", ("320213", "320202", "320203", "320204"),
     ("崇安寺", "江海", "广益", "上马墩", "广瑞路", "通江", "黄巷", "山北", "北大街", "惠山",
      "金匮", "清名桥", "扬名", "金星", "南禅寺", "迎龙桥")),
    ("320205", "锡山区", ("320205", "320221"),
     ("东亭", "安镇", "厚桥", "东北塘", "云林", "鹅湖", "羊尖", "锡北")),
    ("320206", "惠山区", ("320206", "320221"),
     ("堰桥", "长安", "钱桥", "前洲", "玉祁", "洛社", "阳山")),
    ("320211", "滨湖区", ("320211",),
     ("河埒", "荣巷", "蠡湖", "蠡园", "华庄", "太湖", "雪浪", "马山", "胡埭")),
    ("320214", "新吴区", ("320214",),
     ("旺庄", "江溪", "硕放", "梅村", "新安", "鸿山")),
)
# Share of the city's households in each district (roughly by population).
DISTRICT_SHARES = (0.30, 0.17, 0.17, 0.18, 0.18)

# Where residents born elsewhere come from: real area codes (苏北, 安徽, 河南, 四川 and others).
MIGRANT_AREAS: tuple[str, ...] = (
    "320321", "320923", "321302", "320830", "341221", "342201", "341202", "340102",
    "411723", "411302", "510105", "320402", "320506", "321102", "320102", "430102",
    "420102", "370102", "360102", "500101",
)

_PLACE_A = "金 清 春 新 和 锦 华 康 惠 梅 兰 湖 溪 荣 盛 永 泰 安 宁 益 瑞 丰 祥 嘉 翠 碧 柳 桃 云 景".split()
_PLACE_B = "园 苑 庄 桥 塘 泉 山 湾 河 港 坊 巷 里 城 亭 林 湖 溪 岸 晖".split()
_ESTATE_SUFFIX = ("新村", "花园", "家园", "苑", "小区", "公寓", "雅居", "嘉园", "新城", "名都")
_ROAD_SUFFIX = ("路", "路", "路", "街", "大道", "巷")


@dataclass
class CommunityPlan:
    """One community of the demo city: where it sits and how many households it gets."""

    index: int
    households: int
    district_code: str
    district_name: str
    district_id: str
    street_name: str
    street_code: str
    street_id: str
    name: str
    code: str
    id_areas: tuple[str, ...]
    station: int  # two-digit "police station" part of the ID sequence: keeps ID numbers unique


@dataclass
class CityPlan:
    org_rows: list[tuple[str, str, str, str, str | None]] = field(default_factory=list)
    # (id, code, name, level, parent_id) for city, districts and streets
    communities: list[CommunityPlan] = field(default_factory=list)


def place_name(rng: Random, used: set[str]) -> str:
    """A two-character place name not yet used in this city."""
    for _ in range(50):
        name = _PLACE_A[int(rng.random() * len(_PLACE_A))] + _PLACE_B[int(rng.random() * len(_PLACE_B))]
        if name not in used:
            used.add(name)
            return name
    name = f"{name}{len(used)}"
    used.add(name)
    return name


def _suffixed(rng: Random, used: set[str], suffixes: tuple[str, ...]) -> str:
    # Unique on the whole name: two estates of one city never share a name (address keys).
    for _ in range(50):
        name = (_PLACE_A[int(rng.random() * len(_PLACE_A))] + _PLACE_B[int(rng.random() * len(_PLACE_B))]
                + suffixes[int(rng.random() * len(suffixes))])
        if name not in used:
            used.add(name)
            return name
    name = _PLACE_A[len(used) % len(_PLACE_A)] + name
    used.add(name)
    return name


def estate_name(rng: Random, used: set[str]) -> str:
    return _suffixed(rng, used, _ESTATE_SUFFIX)


def road_name(rng: Random, used: set[str]) -> str:
    return _suffixed(rng, used, _ROAD_SUFFIX)


def community_count(households: int) -> int:
    """Communities of about 5,000 households; one community below 8,000 households."""
    if households < 8000:
        return 1
    return max(2, round(households / 5000))


def split_evenly(total: int, weights: list[float]) -> list[int]:
    """``total`` split by ``weights`` into integers that add up exactly (largest remainders)."""
    s = sum(weights)
    raw = [total * w / s for w in weights]
    out = [int(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: (out[i] - raw[i], i))
    for i in order[: total - sum(out)]:
        out[i] += 1
    return out


def plan_city(households: int, rng: Random, new_id) -> CityPlan:
    """Districts, streets and communities for ``households`` households (ids from ``new_id()``)."""
    plan = CityPlan()
    city_id = new_id()
    plan.org_rows.append((city_id, CITY_CODE, CITY_NAME, "city", None))
    n_comm = community_count(households)
    # Community sizes vary (about 3,000-8,000) but add up to exactly ``households``.
    sizes = split_evenly(households, [0.6 + 0.8 * rng.random() for _ in range(n_comm)]) if n_comm > 1 else [households]
    per_district = split_evenly(n_comm, list(DISTRICT_SHARES)) if n_comm >= len(DISTRICTS) else [n_comm] + [0] * (len(DISTRICTS) - 1)
    used: set[str] = set()
    index = 0
    for (dcode, dname, areas, streets), count in zip(DISTRICTS, per_district):
        if count == 0:
            continue
        did = new_id()
        plan.org_rows.append((did, dcode, dname, "district", city_id))
        n_streets = max(1, min(len(streets), round(count / 6)))
        per_street = split_evenly(count, [1.0] * n_streets)
        for s_no, (sname, s_count) in enumerate(zip(streets, per_street), start=1):
            sid = new_id()
            scode = f"{dcode}{s_no:03d}"
            plan.org_rows.append((sid, scode, f"{sname}街道", "street", did))
            for c_no in range(1, s_count + 1):
                plan.communities.append(CommunityPlan(
                    index=index, households=sizes[index], district_code=dcode, district_name=dname,
                    district_id=did, street_name=f"{sname}街道", street_code=scode, street_id=sid,
                    name=place_name(rng, used) + "社区", code=f"{scode}{c_no:03d}", id_areas=areas,
                    station=index % 100))
                index += 1
    return plan
