"""Addresses: the same flat written five ways must match; odd input never raises."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gridworker.domain.address import (
    AddressParts, address_key, cn_number, floor_from_room, normalize_text, parse_address,
)

SAME_FLAT = [
    "阳光花园3幢2单元501室",
    "阳光花园 3栋2单元501",
    "阳光花园三号楼二单元501",
    "阳光花园3-2-501",
    "阳光花园３＃２单元５０１号",
    "阳光花园3座2单元501室",
    "阳光花园3栋2-501",
    "阳光花园3号楼2门501",
    "阳光花园3号2单元501",
    " 阳光花园  3幢  2单元  501室 ",
    "阳光花园3幢2单元5楼501",
    "阳光花园03幢02单元501",
]


@pytest.mark.parametrize("raw", SAME_FLAT)
def test_variants_of_one_flat_parse_and_key_the_same(raw):
    parts = parse_address(raw)
    assert parts == AddressParts("阳光花园", "3", "2", "501", 5, "")
    assert address_key(parts) == "阳光花园|3|2|501"
    assert address_key(raw) == "阳光花园|3|2|501"
    assert normalize_text(raw) == "阳光花园3幢2单元501室"


@pytest.mark.parametrize("raw, parts", [
    ("阳光花园 3幢 501室", AddressParts("阳光花园", "3", "", "501", 5, "")),
    ("阳光花园3-501", AddressParts("阳光花园", "3", "", "501", 5, "")),
    ("阳光花园十二幢二十一单元1203", AddressParts("阳光花园", "12", "21", "1203", 12, "")),
    ("SOHO现代城A座1单元1203", AddressParts("SOHO现代城", "A", "1", "1203", 12, "")),
    ("人民路100弄3号501室", AddressParts("人民路100弄", "3", "", "501", 5, "")),
    ("三门峡小区5栋2门301", AddressParts("三门峡小区", "5", "2", "301", 3, "")),
    ("阳光花园二期3幢2单元501", AddressParts("阳光花园二期", "3", "2", "501", 5, "")),
    ("阳光花园3幢2单元", AddressParts("阳光花园", "3", "2", "", None, "")),
    ("阳光花园3幢2单元5层", AddressParts("阳光花园", "3", "2", "", 5, "")),
    ("阳光花园3-2-501(7号楼旁)", AddressParts("阳光花园", "3", "2", "501", 5, "(7号楼旁)")),
    ("阳光花园3幢2单元501室东户", AddressParts("阳光花园", "3", "2", "501", 5, "东户")),
    ("阳光100小区3幢", AddressParts("阳光100小区", "3", "", "", None, "")),
])
def test_parse_other_forms(raw, parts):
    assert parse_address(raw) == parts


@pytest.mark.parametrize("raw", ["人民路88号", "阳光花园", "2023-10-01", "", None, "???", "三门峡市"])
def test_unparseable_text_stays_in_rest_and_keys_apart(raw):
    parts = parse_address(raw)
    assert parts.building == "" and parts.unit == "" and parts.room == ""
    assert parts.rest == normalize_text(raw)


def test_unparsed_addresses_do_not_share_a_key():
    assert address_key("人民路88号") != address_key("人民路90号")


def test_different_flats_have_different_keys():
    keys = {address_key(a) for a in ["阳光花园3幢2单元501", "阳光花园3幢2单元502", "阳光花园3幢1单元501",
                                      "阳光花园4幢2单元501", "月亮花园3幢2单元501", "阳光花园3幢501"]}
    assert len(keys) == 6


@pytest.mark.parametrize("raw, text", [
    ("ＡＢＣ　小区", "ABC小区"),
    ("Block  A   North", "Block A North"),
    ("阳光花园 3栋 2单元 501（东）", "阳光花园3幢2单元501室(东)"),
    ("a座1单元1203", "A幢1单元1203室"),
])
def test_normalize_text(raw, text):
    assert normalize_text(raw) == text


@pytest.mark.parametrize("room, floor", [("501", 5), ("1203", 12), ("2301", 23), ("B501", 5),
                                         ("01", None), ("", None), ("abc", None), ("001", None)])
def test_floor_from_room(room, floor):
    assert floor_from_room(room) == floor


@pytest.mark.parametrize("s, n", [("一", 1), ("十", 10), ("十一", 11), ("二十", 20), ("二十三", 23),
                                  ("九十九", 99), ("两", 2), ("二〇一", 201), ("十十", None), ("", None),
                                  ("3", None)])
def test_cn_number(s, n):
    assert cn_number(s) == n


@settings(max_examples=200)
@given(st.text(alphabet=st.sampled_from(list("阳光花园0123456789一二三十幢栋号楼单元室-# 门层座AB(东),x")),
               max_size=30))
def test_property_parse_never_raises_and_normal_form_is_stable(s):
    parts = parse_address(s)
    once = normalize_text(s)
    # Stored canonical text keys and normalises the same on re-import.
    assert address_key(once) == address_key(parts)
    assert normalize_text(once) == once
