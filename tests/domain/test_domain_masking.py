"""Masking for lists and exports: never leaks more than the rule allows, never crashes."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gridworker.domain.masking import mask_id_number, mask_name, mask_phone


@pytest.mark.parametrize("raw, masked", [
    ("13812341234", "138****1234"),
    ("138 1234 1234", "138****1234"),
    ("+86 13812341234", "138****1234"),
    ("0510-12345678", "0510-****5678"),
    ("(0510)1234567", "0510-***4567"),
    ("0510-12345678转801", "0510-****5678转801"),
    ("12345678", "****5678"),
    ("", ""),
    (None, ""),
    ("123", "***"),
    ("not a phone", "not****hone"),   # unrecognised: head 3 and tail 4 only
])
def test_mask_phone(raw, masked):
    assert mask_phone(raw) == masked


@pytest.mark.parametrize("raw, masked", [
    ("11010519491231002X", "110105********002X"),
    ("", ""),
    (None, ""),
    ("1234567890", "**********"),     # too short to show 6 + 4 without showing everything
    ("12345678901", "123456*8901"),
])
def test_mask_id_number(raw, masked):
    assert mask_id_number(raw) == masked


@pytest.mark.parametrize("raw, masked", [
    ("张三丰", "张*丰"), ("张三", "张*"), ("欧阳娜娜", "欧**娜"), ("张", "张"), ("", ""), (None, ""),
    (" 李四 ", "李*"),
])
def test_mask_name(raw, masked):
    assert mask_name(raw) == masked


@settings(max_examples=200)
@given(st.text(alphabet="0123456789X", min_size=0, max_size=30))
def test_property_id_mask_keeps_length_and_hides_the_middle(s):
    m = mask_id_number(s)
    assert len(m) == len(s)
    if len(s) == 18:
        assert m[:6] == s[:6] and m[-4:] == s[-4:] and m[6:14] == "*" * 8


@settings(max_examples=200)
@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_property_mobile_mask_keeps_length_and_shows_only_7_digits(s):
    m = mask_phone(s)
    assert len(m) == 11 and m.count("*") == 4 and m[:3] == s[:3] and m[-4:] == s[-4:]


@settings(max_examples=200)
@given(st.one_of(st.none(), st.text(max_size=25)))
def test_property_masks_never_crash(s):
    mask_phone(s)
    mask_id_number(s)
    mask_name(s)
