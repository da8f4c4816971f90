"""Typed text is data: characters that hide or reorder what a person sees are refused.

    check_text("name", value)                     # one-line fields: no control characters at all
    check_text("notes", value, multiline=True)    # TAB, LF and CR allowed, nothing else
    check_value("payload", {"note": "…"})         # every string inside a dict / list as well

Refused: NUL and the other C0 controls (U+0000–U+001F, but TAB/LF/CR in multi-line fields),
DEL and the C1 controls (U+007F–U+009F), and the bidirectional controls that can make a name
read backwards on screen (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069). Chinese text,
emoji (with their zero-width joiners) and ordinary spaces pass.

The laptop's unit of work (``store/validate.py``), the ledger importer and the server's push
validation call the same function, so one rule decides everywhere. :func:`visible` shows a
refused character as ``<U+202E>`` where a value must be displayed (error messages, reports).
"""
from __future__ import annotations

import re
from typing import Any

from .errors import ValidationError

# Fields whose text may span lines (notes, descriptions, visit summaries, issue-event notes).
MULTILINE_FIELDS = frozenset({
    "notes", "note", "description", "reason", "purpose", "summary", "problems", "requests",
    "follow_up", "payload", "detail", "activity",
})

_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_CONTROL_MULTILINE = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI}]")
_CONTROL_ONE_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}]")


def _pattern(multiline: bool) -> re.Pattern[str]:
    return _CONTROL_MULTILINE if multiline else _CONTROL_ONE_LINE


def find_control(value: str, *, multiline: bool = False) -> str | None:
    """The first refused character of ``value``, or None."""
    m = _pattern(multiline).search(value)
    return m.group(0) if m else None


def visible(value: str, *, multiline: bool = True) -> str:
    """``value`` with every refused character written out as ``<U+XXXX>``."""
    return _pattern(multiline).sub(lambda m: f"<U+{ord(m.group(0)):04X}>", value)


def check_text(field: str, value: Any, *, multiline: bool | None = None) -> Any:
    """``value`` unchanged, or ``ValidationError`` (code ``control_char``) naming the character.

    ``multiline`` defaults to whether ``field`` is one of :data:`MULTILINE_FIELDS`. Values that
    are not strings pass untouched. The error's ``value`` is :func:`visible` text, so showing it
    cannot itself reorder a message.
    """
    if not isinstance(value, str):
        return value
    if multiline is None:
        multiline = field in MULTILINE_FIELDS
    bad = find_control(value, multiline=multiline)
    if bad is not None:
        raise ValidationError(field, visible(value, multiline=multiline), "control_char",
                              f"含有不可见的控制字符 U+{ord(bad):04X}，请删除后重试")
    return value


def check_value(field: str, value: Any, *, multiline: bool | None = None) -> Any:
    """:func:`check_text` on a string, or on every string key and value inside dicts and lists."""
    if isinstance(value, str):
        return check_text(field, value, multiline=multiline)
    if isinstance(value, dict):
        for k, v in value.items():
            check_text(field, k, multiline=False)
            check_value(field, v, multiline=multiline)
    elif isinstance(value, (list, tuple)):
        for v in value:
            check_value(field, v, multiline=multiline)
    return value
