"""Typed text is data: control and bidi characters are refused with the character named."""
from __future__ import annotations

import pytest

from gridworker.domain.errors import ValidationError
from gridworker.domain.text import check_text, check_value, visible


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x1b", "\x7f", "\x85", "\x9f", "\u202e", "\u202a", "\u2066",
                                  "\u2069", "\u200e", "\u200f", "\u061c"])
def test_controls_and_bidi_marks_are_refused_by_name(char):
    with pytest.raises(ValidationError) as info:
        check_text("name", f"张{char}三")
    err = info.value
    code = f"U+{ord(char):04X}"
    assert err.code == "control_char" and err.field == "name"
    assert code in err.message and "不可见的控制字符" in err.message
    assert err.value == f"张<{code}>三"  # shown, never the raw character


def test_line_breaks_only_in_multiline_fields():
    note = "第一行\n第二行\r\n\t缩进"
    assert check_text("notes", note) == note
    assert check_text("summary", note) == note
    for field in ("name", "address"):
        with pytest.raises(ValidationError, match=r"U\+000A"):
            check_text(field, "阳光花园\n3幢")
    with pytest.raises(ValidationError, match=r"U\+0009"):
        check_text("name", "张\t三")
    with pytest.raises(ValidationError, match=r"U\+0000"):
        check_text("notes", "nul\x00")  # NUL never, not even in notes


def test_chinese_emoji_and_ordinary_marks_pass():
    for text in ("张三", "王小明（曾用名：王明）", "👍🏻 服务很好", "👨‍👩‍👧 一家三口", "O'Brien-Smith", "α·β", "＝１＋１",
                 "=HYPERLINK(\"x\")"):  # formula-like text is the exporter's concern, not a control character
        assert check_text("name", text) == text
    assert check_text("name", None) is None and check_text("area_m2", 89.5) == 89.5


def test_nested_values_are_checked():
    assert check_value("payload", {"note": "已处理\n完毕", "level": "社区"})
    with pytest.raises(ValidationError, match=r"U\+202E"):
        check_value("payload", {"note": "\u202egnp.exe"})
    with pytest.raises(ValidationError, match=r"U\+0007"):
        check_value("tags", ["独居老人", "\x07"])


def test_visible_keeps_line_breaks():
    assert visible("a\nb\u202ec\x00") == "a\nb<U+202E>c<U+0000>"
    assert visible("a\nb", multiline=False) == "a<U+000A>b"
