"""Citizen ID numbers: what a grid worker types is accepted or refused with a precise reason."""
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gridworker.domain.errors import ValidationError
from gridworker.domain.idcard import (
    IdInfo, age_on, check_char, is_valid_id_number, normalize_id_number, parse_id_number,
)

TODAY = date(2025, 6, 1)


@pytest.mark.parametrize("first17, expected", [
    ("11010519491231002", "X"),
    ("34052419800101001", "X"),
    ("51310119820113001", "4"),
])
def test_check_char_vectors(first17, expected):
    assert check_char(first17) == expected


@pytest.mark.parametrize("raw, stored", [
    ("11010519491231002X", "11010519491231002X"),
    ("11010519491231002x", "11010519491231002X"),
    ("  513101198201130014 ", "513101198201130014"),
    ("５１３１０１１９８２０１１３００１４", "513101198201130014"),   # full-width digits
    ("１１０１０５１９４９１２３１００２ｘ", "11010519491231002X"),   # full-width x
    ("110105 19491231 002X", "11010519491231002X"),                    # pasted with spaces
])
def test_normalize_accepts_typing_variants(raw, stored):
    assert normalize_id_number(raw, today=TODAY) == stored


@pytest.mark.parametrize("raw, code, in_message", [
    ("", "id_empty", "不能为空"),
    (None, "id_empty", "不能为空"),
    ("1101051949123100", "id_length", "16位"),
    ("110105194912310", "id_length", "15位"),
    ("11010519491231002XX", "id_length", "19位"),
    ("1101051949123A002X", "id_chars", "数字"),
    ("X10105194912310021", "id_chars", "数字"),
    ("010105194912310021", "id_area", "首位"),
    ("910105194912310021", "id_area", "首位"),
    ("110105194902300021", "id_birth_date", "02月30日"),
    ("110105198013010021", "id_birth_date", "不是真实日期"),
    ("110105190002290021", "id_birth_date", "不是真实日期"),   # 1900 was not a leap year
    ("110105188912310021", "id_birth_too_early", "1890"),
    ("110105203001010021", "id_birth_future", "晚于今天"),
    ("110105194912310021", "id_checksum", "应为X"),
    ("513101198201130015", "id_checksum", "应为4"),
])
def test_normalize_refuses_with_a_code_per_reason(raw, code, in_message):
    with pytest.raises(ValidationError) as e:
        normalize_id_number(raw, today=TODAY)
    assert e.value.code == code
    assert e.value.field == "id_number"
    assert e.value.value == raw
    assert in_message in e.value.message


def test_checksum_message_says_what_was_typed_and_what_is_expected():
    with pytest.raises(ValidationError) as e:
        normalize_id_number("340524198001010011", today=TODAY)
    assert "应为X" in e.value.message and "输入为1" in e.value.message


def test_field_name_is_passed_through():
    with pytest.raises(ValidationError) as e:
        normalize_id_number("123", field="guardian_id_number")
    assert e.value.field == "guardian_id_number"


def test_birth_today_is_accepted_tomorrow_is_not():
    first17 = "110105" + "20250601" + "001"
    assert normalize_id_number(first17 + check_char(first17), today=TODAY)
    first17 = "110105" + "20250602" + "001"
    with pytest.raises(ValidationError) as e:
        normalize_id_number(first17 + check_char(first17), today=TODAY)
    assert e.value.code == "id_birth_future"


def test_parse_gives_parts_and_sex_from_sequence_parity():
    info = parse_id_number("11010519491231002x", today=TODAY)
    assert info == IdInfo("110105", date(1949, 12, 31), "002", "2", "X")
    assert parse_id_number("513101198201130014").sex == "1"


def test_is_valid():
    assert is_valid_id_number("34052419800101001X")
    assert not is_valid_id_number("340524198001010010")
    assert not is_valid_id_number(None)


@pytest.mark.parametrize("born, on, age", [
    (date(1949, 12, 31), date(2024, 12, 30), 74),
    (date(1949, 12, 31), date(2024, 12, 31), 75),
    (date(2000, 2, 29), date(2023, 2, 28), 22),     # leap-day birthday: a year older on 1 March
    (date(2000, 2, 29), date(2023, 3, 1), 23),
    (date(2000, 2, 29), date(2024, 2, 29), 24),
    (date(2020, 5, 1), date(2020, 5, 1), 0),
])
def test_age_on(born, on, age):
    assert age_on(born, on) == age


def test_age_on_from_id_number():
    assert age_on("11010519491231002X", date(2025, 1, 1)) == 75


def test_age_before_birth_is_refused():
    with pytest.raises(ValidationError) as e:
        age_on(date(2020, 1, 1), date(2019, 12, 31))
    assert e.value.code == "age_before_birth"


def test_check_char_refuses_non_digits():
    with pytest.raises(ValidationError):
        check_char("1101051949123100")


@st.composite
def first17_digits(draw):
    area = draw(st.integers(100000, 899999))
    born = draw(st.dates(min_value=date(1890, 1, 1), max_value=TODAY))
    seq = draw(st.integers(0, 999))
    return f"{area}{born:%Y%m%d}{seq:03d}"


@settings(max_examples=200)
@given(first17_digits())
def test_property_generated_numbers_validate_and_one_wrong_check_char_fails(first17):
    good = first17 + check_char(first17)
    assert normalize_id_number(good.lower(), today=TODAY) == good
    assert parse_id_number(good, today=TODAY).sex == ("1" if int(first17[16]) % 2 else "2")
    for wrong in "0123456789X":
        if wrong != good[-1]:
            assert not is_valid_id_number(first17 + wrong, today=TODAY)


@settings(max_examples=200)
@given(first17_digits(), st.integers(0, 16), st.integers(1, 9))
def test_property_any_single_digit_typo_is_caught(first17, pos, delta):
    good = first17 + check_char(first17)
    typo = good[:pos] + str((int(good[pos]) + delta) % 10) + good[pos + 1:]
    assert not is_valid_id_number(typo, today=TODAY)
