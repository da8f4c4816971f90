"""Phone numbers: the many ways people write them become one stored form."""
import pytest

from gridworker.domain.errors import ValidationError
from gridworker.domain.phone import is_mobile, normalize_mobile, normalize_phone


@pytest.mark.parametrize("raw", [
    "13812341234", " 138 1234 1234 ", "138-1234-1234", "+86 138 1234 1234", "+8613812341234",
    "8613812341234", "0086 13812341234", "(+86)13812341234", "１３８１２３４１２３４", "138－1234－1234",
])
def test_normalize_mobile_variants(raw):
    assert normalize_mobile(raw) == "13812341234"


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_blank_phone_is_optional(raw):
    assert normalize_mobile(raw) == ""
    assert normalize_phone(raw) == ""


@pytest.mark.parametrize("raw, code", [
    ("1381234123", "mobile_length"),
    ("138123412345", "mobile_length"),
    ("12812341234", "mobile_prefix"),
    ("23812341234", "mobile_prefix"),
    ("138l2341234", "phone_chars"),          # a letter l for a 1
    ("0510-12345678", "mobile_length"),     # a landline is not a mobile
])
def test_normalize_mobile_refusals(raw, code):
    with pytest.raises(ValidationError) as e:
        normalize_mobile(raw, field="guardian_phone")
    assert e.value.code == code
    assert e.value.field == "guardian_phone" and e.value.value == raw


@pytest.mark.parametrize("raw, stored", [
    ("13812341234", "13812341234"),
    ("+86 138 1234 1234", "13812341234"),
    ("013812341234", "13812341234"),            # mobile dialled with a trunk 0
    ("0510-12345678", "0510-12345678"),
    ("(0510)12345678", "0510-12345678"),
    ("（0510）12345678", "0510-12345678"),      # full-width brackets
    ("0510 1234 5678", "0510-12345678"),
    ("051012345678", "0510-12345678"),
    ("0510-1234567", "0510-1234567"),
    ("010-87654321", "010-87654321"),
    ("01087654321", "010-87654321"),
    ("021 6123 4567", "021-61234567"),
    ("+86 510 12345678", "0510-12345678"),
    ("0510-12345678转801", "0510-12345678转801"),
    ("0510-12345678-801", "0510-12345678转801"),
    ("0510-12345678 ext. 801", "0510-12345678转801"),
    ("0510-12345678#801", "0510-12345678转801"),
    ("0510-1234-5678", "0510-12345678"),         # dashes inside the local number, no extension
    ("12345678", "12345678"),                    # local number without area code kept as is
    ("8765432", "8765432"),
])
def test_normalize_phone_forms(raw, stored):
    assert normalize_phone(raw) == stored


@pytest.mark.parametrize("raw, code", [
    ("0510-123456", "landline_local"),          # too short
    ("0510-123456789", "landline_local"),       # too long
    ("0510-02345678", "landline_local"),        # local numbers never start with 0
    ("(510)12345678", "landline_area_code"),
    ("(00510)12345678", "landline_area_code"),
    ("1381234123", "mobile_length"),
    ("12812341234", "mobile_prefix"),
    ("123456", "phone_unrecognised"),
    ("1381234", "mobile_length"),               # a mobile missing digits, not a local number
    ("12345", "phone_unrecognised"),
    ("tel:0510", "phone_chars"),
    ("13812341234转8", "phone_unrecognised"),
])
def test_normalize_phone_refusals(raw, code):
    with pytest.raises(ValidationError) as e:
        normalize_phone(raw)
    assert e.value.code == code
    assert e.value.field == "phone"
    assert e.value.message  # a Chinese sentence the user can act on


def test_is_mobile():
    assert is_mobile("13812341234")
    assert not is_mobile("0510-12345678")
    assert not is_mobile("")
