"""12345 work orders, the pure parts: reading an order, a file's rows, matching an address."""
from __future__ import annotations

import datetime as dt

import pytest

from gridworker.server.hotline import (OrderError, Place, match_address, orders_from_rows, parse_limit,
                                       parse_order, parse_time)

A, B = "comm-a", "comm-b"
GOOD = {"number": "GD20261103001", "called_at": "2026-11-03 09:30", "caller_text": "楼道堆放杂物，堵住消防通道",
        "address": "阳光花园3幢2单元501室", "category": "安全隐患", "limit": "3天"}


def test_an_order_is_read_with_its_time_in_china_time_and_its_limit():
    o = parse_order(GOOD)
    assert o.called_at == "2026-11-03T09:30:00+08:00" and (o.limit_hours, o.limit_days) == (None, 3)
    assert o.kind == "help"
    assert parse_order({**GOOD, "limit": 24, "kind": "投诉"}).limit_hours == 24
    assert parse_order({**GOOD, "limit": "24小时"}).kind == "help"
    assert parse_limit("48h") == (48, None) and parse_limit("5个工作日") == (None, 5) and parse_limit("") == (None, None)
    assert parse_time("2026年11月3日 9:05") == "2026-11-03T09:05:00+08:00"
    assert parse_time(dt.datetime(2026, 11, 3, 9, 5)) == "2026-11-03T09:05:00+08:00"
    assert parse_time("2026-11-03T01:05:00+00:00") == "2026-11-03T01:05:00+00:00"


@pytest.mark.parametrize("field,value", [
    ("number", ""), ("number", "GD 2026"), ("number", "=cmd|' /C calc'!A0"), ("called_at", "昨天"),
    ("called_at", "1899-01-01"), ("caller_text", None), ("caller_text", "坏\x00字"), ("address", "  "),
    ("limit", "三天"), ("limit", 0), ("limit", "999天"), ("kind", "表扬"), ("category", "x" * 65),
])
def test_a_bad_order_names_the_field(field, value):
    with pytest.raises(OrderError) as err:
        parse_order({**GOOD, field: value})
    assert err.value.field == field and err.value.message


def test_a_files_bad_rows_are_reported_with_row_and_column_and_the_good_ones_kept():
    rows = [
        [None, None],
        ["工单编号", "来电时间", "来电内容", "地址", "类别", "时限"],
        ["GD1", "2026-11-03 09:30", "噪音扰民", "阳光花园3幢2单元501室", "", "24小时"],
        ["GD2", "不是时间", "路灯不亮", "阳光花园5幢", "", ""],
        [None, None, None, None, None, None],
        ["GD1", "2026-11-03 10:00", "重复的单号", "阳光花园3幢", "", ""],
        ["GD3", "2026-11-04", "井盖缺失", "", "", "2天"],
        ["GD4", "2026-11-04", "井盖缺失", "阳光花园1幢", "", "2 weeks"],
    ]
    got = orders_from_rows(rows)
    assert [(r, o.number) for r, o in got.orders] == [(3, "GD1")]
    assert [(p["row"], p["column"]) for p in got.problems] == [(4, "来电时间"), (6, "工单编号"), (7, "地址"), (8, "时限")]
    assert "第 3 行" in got.problems[1]["reason"]
    missing = orders_from_rows([["编号", "内容"], ["x", "y"]])
    assert missing.problems[0]["row"] == 1 and "来电时间" in missing.problems[0]["reason"] and not missing.orders


PLACES = [Place(A, "阳光花园", "3", "阳光花园|3|2|501", "hh-1"), Place(A, "阳光花园", "3", "阳光花园|3|2|502", "hh-2"),
          Place(A, "阳光花园", "5"), Place(B, "幸福里", "1"), Place(B, "双拥小区", "1"), Place(A, "双拥小区", "2")]
NAMES = {A: "甲社区", B: "乙社区"}


def test_an_address_is_matched_to_a_household_a_building_an_estate_or_a_community_name():
    assert match_address("阳光花园 三号楼二单元501", PLACES, NAMES) == match_address("阳光花园3幢2单元501室", PLACES)
    m = match_address("阳光花园三号楼二单元501", PLACES, NAMES)
    assert (m.community_id, m.household_id) == (A, "hh-1")
    assert match_address("阳光花园5栋1单元101", PLACES, NAMES).community_id == A
    assert match_address("阳光花园7幢", PLACES, NAMES).community_id == A  # the estate is A's alone
    assert match_address("幸福里东门口", PLACES, NAMES).community_id == B
    assert match_address("双拥小区1幢1单元101室", PLACES, NAMES).community_id == B
    shared = match_address("双拥小区门口", PLACES, NAMES)
    assert shared.community_id is None and "多个社区" in shared.reason
    assert match_address("人民路88号（乙社区门口）", PLACES, NAMES).community_id == B
    nowhere = match_address("人民路88号", PLACES, NAMES)
    assert nowhere.community_id is None and nowhere.household_id is None and "人工指派" in nowhere.reason


def test_an_address_with_the_city_and_district_before_the_estate_still_matches():
    m = match_address("江苏省无锡市梁溪区阳光花园3幢2单元502室", PLACES, NAMES)
    assert (m.community_id, m.household_id) == (A, "hh-2")
    assert match_address("无锡市幸福里7幢", PLACES, NAMES).community_id == B


def test_an_uploaded_csv_in_gb18030_is_read_and_a_wrong_file_type_refused():
    from gridworker.server.errors import BadRequest
    from gridworker.server.hotline import read_orders_bytes

    data = "工单编号,来电时间,来电内容,地址\nGD9,2026-11-03 09:30,噪音扰民,阳光花园3幢\n".encode("gb18030")
    got = read_orders_bytes(data, "工单.csv")
    assert [(r, o.number, o.address) for r, o in got.orders] == [(2, "GD9", "阳光花园3幢")] and not got.problems
    with pytest.raises(BadRequest):
        read_orders_bytes(b"MZ\x90\x00", "orders.exe")
