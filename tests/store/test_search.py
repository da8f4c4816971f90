"""Household search: every way a grid worker looks a household up, with filters, on a real database."""
from __future__ import annotations

import datetime as dt

import pytest

from gridworker.domain.visits import is_overdue
from gridworker.store import search
from gridworker.store.search import count_households, search_households, search_residents

NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _addresses(conn, text="", **kw):
    return [h.address for h in search_households(conn, text, now=NOW, **kw)]


@pytest.fixture
def town(db, actor, grid_id):
    """Six households in two estates and two grids, with residents, a party member and visits."""
    ids = {}
    with db.write(actor) as uow:
        ids["grid2"] = uow.insert("org_unit", {"code": "320211001002", "name": "第二网格", "level": "grid"})
        ids["b3"] = uow.insert("building", {"grid_id": grid_id, "estate": "阳光花园", "building_no": "3"})
        ids["zhang"] = uow.insert("household", {
            "address": "阳光花园3幢2单元501室", "head_name": "张三", "phone": "13812345678",
            "grid_id": grid_id, "building_id": ids["b3"], "attention_level": "high", "tags": ["独居老人"]})
        ids["zhang_r"] = uow.insert("resident", {"household_id": ids["zhang"], "name": "张三",
                                                 "id_number": "11010519491231002X", "phone": "13812345678",
                                                 "relation": "02"})
        ids["li"] = uow.insert("household", {"address": "阳光花园10幢1单元101室", "head_name": "王芳",
                                             "grid_id": grid_id, "attention_level": "key"})
        ids["li_r"] = uow.insert("resident", {"household_id": ids["li"], "name": "李建国", "phone": "13900001111",
                                              "tags": ["残疾人"]})
        uow.insert("resident", {"household_id": ids["li"], "name": "王芳", "relation": "02"})
        ids["shan"] = uow.insert("household", {"address": "阳光花园3幢1单元202室", "head_name": "单雄信",
                                               "grid_id": grid_id, "building_id": ids["b3"]})
        ids["zeng"] = uow.insert("household", {"address": "金色家园1幢1单元101室", "head_name": "曾小明",
                                               "grid_id": ids["grid2"], "phone": "0510-82345678"})
        ids["ouyang"] = uow.insert("household", {"address": "金色家园2幢1单元301室", "head_name": "欧阳娜娜",
                                                 "grid_id": ids["grid2"]})
        ids["member"] = uow.insert("party_member", {"name": "周党员", "phone": "13700007777"})
        uow.insert("contact_link", {"kind": "member_household", "from_id": ids["member"], "to_id": ids["ouyang"]})
        uow.append("visit", {"household_id": ids["li"], "mode": "door",
                             "visited_at": (NOW - dt.timedelta(days=8)).isoformat()})
        uow.append("visit", {"household_id": ids["zhang"], "mode": "door",
                             "visited_at": (NOW - dt.timedelta(days=8)).isoformat()})
        uow.append("visit", {"household_id": ids["shan"], "mode": "phone",
                             "visited_at": (NOW - dt.timedelta(days=20)).isoformat()})
    return ids


