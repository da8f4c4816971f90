"""Addresses: normalise free text, split it into estate / building / unit / room, key it for matching.

``parse_address`` never raises: whatever it cannot place stays in ``rest``. Recognised forms:
``阳光花园3幢2单元501室``, ``3栋2单元501``, ``三号楼二单元501``, ``3#2单元501``, ``A座1单元1203``,
``3-2-501``, ``3幢501室`` (no unit), ``3号2单元501`` (号 as building only before a unit or
a 室), ``3号楼2门501`` (门 = unit), and an explicit floor ``5层`` / ``5楼`` before the room.
The canonical written form is ``阳光花园3幢2单元501室``; ``address_key`` gives
``"阳光花园|3|2|501"``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ._util import nfkc

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
              "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN = "零〇一二两三四五六七八九十"

# Dashes of every width become "-": people paste from Word and WeChat.
_DASHES = re.compile(r"[‐‑‒–—―−﹣－~～]")

_NUM = rf"(?:[A-Za-z]?[0-9]+[A-Za-z]?|[A-Za-z]|[{_CN}]+)"
_UNIT_NUM = rf"(?:[0-9]+|[{_CN}]+)"
_ROOM = r"(?:[A-Za-z]?[0-9]+[A-Za-z]?)"

_TOKEN_FORM = re.compile(
    rf"(?P<building>{_NUM})"
    rf"(?:号楼|栋|幢|座|\#楼?|号(?=(?:{_UNIT_NUM})(?:单元|门)|{_ROOM}室))"
    rf"(?:(?P<unit>{_UNIT_NUM})(?:单元|门|-))?"
    rf"(?:(?P<floor>{_UNIT_NUM})(?:层|楼))?"
    rf"(?:-?(?P<room>{_ROOM})(?:室|号|房)?)?"
    r"(?P<rest>.*)$"
)
# "3-2-501" and "3-501": only digits (and a letter) between the dashes, preceded by non-alnum.
_DASH_FORM = re.compile(
    r"(?<![0-9A-Za-z\-])(?P<building>[A-Za-z]?[0-9]+[A-Za-z]?)"
    r"-(?:(?P<unit>[0-9]+)-)?(?P<room>[0-9]{3,5}[A-Za-z]?)(?:室|号|房)?"
    r"(?P<rest>.*)$"
)


@dataclass(frozen=True)
class AddressParts:
    """The parts of an address; a missing part is ``""`` (``floor`` is ``None``)."""

    estate: str = ""
    building: str = ""
    unit: str = ""
    room: str = ""
    floor: int | None = None
    rest: str = ""


def cn_number(s: str) -> int | None:
    """``"二十三"`` -> 23, ``"十"`` -> 10, ``"二〇一"`` -> 201; ``None`` if ``s`` is not one."""
    if not s or any(ch not in _CN for ch in s):
        return None
    if "十" not in s:
        value = 0
        for ch in s:
            value = value * 10 + _CN_DIGITS[ch]
        return value
    tens_s, _, ones_s = s.partition("十")
    if "十" in ones_s or len(tens_s) > 1 or len(ones_s) > 1:
        return None
    tens = _CN_DIGITS[tens_s] if tens_s else 1
    ones = _CN_DIGITS[ones_s] if ones_s else 0
    return tens * 10 + ones


def _arabic(s: str | None) -> str:
    """Building and unit numbers as Arabic digits, upper-case letters, no leading zeros."""
    if not s:
        return ""
    n = cn_number(s)
    if n is not None:
        return str(n)
    s = s.upper()
    m = re.fullmatch(r"([A-Z]?)0*([0-9]+)([A-Z]?)", s)
    return f"{m.group(1)}{int(m.group(2))}{m.group(3)}" if m else s


def _clean(s: object) -> str:
    if s is None:
        return ""
    text = _DASHES.sub("-", nfkc(str(s)))
    text = " ".join(text.split())
    # Chinese does not use spaces: keep a space only between two Latin letters or digits.
    return re.sub(r"(?<=[^A-Za-z0-9]) | (?=[^A-Za-z0-9])", "", text)


def floor_from_room(room: str) -> int | None:
    """The floor a room number is on: ``"501"`` -> 5, ``"1203"`` -> 12; ``None`` if unknown."""
    m = re.fullmatch(r"[A-Za-z]?([0-9]{3,5})[A-Za-z]?", room or "")
    if not m:
        return None
    floor = int(m.group(1)[:-2])
    return floor or None


def _parse_clean(text: str) -> AddressParts:
    matches = [m for m in (_TOKEN_FORM.search(text), _DASH_FORM.search(text)) if m]
    if not matches:
        return AddressParts(rest=text)
    # The earliest structure wins: "3-2-501(7号楼旁)" is room 501, not building 7.
    m = min(matches, key=lambda m: m.start())
    g = m.groupdict()
    room = (g.get("room") or "").upper()
    floor_s = g.get("floor") or ""
    explicit_floor = int(floor_s) if floor_s.isdigit() else cn_number(floor_s)
    return AddressParts(
        estate=text[:m.start()].strip(" -,，"),
        building=_arabic(g["building"]),
        unit=_arabic(g.get("unit")),
        room=room,
        floor=explicit_floor or floor_from_room(room),
        rest=g["rest"].strip(),
    )


def parse_address(s: object) -> AddressParts:
    """Split an address into parts; unparsed text (or all of it) is left in ``rest``."""
    return _parse_clean(_clean(s))


def format_address(parts: AddressParts) -> str:
    """The canonical written form, e.g. ``阳光花园3幢2单元501室``."""
    if not parts.building:
        return parts.estate + parts.rest
    estate = parts.estate
    if estate[-1:].isascii() and estate[-1:].isalnum():
        estate += " "  # "B" + "3幢" would read back as building "B3"
    out = [estate, f"{parts.building}幢"]
    if parts.unit:
        out.append(f"{parts.unit}单元")
    if parts.floor is not None and (not parts.room or floor_from_room(parts.room) != parts.floor):
        out.append(f"{parts.floor}层")
    if parts.room:
        out.append(f"{parts.room}室")
    out.append(parts.rest)
    return "".join(out)


def normalize_text(s: object) -> str:
    """Half-width, single-spaced text with building / unit / room written the canonical way.

    ``"阳光花园 三号楼二单元501"`` -> ``"阳光花园3幢2单元501室"``. Text without a building
    part is only cleaned (NFKC, spaces), never rewritten.
    """
    text = _clean(s)
    parts = _parse_clean(text)
    return format_address(parts) if parts.building else text


def address_key(parts: AddressParts | str) -> str:
    """The matching key ``"estate|building|unit|room"``, e.g. ``"阳光花园|3|2|501"``.

    Accepts the parts or a raw address. When no building was found the whole cleaned text
    takes the estate position, so two different unparsed addresses never share a key.
    """
    if not isinstance(parts, AddressParts):
        parts = parse_address(parts)
    estate = parts.estate if parts.building else parts.estate + parts.rest
    estate = estate.replace(" ", "").upper()
    return "|".join((estate, parts.building, parts.unit, parts.room))
