"""Phone numbers: mainland mobiles and landlines, normalised for storage and matching.

A phone is optional on every record, so ``None`` or a blank string returns ``""`` instead of
raising; callers that require a phone check for ``""`` themselves. Stored forms:
mobile ``"13812341234"``; landline ``"0510-12345678"``, with an extension ``"0510-12345678转801"``;
a local number given without area code stays as its digits (``"12345678"``).
Refusal codes: ``phone_chars``, ``mobile_length``, ``mobile_prefix``, ``landline_area_code``,
``landline_local``, ``phone_unrecognised``.
"""
from __future__ import annotations

import re

from ._util import nfkc
from .errors import ValidationError

MOBILE_RE = re.compile(r"1[3-9][0-9]{9}")

# Separators people type inside numbers: spaces, dashes of every width, dots, slashes.
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―−.·/]+")
_EXTENSION = re.compile(r"(?:转|分机|ext\.?|x|#)\s*([0-9]{1,6})\s*$", re.IGNORECASE)
_COUNTRY = re.compile(r"^\s*(?:\(\s*\+?86\s*\)|\+\s*86|0086)")


def _blank(raw: object) -> bool:
    return raw is None or not str(raw).strip()


def _digits_only(raw: object, field: str, s: str) -> str:
    digits = _SEPARATORS.sub("", s)
    if not digits.isdigit():
        raise ValidationError(field, raw, "phone_chars", "电话号码只能包含数字、空格和短横线")
    return digits


def _check_mobile(raw: object, field: str, digits: str) -> str:
    if len(digits) != 11:
        raise ValidationError(field, raw, "mobile_length",
                              f"手机号码应为11位数字，输入为{len(digits)}位")
    if not MOBILE_RE.fullmatch(digits):
        raise ValidationError(field, raw, "mobile_prefix",
                              f"手机号码应以13至19开头，输入以{digits[:2]}开头")
    return digits


def _strip_country(s: str) -> tuple[str, bool]:
    m = _COUNTRY.match(s)
    if m:
        return s[m.end():], True
    return s, False


def normalize_mobile(raw: object, field: str = "phone") -> str:
    """A mainland mobile number as 11 digits; ``""`` for a blank input.

    Spaces, dashes, full-width digits and a leading ``+86``, ``0086`` or ``86`` are removed.
    """
    if _blank(raw):
        return ""
    s, _ = _strip_country(nfkc(str(raw)))
    digits = _digits_only(raw, field, s)
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return _check_mobile(raw, field, digits)


def _area_length(digits: str) -> int:
    # Only 010 and 02x are three digits long; every other area code is four (0510, 0755...).
    return 3 if digits[1] in "12" else 4


def _landline(raw: object, field: str, area: str, local: str, ext: str) -> str:
    if area:
        if len(area) < 3 or area[0] != "0" or area[1] == "0" or len(area) != _area_length(area):
            raise ValidationError(field, raw, "landline_area_code",
                                  f"区号“{area}”无效：区号为0开头的3至4位数字，如010、0510")
    if not (7 <= len(local) <= 8) or local[0] == "0":
        raise ValidationError(field, raw, "landline_local",
                              f"固定电话号码应为7至8位且不以0开头，输入为“{local}”")
    number = f"{area}-{local}" if area else local
    return f"{number}转{ext}" if ext else number


def normalize_phone(raw: object, field: str = "phone") -> str:
    """A mobile or landline number in its stored form (see the module doc); ``""`` for a blank.

    Landlines may be typed ``0510-12345678``, ``(0510)12345678``, ``0510 1234 5678`` or as
    plain digits; an extension after ``转``, ``分机``, ``ext``, ``#`` or a third dash group is kept.
    A mobile dialled with a leading ``0`` (``013812341234``) is read as the mobile.
    """
    if _blank(raw):
        return ""
    s, had_country = _strip_country(nfkc(str(raw)).strip())
    ext = ""
    m = _EXTENSION.search(s)
    if m:
        ext, s = m.group(1), s[:m.start()]
    area = ""
    m = re.match(r"^\s*\(\s*([0-9]+)\s*\)", s)
    if m:
        area, s = m.group(1), s[m.end():]
    if not area:
        dash_groups = [g for g in re.split(r"\s*-\s*", s.strip()) if g]
        # "0510-12345678-801": a third dash group is an extension, if the rest is a landline.
        if not ext and len(dash_groups) >= 3 and dash_groups[-1].isdigit() and len(dash_groups[-1]) <= 6:
            head = _SEPARATORS.sub("", "".join(dash_groups[:-1]))
            whole = _SEPARATORS.sub("", s)
            if head.isdigit() and head.startswith("0") and not _plain_landline_ok(whole):
                ext, s = dash_groups[-1], "".join(dash_groups[:-1])
    digits = _digits_only(raw, field, s)
    if area:
        return _landline(raw, field, area, digits, ext)
    if had_country and digits and digits[0] not in "01":
        digits = "0" + digits  # +86 drops the trunk 0 of an area code: +86 510 ...
    if len(digits) == 13 and digits.startswith("861"):
        digits = digits[2:]
    # A bare 7-8 digit number starting 13-19 is far likelier a mobile missing digits.
    if re.match(r"1[3-9]", digits) or (digits.startswith("1") and len(digits) == 11):
        if ext:
            raise ValidationError(field, raw, "phone_unrecognised", "手机号码不能带分机号")
        return _check_mobile(raw, field, digits)
    if digits.startswith("0"):
        if len(digits) == 12 and MOBILE_RE.fullmatch(digits[1:]):
            return digits[1:]
        if len(digits) < 3:
            raise ValidationError(field, raw, "phone_unrecognised", "无法识别的电话号码")
        n = _area_length(digits)
        return _landline(raw, field, digits[:n], digits[n:], ext)
    if 7 <= len(digits) <= 8:
        return _landline(raw, field, "", digits, ext)
    raise ValidationError(field, raw, "phone_unrecognised",
                          f"无法识别的电话号码：手机应为11位，固定电话应为区号加7至8位，输入为{len(digits)}位数字")


def _plain_landline_ok(digits: str) -> bool:
    if not digits.isdigit() or not digits.startswith("0") or len(digits) < 3:
        return False
    n = _area_length(digits)
    local = digits[n:]
    return digits[1] != "0" and 7 <= len(local) <= 8 and local[0] != "0"


def is_mobile(s: str) -> bool:
    """True for a stored (normalised) mobile number."""
    return bool(s) and MOBILE_RE.fullmatch(s) is not None