# --------------------------------------------------------------------------- what a query finds
@pytest.mark.parametrize("query, expected", [
    ("张", ["阳光花园3幢2单元501室"]),
    ("张三", ["阳光花园3幢2单元501室"]),
    ("建国", ["阳光花园10幢1单元101室"]),           # a given name finds 李建国
    ("李", ["阳光花园10幢1单元101室"]),             # a resident who is not the head
    ("zhangsan", ["阳光花园3幢2单元501室"]),
    ("zhangs", ["阳光花园3幢2单元501室"]),
    ("zs", ["阳光花园3幢2单元501室"]),
    ("ZS", ["阳光花园3幢2单元501室"]),
    ("z", ["阳光花园3幢2单元501室", "金色家园1幢1单元101室",   # 张三, 曾小明, and 周党员 assigned
           "金色家园2幢1单元301室"]),              # to 欧阳娜娜; not 单雄信 (shan)
    ("shan", ["阳光花园3幢1单元202室"]),            # 单 as a surname is shan
    ("dan", []),
    ("zeng", ["金色家园1幢1单元101室"]),            # 曾 as a surname is zeng
    ("oy", ["金色家园2幢1单元301室"]),              # compound surname 欧阳
    ("5678", ["阳光花园3幢2单元501室", "金色家园1幢1单元101室"]),  # mobile and landline tails
    ("1111", ["阳光花园10幢1单元101室"]),
    ("002x", ["阳光花园3幢2单元501室"]),            # ID tail, lower-case x
    ("1231002X", ["阳光花园3幢2单元501室"]),
    ("11010519491231002X", ["阳光花园3幢2单元501室"]),
    ("阳光", ["阳光花园3幢1单元202室", "阳光花园3幢2单元501室", "阳光花园10幢1单元101室"]),
    ("金", ["金色家园1幢1单元101室", "金色家园2幢1单元301室"]),
    ("3幢2单元", ["阳光花园3幢2单元501室"]),
    ("3栋2单元", ["阳光花园3幢2单元501室"]),        # written the other way
    ("501", ["阳光花园3幢2单元501室"]),
    ("周党员", ["金色家园2幢1单元301室"]),          # the party member assigned to the household
    ("独居", ["阳光花园3幢2单元501室"]),            # the start of a tag
    ("残疾人", ["阳光花园10幢1单元101室"]),         # a resident's care tag
    ("张 阳光", ["阳光花园3幢2单元501室"]),         # every word must match
    ("张 金色", []),
    ("不存在的人", []),
])
def test_query_finds_households(db, town, query, expected):
    with db.read() as conn:
        got = _addresses(conn, query)
        assert sorted(got) == sorted(expected)
        assert count_households(conn, query) == len(expected)


def test_results_say_which_key_matched(db, town):
    with db.read() as conn:
        (hit,) = search_households(conn, "ljg")
        assert [(m.field, m.value) for m in hit.matched] == [("resident.initials", "李建国")]
        assert hit.matched_names == ["李建国"]
        assert hit.head_name == "王芳" and sorted(hit.member_names) == ["李建国", "王芳"]
        (hit,) = search_households(conn, "5678 阳光")
        assert {m.field for m in hit.matched} == {"resident.phone", "household.estate"}
        assert hit.phone == "13812345678"  # raw: masking is the caller's job
        (hit,) = search_households(conn, "zdy")
        assert [(m.field, m.value) for m in hit.matched] == [("party_member.initials", "周党员")]
        (hit,) = search_households(conn, "501")
        assert hit.matched[-1].field == "household.address"


def test_jg_does_not_match_given_name_initials(db, town):
    """Initials are matched from the start of the whole name (ljg), not from the given name."""
    with db.read() as conn:
        assert search_households(conn, "jg") == []


def test_unfiltered_list_is_in_natural_address_order_and_pages(db, town):
    with db.read() as conn:
        everything = _addresses(conn)
        assert everything == ["金色家园1幢1单元101室", "金色家园2幢1单元301室", "阳光花园3幢1单元202室",
                              "阳光花园3幢2单元501室", "阳光花园10幢1单元101室"]
        assert _addresses(conn, limit=2, offset=2) == everything[2:4]
        assert count_households(conn) == 5
        assert count_households(conn, cap=3) == 3


