"""Spreadsheet cells to the values the store keeps: text, ID numbers, dates, phones, numbers.

Cells arrive as openpyxl gives them (str, int, float, datetime, None) or as CSV text. Every
refusal is a ``ValidationError`` naming the field and the value as the user typed it.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from ..domain._util import nfkc
from ..domain.errors import ValidationError

# Excel keeps 15 significant digits: an 18-digit ID number typed as a number loses its tail.
EXCEL_DIGITS = 15
_SCIENTIFIC = re.compile(r"[0-9](?:\.[0-9]+)?[eE]\+?[0-9]+")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_DATE_PATTERNS = (
    re.compile(r"(?P<y>[0-9]{4})\s*年\s*(?P<m>[0-9]{1,2})\s*月\s*(?P<d>[0-9]{1,2})\s*[日号]?"),
    re.compile(r"(?P<y>[0-9]{4})\s*[-./]\s*(?P<m>[0-9]{1,2})\s*[-./]\s*(?P<d>[0-9]{1,2})"),
    re.compile(r"(?P<y>[0-9]{4})(?P<m>[0-9]{2})(?P<d>[0-9]{2})"),
)
_TIME_TAIL = re.compile(r"(?:[ T]+[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?$")


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: object) -> str | None:
    """A cell as clean half-width text with single spaces; ``None`` when blank.

    Whole-number floats print without ``.0`` (a 楼栋 of ``3.0`` is ``3``).
    """
    if value is None:
        return None
    if type(value) is str:
        return _clean_text(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return _clean_text(str(value))


@lru_cache(maxsize=32768)
def _clean_text(value: str) -> str | None:
    # Cached: ledgers repeat the same estate, 民族 and relation thousands of times.
    return " ".join(nfkc(value).split()) or None


def id_number_text(value: object, field: str) -> str | None:
    """An ID-number cell as text for ``normalize_id_number``; ``None`` when blank.

    A number cell, or text in scientific notation, that cannot hold all 18 digits is refused
    with code ``id_precision_lost``: the digits are gone and are never guessed.
    """
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValidationError(field, value, "id_chars", "公民身份号码格式不对")
    if isinstance(value, float):
        if not value.is_integer() or abs(value) >= 10 ** EXCEL_DIGITS:
            raise _precision_lost(field, value)
        value = int(value)
    if isinstance(value, int):
        digits = str(value)
        # An integer cell of 16+ digits whose tail is zeros is what Excel leaves of a longer number.
        if len(digits) > EXCEL_DIGITS and set(digits[EXCEL_DIGITS:]) == {"0"}:
            raise _precision_lost(field, value)
        return digits
    s = "".join(nfkc(str(value)).split())
    if _SCIENTIFIC.fullmatch(s):
        raise _precision_lost(field, value)
    if s.endswith(".0") and s[:-2].isdigit():
        s = s[:-2]
    return s


def _precision_lost(field: str, value: object) -> ValidationError:
    shown = f"{value:.5E}" if isinstance(value, float) else str(value)
    return ValidationError(
        field, shown, "id_precision_lost",
        "身份证号被Excel当成数字保存，只剩15位有效数字，后几位已丢失，无法还原；"
        "请把该列设为“文本”格式后重新录入号码")


def date_value(value: object, field: str) -> dt.date | None:
    """A date from a date cell, an Excel serial, or Chinese text forms; ``None`` when blank.

    Accepted text: ``2024年5月1日``, ``2024.5.1``, ``2024/05/01``, ``2024-5-1``, ``20240501``
    (a time after the date is ignored); a 5-digit number is an Excel serial.
    """
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, float) and not value.is_integer():
            value = int(value)  # a serial with a time of day: keep the day
        if 20000101 <= value <= 29991231:
            return date_value(str(int(value)), field)
        if 1 <= value < 2958466:
            # Excel's 1900 calendar counts a 29 Feb 1900 that never was; serials from 61 on are right.
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise ValidationError(field, value, "bad_date", "无法识别的日期")
    s = _TIME_TAIL.sub("", nfkc(str(value)).strip())
    if re.fullmatch(r"[0-9]{5}", s):
        return date_value(int(s), field)
    for pattern in _DATE_PATTERNS:
        m = pattern.fullmatch(s)
        if m:
            try:
                return dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
            except ValueError:
                raise ValidationError(field, value, "bad_date", "不是真实存在的日期") from None
    raise ValidationError(field, value, "bad_date",
                          "日期格式无法识别，可写作 2024-05-01、2024年5月1日、2024.5.1 或 20240501")


def number_text(value: object, field: str) -> str | None:
    """A number cell (area) as exact decimal text; units ㎡ / 平方米 / m2 are dropped."""
    if is_blank(value):
        return None
    if isinstance(value, float):
        value = repr(value)
    s = nfkc(str(value)).strip()
    for unit in ("平方米", "平米", "m²", "m2", "M2", "㎡"):
        s = s.replace(unit, "")
    try:
        d = Decimal(s.replace(",", "").strip())
    except InvalidOperation:
        raise ValidationError(field, value, "bad_number", "应为数字") from None
    return format(d, "f")
