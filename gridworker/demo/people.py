"""Estates, buildings, households and residents of one demo community.

Households fill the rooms of real-shaped buildings (walk-ups of 5-7 floors in older estates,
towers of 11-33 floors in newer ones); a household is a family of about 2.5 people whose ages,
genders and relations to the head (GB/T 4761) fit together, with valid ID numbers (GB 11643,
the sequence digit matching the gender) and phones.
"""
from __future__ import annotations

import json
from bisect import bisect
from datetime import date, datetime
from itertools import accumulate

from ..domain.address import AddressParts, address_key
from ..domain.idcard import check_char
from .context import BuildingInfo, Community, Grid, Home, Person
from .names import NAMES
from .places import MIGRANT_AREAS, PHONE_AREA, estate_name, road_name
from .rowkit import CHINA, DAY, iso

MOBILE_PREFIXES = tuple(
    "130 131 132 133 134 135 136 137 138 139 147 150 151 152 153 155 156 157 158 159 166 "
    "173 175 176 177 178 180 181 182 183 184 185 186 187 188 189 191 198 199".split())

# Household size: mean about 2.5 (the city's census figure).
_SIZES = (1, 2, 3, 4, 5, 6)
_SIZE_CUM = list(accumulate((0.23, 0.30, 0.27, 0.11, 0.06, 0.03)))

_MIGRANT_HOME = {
    "320321": "江苏省徐州市丰县", "320923": "江苏省盐城市阜宁县", "321302": "江苏省宿迁市宿城区",
    "320830": "江苏省淮安市盱眙县", "341221": "安徽省阜阳市临泉县", "342201": "安徽省宿州市埇桥区",
    "341202": "安徽省阜阳市颍州区", "340102": "安徽省合肥市瑶海区", "411723": "河南省驻马店市平舆县",
    "411302": "河南省南阳市宛城区", "510105": "四川省成都市青羊区", "320402": "江苏省常州市天宁区",
    "320506": "江苏省苏州市吴中区", "321102": "江苏省镇江市京口区", "320102": "江苏省南京市玄武区",
    "430102": "湖南省长沙市芙蓉区", "420102": "湖北省武汉市江岸区", "370102": "山东省济南市历下区",
    "360102": "江西省南昌市东湖区", "500101": "重庆市万州区",
}

_OCCUPATIONS = ("企业职员", "工人", "个体经营", "教师", "医护人员", "公务员", "自由职业", "快递员",
                "外卖骑手", "企业管理人员", "销售人员", "专业技术人员", "服务业人员", "待业")
_WORKPLACES = ("无锡市第二人民医院", "无锡尚德太阳能电力有限公司", "无锡市滨湖区实验学校",
               "海澜集团无锡分公司", "无锡地铁集团有限公司", "无锡农村商业银行", "无锡华润燃气有限公司",
               "无锡市梁溪区人民政府", "美团配送无锡站", "顺丰速运无锡分部", "无锡一棉纺织集团",
               "江苏长电科技股份有限公司", "无锡小天鹅电器有限公司", "个体", "无锡万达广场")
_ETHNIC = ("汉族",) * 197 + ("回族", "满族", "苗族")
# (birth year from, education codes by share): GB/T 4658 top-level codes.
_EDU = ((0, ("80", "80", "90", "70", "70", "60")), (1950, ("70", "70", "60", "80", "40", "30")),
        (1970, ("60", "70", "40", "30", "20", "20")), (1985, ("20", "20", "30", "30", "60", "10")))
_EDU_STARTS = [e[0] for e in _EDU]