# --------------------------------------------------------------------------- filters
def test_filters_combine_with_text(db, town, grid_id):
    with db.read() as conn:
        assert _addresses(conn, "", grid_id=town["grid2"]) == ["金色家园1幢1单元101室", "金色家园2幢1单元301室"]
        assert _addresses(conn, "z", grid_id=town["grid2"]) == ["金色家园1幢1单元101室", "金色家园2幢1单元301室"]
        assert _addresses(conn, "z", grid_id=grid_id) == ["阳光花园3幢2单元501室"]
        assert _addresses(conn, "", building_id=town["b3"]) == ["阳光花园3幢1单元202室", "阳光花园3幢2单元501室"]
        assert _addresses(conn, "", estate="金色家园") == ["金色家园1幢1单元101室", "金色家园2幢1单元301室"]
        assert _addresses(conn, "", tag="独居老人") == ["阳光花园3幢2单元501室"]
        # A resident's care tag marks the household too.
        assert _addresses(conn, "", tag="残疾人") == ["阳光花园10幢1单元101室"]
        assert _addresses(conn, "张", tag="残疾人") == []
        assert _addresses(conn, "", attention_level="key") == ["阳光花园10幢1单元101室"]
        assert count_households(conn, "z", grid_id=grid_id) == 1


def test_overdue_follows_attention_level_and_now(db, town):
    """high: 7 days, key: 30, normal: 90; never visited is overdue."""
    with db.read() as conn:
        overdue = _addresses(conn, "", overdue=True)
        # 张 (high, 8 days ago) and the two never-visited 金色家园 households; 李 (key, 8 days) and
        # 单 (normal, 20 days) are not.
        assert overdue == ["金色家园1幢1单元101室", "金色家园2幢1单元301室", "阳光花园3幢2单元501室"]
        assert _addresses(conn, "", overdue=False) == ["阳光花园3幢1单元202室", "阳光花园10幢1单元101室"]
        a_week_earlier = NOW - dt.timedelta(days=2)
        assert [h.address for h in search_households(conn, "", overdue=True, now=a_week_earlier)] == [
            "金色家园1幢1单元101室", "金色家园2幢1单元301室"]
        # A city that visits key households weekly.
        assert "阳光花园10幢1单元101室" in _addresses(conn, "", overdue=True, intervals={"key": 7})
        by_wait = [h.address for h in search_households(conn, "", overdue=True, order_by="last_visit", now=NOW)]
        assert by_wait[:2] == ["金色家园1幢1单元101室", "金色家园2幢1单元301室"]  # never visited first
        assert count_households(conn, "", overdue=True, now=NOW) == 3
        flags = {h.address: h.overdue for h in search_households(conn, "", now=NOW)}
        assert flags["阳光花园3幢2单元501室"] and not flags["阳光花园3幢1单元202室"]


@pytest.mark.parametrize("level, days_ago", [
    ("high", 6), ("high", 7.01), ("key", 29), ("key", 31), ("normal", 89), ("normal", 91), ("normal", None)])
def test_overdue_agrees_with_the_domain_rule(db, actor, level, days_ago):
    with db.write(actor) as uow:
        hid = uow.insert("household", {"address": "测试小区1幢1单元101室", "attention_level": level})
        if days_ago is not None:
            uow.append("visit", {"household_id": hid, "mode": "door",
                                 "visited_at": (NOW - dt.timedelta(days=days_ago)).isoformat()})
    last = None if days_ago is None else NOW - dt.timedelta(days=days_ago)
    with db.read() as conn:
        (hit,) = search_households(conn, "", now=NOW)
        assert hit.overdue == is_overdue(last, level, NOW)
        assert count_households(conn, "", overdue=True, now=NOW) == int(is_overdue(last, level, NOW))


# --------------------------------------------------------------------------- the index follows every change
def test_index_follows_edits_moves_and_deletes(db, actor, town):
    with db.write(actor) as uow:
        uow.update("resident", town["li_r"], {"name": "李卫国"})
    with db.read() as conn:
        assert _addresses(conn, "建国") == []
        assert _addresses(conn, "weiguo") == []  # pinyin of the whole name only: liweiguo
        assert _addresses(conn, "liweiguo") == ["阳光花园10幢1单元101室"]
    # 李卫国 moves to 单's household: the old one no longer matches.
    with db.write(actor) as uow:
        uow.update("resident", town["li_r"], {"household_id": town["shan"]})
    with db.read() as conn:
        assert _addresses(conn, "卫国") == ["阳光花园3幢1单元202室"]
        assert _addresses(conn, "", tag="残疾人") == ["阳光花园3幢1单元202室"]
    with db.write(actor) as uow:
        uow.delete("resident", town["li_r"])
        uow.update("household", town["zhang"], {"address": "阳光花园12幢1单元101室"})
    with db.read() as conn:
        assert _addresses(conn, "卫国") == []
        assert _addresses(conn, "3幢2单元") == []
        assert _addresses(conn, "张")[0] == "阳光花园12幢1单元101室"
    with db.write(actor) as uow:
        uow.delete("household", town["zhang"])
    with db.read() as conn:
        assert _addresses(conn, "张") == []
        assert count_households(conn) == 4
    with db.write(actor) as uow:
        uow.undelete("household", town["zhang"])
    with db.read() as conn:
        assert _addresses(conn, "zs") == ["阳光花园12幢1单元101室"]


