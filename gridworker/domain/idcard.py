"""Citizen ID numbers (公民身份号码, GB 11643): normalise, validate, parse, compute ages.

Store the value ``normalize_id_number`` returns: 18 upper-case half-width characters. Input
may hold full-width digits, a lower-case ``x`` and stray spaces. Each refusal is a
``ValidationError`` with its own code: ``id_empty``, ``id_length``, ``id_chars``, ``id_area``,
``id_birth_date``, ``id_birth_future``, ``id_birth_too_early``, ``id_checksum``.
Old 15-digit numbers are refused (ask the resident for the 18-digit number).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ._util import nfkc
from .errors import ValidationError

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
EARLIEST_BIRTH = date(1890, 1, 1)

_DIGITS17 = re.compile(r"[0-9]{17}")
_SHAPE = re.compile(r"[0-9]{17}[0-9X]")


@dataclass(frozen=True)
class IdInfo:
    """The parts of a valid ID number. ``sex`` is the GB/T 2261.1 code: ``"1"`` male, ``"2"`` female."""

    area_code: str
    birth_date: date
    sequence: str
    sex: str
    check: str


def check_char(first17: str) -> str:
    """The check character (``0``–``9`` or ``X``) for the first 17 digits of an ID number."""
    if not isinstance(first17, str) or not _DIGITS17.fullmatch(first17):
        raise ValidationError("id_number", first17, "id_chars", "计算校验位需要17位数字")
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS))
    return CHECK_CHARS[total % 11]


def _clean(raw: object) -> str:
    # Pasted values often carry spaces inside as well as around; none belong to the number.
    return "".join(nfkc(str(raw)).split()).upper()


def normalize_id_number(raw: object, field: str = "id_number", *, today: date | None = None) -> str:
    """The ID number as 18 upper-case half-width characters, or ``ValidationError``.

    ``today`` (default: the local date) bounds the birth date; pass it to make results stable.
    """
    if raw is None or not str(raw).strip():
        raise ValidationError(field, raw, "id_empty", "公民身份号码不能为空")
    s = _clean(raw)
    if len(s) != 18:
        hint = "（15位旧号码请换用18位号码）" if len(s) == 15 else ""
        raise ValidationError(field, raw, "id_length",
                              f"公民身份号码应为18位，输入为{len(s)}位{hint}")
    if not _SHAPE.fullmatch(s):
        raise ValidationError(field, raw, "id_chars",
                              "公民身份号码前17位必须是数字，最后一位是数字或X")
    if s[0] not in "12345678":
        raise ValidationError(field, raw, "id_area",
                              f"地址码无效：首位应为1至8，输入为{s[0]}")
    try:
        born = date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
    except ValueError:
        raise ValidationError(field, raw, "id_birth_date",
                              f"出生日期{s[6:10]}年{s[10:12]}月{s[12:14]}日不是真实日期") from None
    if born > (today or date.today()):
        raise ValidationError(field, raw, "id_birth_future",
                              f"出生日期{born.isoformat()}晚于今天")
    if born < EARLIEST_BIRTH:
        raise ValidationError(field, raw, "id_birth_too_early",
                              f"出生日期{born.isoformat()}早于1890年，不可能是在世居民")
    expected = check_char(s[:17])
    if s[17] != expected:
        raise ValidationError(field, raw, "id_checksum",
                              f"校验位不符：按前17位计算最后一位应为{expected}，输入为{s[17]}，"
                              "请核对号码是否抄错")
    return s


def is_valid_id_number(s: object, *, today: date | None = None) -> bool:
    """True when ``normalize_id_number`` would accept ``s``."""
    try:
        normalize_id_number(s, today=today)
    except ValidationError:
        return False
    return True


def parse_id_number(s: object, field: str = "id_number", *, today: date | None = None) -> IdInfo:
    """Validate and split an ID number; raises ``ValidationError`` like ``normalize_id_number``."""
    n = normalize_id_number(s, field, today=today)
    born = date(int(n[6:10]), int(n[10:12]), int(n[12:14]))
    return IdInfo(area_code=n[:6], birth_date=born, sequence=n[14:17],
                  sex="1" if int(n[16]) % 2 else "2", check=n[17])


def age_on(id_or_birth: str | date, on: date) -> int:
    """Age in full years (周岁) on ``on``, from an ID number or a birth date.

    Someone born on 29 February turns a year older on 1 March in common years. A date before
    the birth is refused (``ValidationError`` code ``age_before_birth``).
    """
    if isinstance(id_or_birth, date):
        born = id_or_birth
    else:
        # The ID number of someone born after ``on`` is still valid; only the age is not.
        born = parse_id_number(id_or_birth, today=max(on, date.today())).birth_date
    if on < born:
        raise ValidationError("birth_date", born, "age_before_birth",
                              f"日期{on.isoformat()}早于出生日期{born.isoformat()}")
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))