# --------------------------------------------------------------------------- layout
def layout(c: Community) -> None:
    """Grids, estates and buildings with enough rooms for the community's households."""
    rng, plan = c.rng, c.plan
    c.add("org_unit", id=c.id, code=plan.code, name=plan.name, level="community",
          parent_id=plan.street_id, updated_at=iso(c.now - 400 * DAY), hlc=c.stamps.at(c.now - 400 * DAY))
    c.secretary = NAMES.name(rng, rng.random() < 0.5, 1975)
    need = plan.households
    grid_target = 300 + int(rng.random() * 200)
    grid: Grid | None = None
    grid_homes = 0
    rooms = 0
    estate_left = 0
    estate = road = ""
    building_no = 0
    old_estate = False
    while rooms < need:
        if estate_left <= 0:
            estate = estate_name(rng, c.used_names)
            road = road_name(rng, c.used_names)
            estate_left = 600 + int(rng.random() * 1800)
            building_no = 0
            old_estate = rng.random() < 0.45
            door_no = 1 + int(rng.random() * 300)
        if grid is None or grid_homes >= grid_target:
            k = len(c.grids) + 1
            grid = Grid(c.new_id(), f"{plan.name}第{k}网格", NAMES.name(rng, rng.random() < 0.4, 1985))
            c.grids.append(grid)
            c.add("org_unit", id=grid.id, code=f"{plan.code}{k:03d}", name=grid.name, level="grid",
                  parent_id=c.id, updated_at=iso(c.now - 400 * DAY), hlc=c.stamps.at(c.now - 400 * DAY))
            grid_homes = 0
            grid_target = 300 + int(rng.random() * 200)
        building_no += 1
        if old_estate:
            floors = 5 + int(rng.random() * 3)
            units = 1 + int(rng.random() * 4)
            per_floor = 2
            areas = [4800 + int(rng.random() * 4600) for _ in range(per_floor)]
        else:
            floors = c.pick((11, 11, 17, 18, 18, 26, 33))
            units = 1 + int(rng.random() * 3)
            per_floor = c.pick((2, 2, 3, 4))
            areas = [7500 + int(rng.random() * 8500) for _ in range(per_floor)]
        b = BuildingInfo(c.new_id(), estate, str(building_no))
        c.buildings.append(b)
        c.add("building", id=b.id, grid_id=grid.id, estate=estate, building_no=b.number, unit_count=units,
              floors=floors, address=f"{road}{door_no}号{estate}{building_no}幢",
              updated_at=iso(c.now - 400 * DAY), hlc=c.stamps.at(c.now - 400 * DAY))
        for unit in range(1, units + 1):
            for floor in range(1, floors + 1):
                for k in range(per_floor):
                    if rooms >= need:
                        break
                    room = f"{floor}{k + 1:02d}"
                    address = f"{estate}{building_no}幢{unit}单元{room}室"
                    a = areas[k]
                    home = Home(c.new_id(), grid, b.id, estate, address, None, f"{a // 100}.{a % 100:02d}")
                    home.parts = (b.number, str(unit), room, floor, f"{road}{door_no}号")
                    b.homes.append(home)
                    grid.homes.append(home)
                    c.homes.append(home)
                    rooms += 1
                    grid_homes += 1
        estate_left -= units * floors * per_floor



# --------------------------------------------------------------------------- people
def _size(c: Community) -> int:
    return _SIZES[bisect(_SIZE_CUM, c.rng.random() * _SIZE_CUM[-1])]


def _mobile(c: Community) -> str:
    return f"{c.pick(MOBILE_PREFIXES)}{int(c.rng.random() * 100_000_000):08d}"


def _landline(c: Community) -> str:
    return f"{PHONE_AREA}-8{int(c.rng.random() * 10_000_000):07d}"


def _family(c: Community, tenure: str) -> list[tuple[str, bool, int]]:
    """(relation code, male, age) for each member, head first, ages fitting the relations."""
    rng = c.rng
    r = rng.random
    n = _size(c)
    if tenure == "rent":
        n = min(n, 4)
    if n == 1:
        if r() < (0.2 if tenure == "rent" else 0.45):
            age = 60 + int(r() * 33)
            return [("02", r() < 0.35, age)]
        return [("02", r() < 0.55, 22 + int(r() * 38))]
    if tenure == "rent" and r() < 0.35:
        # Flat-sharing tenants: the head and non-relatives (99).
        return [("02", r() < 0.5, 21 + int(r() * 20))] + [("99", r() < 0.5, 20 + int(r() * 20)) for _ in range(n - 1)]
    kind = r()
    if n == 2:
        if kind < 0.45:
            head = 60 + int(r() * 28)
            return [("02", True, head), ("10", False, max(55, head - 5 + int(r() * 8)))]
        if kind < 0.75:
            head = 25 + int(r() * 35)
            return [("02", True, head), ("10", False, max(22, head - 4 + int(r() * 7)))]
        male = r() < 0.4
        head = 38 + int(r() * 35)
        child_age = max(0, head - 22 - int(r() * 16))
        son = r() < 0.52
        return [("02", male, head), ("20" if son else "30", son, child_age)]
    head_male = r() < 0.75
    head = 28 + int(r() * 30) if n < 5 else 32 + int(r() * 20)
    spouse = max(21, head + (-3 if head_male else 3) + int(r() * 5) - 2)
    people = [("02", head_male, head), ("10", not head_male, spouse)]
    mother = spouse if head_male else head
    children = 1 if n == 3 else 2 if n in (4, 6) else 1
    with_parents = (n == 4 and kind < 0.5) or n >= 5
    if n == 4 and with_parents:
        children = 1
    if n == 3 and kind < 0.15:
        children, with_parents = 0, True
    for _ in range(children):
        son = r() < 0.52
        people.append(("20" if son else "30", son, max(0, mother - 22 - int(r() * 14))))
    if with_parents:
        older = head + 24 + int(r() * 10)
        wanted = n - len(people)
        if wanted >= 2:
            people += [("50", True, min(older, 99)), ("50", False, min(older - 2, 99))]
        elif wanted == 1:
            people.append(("50", r() < 0.35, min(older, 99)))
    while len(people) < n:  # a further child
        son = r() < 0.52
        people.append(("20" if son else "30", son, max(0, mother - 24 - int(r() * 12))))
    return people