def test_party_member_link_and_rename(db, actor, town):
    with db.write(actor) as uow:
        uow.update("party_member", town["member"], {"name": "吴党员"})
    with db.read() as conn:
        assert _addresses(conn, "周党员") == []
        assert _addresses(conn, "吴党员") == ["金色家园2幢1单元301室"]
    with db.read() as conn:
        link_id = conn.exec_driver_sql("SELECT id FROM contact_link").scalar()
    with db.write(actor) as uow:
        uow.update("contact_link", link_id, {"active": False})
    with db.read() as conn:
        assert _addresses(conn, "吴党员") == []


def test_visits_and_voided_visits_move_the_overdue_flag(db, actor, town):
    with db.write(actor) as uow:
        visit = uow.append("visit", {"household_id": town["zeng"], "mode": "door",
                                     "visited_at": (NOW - dt.timedelta(days=1)).isoformat()})
    with db.read() as conn:
        assert "金色家园1幢1单元101室" not in _addresses(conn, "", overdue=True)
    with db.write(actor) as uow:
        uow.append("visit", {"household_id": town["zeng"], "mode": "door", "voids_id": visit,
                             "visited_at": (NOW - dt.timedelta(days=200)).isoformat(), "summary": "录错了"})
    with db.read() as conn:
        assert "金色家园1幢1单元101室" in _addresses(conn, "", overdue=True)
    # A rebuild (after a first sync) works the last visits out again from all visits: the voided
    # visit stays voided there too.
    from gridworker.store import search_index

    with db.sync_transaction() as conn:
        kept = _index_state(conn)
        search_index.rebuild(conn)
        assert _index_state(conn) == kept
    with db.read() as conn:
        assert "金色家园1幢1单元101室" in _addresses(conn, "", overdue=True)


def test_a_failed_unit_of_work_leaves_the_index_as_it_was(db, actor, town):
    with pytest.raises(RuntimeError):
        with db.write(actor) as uow:
            uow.insert("household", {"address": "失败小区1幢1单元101室", "head_name": "钱多多"})
            uow.update("resident", town["zhang_r"], {"name": "张四"})
            raise RuntimeError("boom")
    with db.read() as conn:
        assert _addresses(conn, "钱") == []
        assert _addresses(conn, "张三") == ["阳光花园3幢2单元501室"]


def test_rebuild_gives_the_same_answers_as_incremental_upkeep(db, actor, town):
    from gridworker.store import search_index

    queries = ["", "z", "张", "阳光", "5678", "002x", "周党员", "3幢"]
    with db.read() as conn:
        before = {q: _addresses(conn, q) for q in queries}
        overdue = _addresses(conn, "", overdue=True)
    with db.sync_transaction() as conn:
        assert search_index.rebuild(conn) == 5
    with db.read() as conn:
        assert {q: _addresses(conn, q) for q in queries} == before
        assert _addresses(conn, "", overdue=True) == overdue


