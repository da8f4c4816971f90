"""mask_text: ID numbers, mobiles and landlines found in free text (logs, messages, notes) and masked."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridworker.domain.masking import has_personal_numbers, mask_text


@pytest.mark.parametrize("raw, masked", [
    ("张三 11010519491231002X 电话 +86 138-1234-1234", "张三 110105********002X 电话 138****1234"),
    ("id=11010519491231002x", "id=110105********002X"),
    ("身份证号１１０１０５１９４９１２３１００２Ｘ，", "身份证号110105********002X，"),
    ("110105 19491231 002X", "110105********002X"),
    ("old 110105491231002.", "old 110105*****1002."),
    ("GET /api/v1/search?q=13800138000 HTTP/1.1", "GET /api/v1/search?q=138****8000 HTTP/1.1"),
    ("q=%2B86%20138%200013%208000&x=1", "q=138****8000&x=1"),
    ("8613800138000 / 0086 138 0013 8000 / (+86)13800138000", "138****8000 / 138****8000 / 138****8000"),
    ("电话0510-12345678转801；(010)87654321", "电话0510-****5678转801；010-****4321"),
    ("051012345678", "0510-****5678"),
    # Not personal numbers: left exactly as they are.
    ("took 0.0123456789 s", "took 0.0123456789 s"),
    ("hlc 1704412345678-0001-ab12", "hlc 1704412345678-0001-ab12"),
    ("0190a000-0000-7000-8000-000000000001", "0190a000-0000-7000-8000-000000000001"),
    ("2024-01-05T13:45:12.123456+08:00 12345678", "2024-01-05T13:45:12.123456+08:00 12345678"),
    ("尾号5678 002X", "尾号5678 002X"),
    ("", ""),
    (None, ""),
])
def test_mask_text(raw, masked):
    assert mask_text(raw) == masked
    assert has_personal_numbers(raw) is (masked != (raw or ""))


@given(st.text(max_size=20), st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
       st.sampled_from(["{}", "+86 {}", "{0[0]}{0[1]}{0[2]} {0[3]}{0[4]}{0[5]}{0[6]} {0[7]}{0[8]}{0[9]}{0[10]}",
                        "{0[0]}{0[1]}{0[2]}-{0[3]}{0[4]}{0[5]}{0[6]}-{0[7]}{0[8]}{0[9]}{0[10]}"]),
       st.text(max_size=20))
def test_property_a_mobile_anywhere_in_text_is_masked(before, mobile, spelling, after):
    text = f"{before} {spelling.format(mobile)} {after}"
    out = mask_text(text)
    assert mobile[:3] + "****" + mobile[-4:] in out
    assert mobile not in out and spelling.format(mobile) not in out