def _id_number(c: Community, area: str, born: date, male: bool) -> str:
    rng = c.rng
    # Residents of a community share its station digits (like a real 派出所); a clash with any
    # number made before in the city moves on to the next free sequence.
    station = c.plan.station
    ymd = f"{born.year:04d}{born.month:02d}{born.day:02d}"
    digit = 2 * int(rng.random() * 5) + (1 if male else 0)  # odd = male (GB 11643)
    # A clash moves on without drawing from the RNG: birth dates depend on "now", and the
    # number of draws must not, or tomorrow's run would give different ids.
    for attempt in range(1000):
        first17 = f"{area}{ymd}{(station + attempt // 5) % 100:02d}{(digit + 2 * attempt) % 10}"
        key = int(first17)
        if key not in c.id_numbers:
            break
    c.id_numbers.add(key)
    return first17 + check_char(first17)


def _education(c: Community, age: int, birth_year: int) -> str | None:
    if age < 6:
        return None
    if age < 12:
        return "80"
    if age < 15:
        return "70"
    return c.pick(_EDU[bisect(_EDU_STARTS, birth_year) - 1][1])


def _care_tags(c: Community, age: int, male: bool, alone: bool, empty_nest: bool) -> list[str]:
    r = c.rng.random
    tags = []
    if age >= 60 and alone:
        tags.append("独居老人")
    elif empty_nest:
        tags.append("空巢老人")
        if r() < 0.03:
            tags.append("留守老人")
    if age >= 70 and r() < (0.02 if age < 80 else 0.08):
        tags.append("失能失智老人")
    if r() < (0.02 if age < 60 else 0.05):
        tags.append("残疾人")
    if male and age >= 35 and r() < 0.04:
        tags.append("优抚对象/退役军人")
    if age < 18:
        x = r()
        if x < 0.004:
            tags.append("困境儿童")
        elif x < 0.010:
            tags.append("留守儿童")
        elif x < 0.0105:
            tags.append("散居孤儿")
    return tags


def _sensitive_tags(c: Community, age: int, male: bool) -> list[str]:
    if age < 12:
        return []
    x = c.rng.random()
    if 12 <= age <= 25 and x < 0.003:
        return ["重点青少年"]
    if age < 18:
        return []
    if x < 0.0035:
        return ["严重精神障碍患者"]
    if male and age <= 65 and x < 0.0055:
        return ["刑满释放人员"]
    if male and age <= 60 and x < 0.0060:
        return ["社区矫正对象"]
    if age <= 60 and x < 0.0065:
        return ["吸毒人员"]
    return []