# --------------------------------------------------------------------------- residents
def test_search_residents(db, town):
    with db.read() as conn:
        (r,) = search_residents(conn, "lijianguo")
        assert (r.name, r.household_id, r.address) == ("李建国", town["li"], "阳光花园10幢1单元101室")
        assert [m.field for m in r.matched] == ["resident.pinyin"]
        (r,) = search_residents(conn, "002X")
        assert r.id_number == "11010519491231002X"
        assert [x.name for x in search_residents(conn, "", household_id=town["li"])] == ["王芳", "李建国"]
        assert [x.name for x in search_residents(conn, "阳光")] == ["张三", "王芳", "李建国"]
        assert [x.name for x in search_residents(conn, "", tag="残疾人")] == ["李建国"]
        assert search_residents(conn, "周党员") == []  # a party member who is not a resident here


def test_bad_order_is_refused(db, town):
    with db.read() as conn, pytest.raises(ValueError):
        search_households(conn, "", order_by="名字")


def test_both_plans_give_the_same_answers(db, actor, grid_id, monkeypatch):
    """Whether a small set drives the query or the households are walked in order, the answer and
    its order are the same (the plan is chosen from measured sizes; here both are forced)."""
    surnames = "张王李赵周吴郑"
    with db.write(actor) as uow:
        for i in range(60):
            hid = uow.insert("household", {
                "address": f"{'东西'[i % 2]}苑{i % 7 + 1}幢{i % 2 + 1}单元{i + 101}室", "grid_id": grid_id if i % 3 else None,
                "head_name": surnames[i % 7] + "某", "phone": f"138{i:08d}",
                "tags": ["独居老人"] if i % 4 == 0 else [], "attention_level": ("high", "key", "normal")[i % 3]})
            uow.insert("resident", {"household_id": hid, "name": surnames[(i * 3) % 7] + "小" + "红明"[i % 2]})
            if i % 5:
                uow.append("visit", {"household_id": hid, "mode": "door",
                                     "visited_at": (NOW - dt.timedelta(days=i * 3)).isoformat()})
    cases = [("", {}), ("z", {}), ("张", {}), ("小红", {"grid_id": grid_id}), ("东", {"tag": "独居老人"}),
             ("w", {"overdue": True}), ("0001", {}), ("3幢", {}), ("z 西", {"overdue": False}),
             ("", {"tag": "独居老人", "overdue": True})]
    with db.read() as conn:
        answers = {}
        for big in (True, False):
            # MEASURE_CAP=1 makes every set "too big to list" (walk); a huge one lets every set drive.
            monkeypatch.setattr(search, "MEASURE_CAP", 1 if big else 10**9)
            monkeypatch.setattr(search, "COST_WALK", 0.0 if big else 10**9)
            for q, f in cases:
                got = ([h.id for h in search_households(conn, q, now=NOW, **f)],
                       count_households(conn, q, now=NOW, **f))
                answers.setdefault((q, tuple(f.items())), []).append(got)
        for key, (walked, listed) in answers.items():
            assert walked == listed, key
        assert any(w[1] > 0 for w, _ in answers.values())


