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


# --------------------------------------------------------------------------- free text (logs, notes)
# Numbers are found in free text (a log line, an exception message, a URL, a note) and each one is
# replaced by what mask_id_number / mask_phone make of it. Full-width digits, letters and signs are
# read as their half-width forms (one character for one, so positions do not move); a percent-encoded
# text (a URL's query) is also read decoded. A number glued to more digits is not one of these (an
# 18-digit run inside a 20-digit one is something else), and a digit run after a decimal point is a
# fraction. What looks like a number of one of these shapes is masked even when it would not pass
# validation (a mistyped ID number is still someone's ID number).
import re as _re  # noqa: E402
from urllib.parse import unquote as _unquote, unquote_plus as _unquote_plus  # noqa: E402

# U+FF01..U+FF5E are the full-width forms of "!".."~"; U+3000 is the ideographic space.
_HALF = {0xFF01 + i: 0x21 + i for i in range(0x5E)}
_HALF[0x3000] = 0x20
# Separators people put inside numbers (as in phone.py, without dots and slashes: "1.5" is not a phone).
_SEP = r"[ \t\u00a0\-‐‑‒–—―−]{0,3}"
_ID_RE = _re.compile(
    rf"(?<![0-9.])(?:[0-9](?:{_SEP}[0-9]){{16}}{_SEP}[0-9Xx]|[0-9]{{15}})(?![0-9])")
_MOBILE_RE = _re.compile(
    rf"(?<![0-9.])(?:(?:\+{_SEP}|00)86{_SEP}|\(\s*\+?86\s*\){_SEP}|86|0)?"
    rf"1{_SEP}[3-9](?:{_SEP}[0-9]){{9}}(?![0-9])")
_LANDLINE_RE = _re.compile(
    rf"(?<![0-9.])(?:\+{_SEP}86{_SEP}[1-9][0-9]{{1,2}}|\(\s*0[1-9][0-9]{{1,2}}\s*\)|0[1-9][0-9]{{1,2}})"
    rf"{_SEP}[1-9](?:{_SEP}[0-9]){{6,7}}(?![0-9])")
_PERCENT = _re.compile(r"%[0-9A-Fa-f]{2}")
# A "+" between digits is a space in a URL's query ("110105+19491231+002X"); read it as one. Only
# between digits, so "+86 138…" keeps its country code sign.
_PLUS_BETWEEN = _re.compile(r"(?<=[0-9])\++(?=[0-9Xx])")


def _masked_id(span: str) -> str:
    return mask_id_number(_re.sub(r"[^0-9Xx]", "", span).upper())


def _mask_spans(text: str) -> str:
    half = text.translate(_HALF)
    if half.isascii() and not any(c.isdigit() for c in half):
        return text
    half = _PLUS_BETWEEN.sub(lambda m: " " * len(m.group()), half)  # one for one: positions do not move
    spans: list[tuple[int, int, str]] = []
    taken = [False] * len(half)
    for rx, mask in ((_ID_RE, _masked_id), (_MOBILE_RE, mask_phone), (_LANDLINE_RE, mask_phone)):
        for m in rx.finditer(half):
            if any(taken[m.start():m.end()]):
                continue
            spans.append((m.start(), m.end(), mask(m.group())))
            taken[m.start():m.end()] = [True] * (m.end() - m.start())
    if not spans:
        return text
    out, pos = [], 0
    for start, end, masked in sorted(spans):
        out += [text[pos:start], masked]
        pos = end
    out.append(text[pos:])
    return "".join(out)


def mask_text(s: object) -> str:
    """Free text with every ID number (18 or 15 digits, trailing X) and every mobile or landline
    number (with area code) in it masked, the rest unchanged::

        mask_text("张三 11010519491231002X 电话 +86 138-1234-1234")
        -> "张三 110105********002X 电话 138****1234"

    For logs, exception messages and free-text columns of masked exports; never raises.
    """
    if s is None:
        return ""
    text = s if isinstance(s, str) else str(s)
    try:
        masked = _mask_spans(text)
        if "%" in masked and _PERCENT.search(masked):
            # A URL or form body: "q=%2B86%20138..." must not pass because it is encoded.
            for decode in (_unquote, _unquote_plus):
                decoded = decode(masked)
                again = _mask_spans(decoded)
                if again != decoded:
                    return again
        return masked
    except Exception:  # noqa: BLE001 - masking must never break the caller (a logger, an export)
        return "[无法脱敏的文本已隐藏]"


def has_personal_numbers(s: object) -> bool:
    """True when ``s`` holds a number :func:`mask_text` would mask (a full ID, mobile or landline)."""
    return s is not None and mask_text(s) != (s if isinstance(s, str) else str(s))