def populate(c: Community) -> None:
    """Households and residents for every home of the layout."""
    rng = c.rng
    r = rng.random
    today = _today(c)
    today_ord = today.toordinal()
    areas = c.plan.id_areas
    stamp_ts = c.now - 200 * DAY
    updated = iso(stamp_ts)
    hh_add = c.templates["household"].make
    res_add = c.templates["resident"].make
    hh_out, res_out = c.out["household"], c.out["resident"]
    for home in c.homes:
        x = r()
        home.tenure = tenure = "own" if x < 0.75 else "rent" if x < 0.95 else "vacant"
        status = ("match" if r() < 0.9 else "record_only") if tenure == "own" else \
            ("person_only" if r() < 0.85 else "match") if tenure == "rent" else "record_only"
        family = _family(c, tenure)
        surname = NAMES.surname(rng)
        migrant_family = r() < (0.7 if tenure == "rent" else 0.15)
        migrant_area = c.pick(MIGRANT_AREAS)
        alone = len(family) == 1 and tenure != "vacant"
        empty_nest = len(family) >= 2 and all(a >= 60 for _, _, a in family) and tenure != "vacant"
        low_income = r() < 0.012
        special_family = len(family) == 2 and family[0][2] >= 50 and r() < 0.01
        home_tags: list[str] = []
        head_phone = None
        bno, unit, room, floor, door = home.parts
        for i, (relation, male, age) in enumerate(family):
            # ``age`` stays the drawn number: branching on the calendar age would make the
            # rows (and ids) depend on the day the city is generated.
            born = date.fromordinal(today_ord - int(age * 365.2425) - int(r() * 365))
            by = born.year
            if relation == "02" or (relation == "50" and male) or (relation in ("20", "30") and r() < 0.9):
                surname_i = surname  # children and the head's father share the family name
            else:
                surname_i = NAMES.surname(rng)
            name = surname_i + NAMES.given(rng, male, by)
            # Draw the same number of values whatever the birth year (see above).
            x_local, x_area, x_migrant = r(), r(), r()
            local = not migrant_family or (by >= 2012 and x_local < 0.5)
            if local:
                area = areas[0] if by >= 2016 else areas[int(x_area * len(areas))]
            else:
                area = migrant_area if relation != "99" else MIGRANT_AREAS[int(x_migrant * len(MIGRANT_AREAS))]
            idn = _id_number(c, area, born, male)
            if age >= 16 and (age < 75 or r() < 0.6):
                phone = _mobile(c)
            elif age >= 75 and r() < 0.5:
                phone = head_phone or _landline(c)
            else:
                phone = None
            if i == 0:
                head_phone = phone or _landline(c)
            tags = _care_tags(c, age, male, alone, empty_nest)
            if low_income:
                tags.append("低保/低收入")
            if special_family and i < 2:
                tags.append("计生特殊家庭")
            if relation in ("02", "10") and r() < 0.0015 and age >= 60:
                tags.append("特困供养")
            sensitive = _sensitive_tags(c, age, male)
            if age < 22:
                marital = "10"
            elif relation in ("02", "10") and len(family) >= 2 and family[1][0] == "10":
                marital = "20"
            elif age >= 65:
                marital = "30" if r() < 0.7 else "40"
            else:
                marital = c.pick(("10", "10", "40", "20"))
            if age < 6:
                occupation = "学龄前儿童"
            elif age < 18 or (age < 23 and r() < 0.6):
                occupation = "学生"
            elif age >= 60:
                occupation = "离退休人员"
            else:
                occupation = c.pick(_OCCUPATIONS)
            workplace = c.pick(_WORKPLACES) if occupation not in ("学龄前儿童", "学生", "离退休人员", "待业") else None
            political = "03" if 14 <= age <= 28 and r() < 0.3 else "13"
            pid = c.new_id()
            person = Person(pid, name, age, male, phone, relation, by)
            person.row = res_add(
                id=pid, household_id=home.id, name=name, id_number=idn, gender="1" if male else "2",
                ethnicity=c.pick(_ETHNIC), birth_date=born.isoformat(),
                hukou_address=(f"{c.plan.district_name}{home.address}" if local else _MIGRANT_HOME[area]
                               if area in _MIGRANT_HOME else None),
                current_address=None if status == "record_only" else home.address,
                education=_education(c, age, by), marital=marital, political=political,
                occupation=occupation, workplace=workplace, phone=phone, relation=relation,
                tags=json.dumps(tags, ensure_ascii=False), sensitive_tags=json.dumps(sensitive, ensure_ascii=False),
                data_source="demo", updated_at=updated, hlc=c.stamps.at(stamp_ts))
            res_out.append(person.row)
            home.people.append(person)
            for t in tags:
                if t not in home_tags:
                    home_tags.append(t)
            if sensitive:
                critical = sensitive[0] in ("严重精神障碍患者", "吸毒人员", "社区矫正对象")
                if critical or r() < 0.3:
                    home.attention = "high"
                elif home.attention == "normal":
                    home.attention = "key"
        if home.attention == "normal" and home_tags:
            home.attention = "key"
        if home.attention == "key" and "独居老人" in home_tags and "失能失智老人" in home_tags:
            home.attention = "high"
        if tenure == "rent":
            home_tags.append("出租户")
        elif tenure == "vacant":
            home_tags.append("空置户")
        if r() < 0.005:
            home_tags.append("军属户")
        if r() < 0.03:
            home_tags.append("星级文明户")
        if home.attention == "high":
            home_tags.append("重点关注")
        home.tags = home_tags
        head = home.people[0]
        home.row = hh_add(
            id=home.id, grid_id=home.grid.id, building_id=home.building_id, estate=home.estate,
            building_no=bno, unit=unit, room=room, floor=floor, door_plate=door, address=home.address,
            address_key=address_key(AddressParts(home.estate, bno, unit, room, floor)),
            head_name=head.name, phone=head_phone, housing_use="住宅", tenure=tenure,
            residence_status=status, area_m2=home.area, attention_level=home.attention,
            updated_at=updated, hlc=c.stamps.at(stamp_ts))
        hh_out.append(home.row)


def finish_households(c: Community) -> None:
    """Write the final tags (党员户 is known only after the party step)."""
    for home in c.homes:
        home.row["tags"] = json.dumps(home.tags, ensure_ascii=False)



def _today(c: Community) -> date:
    return datetime.fromtimestamp(c.now, CHINA).date()