def test_any_text_is_a_valid_query(db, town):
    """Whatever is typed (quotes, FTS syntax, emoji, full-width), search answers and never fails."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    alphabet = st.sampled_from(list('张三阳光花园幢单元室0123456789xXzsZ "*-:()^.·　１２ａ😀') + ["NEAR", "AND", "OR"])

    @settings(max_examples=60, deadline=None)
    @given(st.lists(alphabet, max_size=8).map("".join))
    def check(text):
        with db.read() as conn:
            hits = search_households(conn, text, now=NOW)
            assert len(hits) == count_households(conn, text, now=NOW) <= 5
            search_residents(conn, text)

    check()


def test_sensitive_tags_are_never_searchable(db, actor, town):
    """特殊人群 tags are role-restricted: the index never holds them, so no search reveals them."""
    with db.write(actor) as uow:
        uow.update("resident", town["li_r"], {"sensitive_tags": ["社区矫正对象"]})
    with db.read() as conn:
        assert _addresses(conn, "社区矫正") == []
        assert _addresses(conn, "", tag="社区矫正对象") == []
        (hit,) = search_households(conn, "李建国")
        assert "社区矫正对象" not in hit.tags
        assert search_residents(conn, "", tag="社区矫正对象") == []


def _index_state(conn) -> dict:
    """The whole search index, with its internal numbers (doc, ref) replaced by the ids they stand for."""
    rows = {r[0]: r[1:] for r in conn.exec_driver_sql(
        "SELECT household_id, community_id, grid_id, building_id, estate, address, addr_sort, head_name, phone,"
        " tags, attention_level, last_visit_at, last_visit_utc, member_names FROM search_household")}
    keys = sorted(conn.exec_driver_sql(
        "SELECT h.household_id, k.key, k.kind, coalesce(r.ref_id, '') FROM search_key k"
        " JOIN search_household h ON h.doc = k.doc LEFT JOIN search_ref r ON r.ref = k.ref AND k.ref != 0"))
    refs = [tuple(r) for r in conn.exec_driver_sql(
        "SELECT h.household_id, r.ref_id, r.kind, r.name FROM search_ref r JOIN search_household h ON h.doc = r.doc"
        " ORDER BY h.household_id, r.ref")]
    addresses = sorted(conn.exec_driver_sql(
        "SELECT h.household_id, a.address FROM search_address a JOIN search_household h ON h.doc = a.rowid"))
    return {"rows": rows, "keys": keys, "refs": refs, "addresses": addresses}


def test_changes_to_households_alone_leave_the_index_as_a_rebuild_makes_it(db, actor, town):
    """A change to household rows only (the pull of a new phone number on 1,000 households) makes
    neither the people's keys nor the last visits again: what it leaves must be what a rebuild gives."""
    from gridworker.store import search_index

    def check(step: str) -> None:
        with db.sync_transaction() as conn:
            kept = _index_state(conn)
            conn.exec_driver_sql("SAVEPOINT rebuilt")
            search_index.rebuild(conn)
            rebuilt = _index_state(conn)
            conn.exec_driver_sql("ROLLBACK TO rebuilt")
        assert kept == rebuilt, step
        assert kept["keys"] and kept["rows"], step

    with db.write(actor) as uow:  # the head's phone: also a resident's, then not
        uow.update("household", town["zhang"], {"phone": "13655556666"})
    check("phone")
    with db.read() as conn:
        assert _addresses(conn, "6666") == ["阳光花园3幢2单元501室"]
        assert sorted(_addresses(conn, "5678")) == ["金色家园1幢1单元101室", "阳光花园3幢2单元501室"]  # the resident's
    with db.write(actor) as uow:  # the head becomes a resident's name; a tag; the party member's household
        uow.update("household", town["li"], {"head_name": "李建国", "tags": ["出租户"]})
        uow.update("household", town["ouyang"], {"phone": "13911112222", "attention_level": "key"})
    check("head, tags, a party member's household")
    with db.write(actor) as uow:  # a household and a visit to it, in one transaction
        uow.update("household", town["zeng"], {"phone": "0510-88886666"})
        uow.append("visit", {"household_id": town["zeng"], "mode": "door",
                             "visited_at": (NOW - dt.timedelta(days=2)).isoformat()})
    check("household and visit")
    with db.read() as conn:
        assert "金色家园1幢1单元101室" not in _addresses(conn, "", overdue=True)
    with db.write(actor) as uow:  # gone from the index, then back with its residents (no person changed)
        uow.delete("household", town["li"])
    check("delete")
    with db.write(actor) as uow:
        uow.undelete("household", town["li"])
        uow.update("household", town["shan"], {"phone": "13800001234"})
        uow.insert("household", {"address": "金色家园9幢1单元101室", "head_name": "新户主", "grid_id": town["grid2"]})
    check("undelete, a change, a new household")
    with db.read() as conn:
        assert _addresses(conn, "建国") == ["阳光花园10幢1单元101室"]  # its resident's keys are back
        assert _addresses(conn, "13900001111") == ["阳光花园10幢1单元101室"]
        assert _addresses(conn, "新户主") == ["金色家园9幢1单元101室"]
