"""The password rule: long enough, not common, not a run, not the user name; Chinese reasons."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gridworker.domain.errors import ValidationError
from gridworker.domain.passwords import MIN_LENGTH, check_password, common_passwords


@pytest.mark.parametrize("weak", [
    "aaaaaaaaaa", "aaaaaaaaaaaaaaaa", "1234567890", "0987654321", "12345678901234", "abcdefghijk",
    "qwertyuiop", "QWERTYUIOP", "asdfghjkl;", "1qaz2wsx3edc", "password123", "Password!!", "iloveyou12",
    "woaini1314", "woaini5201314", "5201314520", "1111122222", "abcabcabcabc", "12121212121", "passw0rd!!",
    "qwerty123456", "short"])
def test_weak_passwords_are_refused_with_a_reason(weak):
    with pytest.raises(ValidationError) as refused:
        check_password(weak, "wang")
    assert refused.value.code == "weak_password"
    assert any("\u4e00" <= ch <= "\u9fff" for ch in refused.value.message)
    assert weak not in str(refused.value), "the refused password must not be carried into logs"


@pytest.mark.parametrize("good", ["Tea-kettle-on-Tuesday", "绿茶-加两块糖-9点", "Zq8#long-enough-pass", "mQ4!vX9@rL2$"])
def test_unusual_passwords_pass(good):
    assert check_password(good, "wang") is None


def test_the_user_name_may_not_be_in_the_password():
    for pw in ("Zhangwei-2026-xyz", "xyz-ZHANGWEI-abc9", "iewgnahz-River-7"):
        with pytest.raises(ValidationError, match="用户名"):
            check_password(pw, "zhangwei")
    assert check_password("Tea-kettle-on-Tuesday", "li") is None  # a 2-letter name is too short to matter


def test_the_shipped_list_holds_ten_thousand_common_passwords():
    common = common_passwords()
    assert len(common) >= 10_000
    assert {"password", "12345678", "qwerty", "woaini", "5201314", "iloveyou"} <= common


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40), st.text(max_size=12))
def test_any_text_gets_a_clear_answer(pw, name):
    try:
        check_password(pw, name)
    except ValidationError as exc:
        assert exc.code == "weak_password" and exc.message
    else:
        assert len(pw) >= MIN_LENGTH
