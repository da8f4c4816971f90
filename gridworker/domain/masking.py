"""Masking of personal information for lists and exports (PIPL: mask by default).

Every function accepts ``None``, empty, short or malformed input and never raises; what it
cannot recognise it masks more, not less. Masked values keep their length so columns line up.
"""
from __future__ import annotations

from .errors import ValidationError
from .phone import normalize_phone


def _mask_middle(s: str, keep_head: int, keep_tail: int) -> str:
    if len(s) <= keep_head + keep_tail:
        # Too short to show anything without giving all of it away.
        return "*" * len(s)
    return s[:keep_head] + "*" * (len(s) - keep_head - keep_tail) + s[len(s) - keep_tail:]


def mask_phone(s: object) -> str:
    """``"13812341234"`` -> ``"138****1234"``; landline ``"0510-12345678"`` -> ``"0510-****5678"``.

    Input is normalised first when possible; an extension is kept as it identifies no one.
    """
    if s is None:
        return ""
    raw = str(s)
    if not raw.strip():
        return ""
    try:
        n = normalize_phone(raw)
    except ValidationError:
        return _mask_middle(raw.strip(), 3, 4)
    number, sep, ext = n.partition("转")
    if "-" in number:
        area, _, local = number.partition("-")
        masked = f"{area}-{_mask_middle(local, 0, 4)}"
    elif len(number) == 11:
        masked = _mask_middle(number, 3, 4)
    else:
        masked = _mask_middle(number, 0, 4)
    return masked + sep + ext


def mask_id_number(s: object) -> str:
    """Keep the first 6 and last 4 characters: ``"110105********002X"``; length unchanged."""
    if s is None:
        return ""
    return _mask_middle(str(s).strip(), 6, 4)


def mask_name(s: object) -> str:
    """``"张三丰"`` -> ``"张*丰"``, ``"张三"`` -> ``"张*"``; a one-character name is shown as is."""
    if s is None:
        return ""
    name = str(s).strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
