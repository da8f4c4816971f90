"""A fast reader for the cell values of one .xlsx sheet (values only, no formatting but dates).

openpyxl's streaming reader spends ~2.5 s on a 20,000-row ledger; scanning the sheet XML with
regular expressions takes a fraction of that, which is what lets a large import finish in
seconds. Anything this reader does not understand (namespace prefixes, strict OOXML) raises
:class:`Unsupported`, and the caller falls back to openpyxl, so odd files are read slower, not wrong.
"""
from __future__ import annotations

import html
import posixpath
import re
import zipfile
from pathlib import Path
from typing import Any

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.cell import column_index_from_string, range_boundaries
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel


class Unsupported(Exception):
    """This file needs the full reader."""


# Built-in date formats, plus the ids Chinese-locale Excel and WPS use for 年月日 forms without
# writing them out (27–36, 50–58).
_DATE_IDS = frozenset(i for i, f in BUILTIN_FORMATS.items() if is_date_format(f)) | \
    frozenset(range(27, 37)) | frozenset(range(50, 59))

_SHEET = re.compile(r'<sheet\b([^>]*)/?>')
_ATTR = re.compile(r'([\w:]+)="([^"]*)"')
_REL = re.compile(r'<Relationship\b([^>]*)/?>')
_SI = re.compile(r"<si>(.*?)</si>|<si/>", re.S)
_T = re.compile(r"<t(?:\s[^>]*)?>(.*?)</t>|<t\s*/>", re.S)
_RPH = re.compile(r"<rPh\b.*?</rPh>", re.S)
_ROW = re.compile(r"<row\b([^>]*?)(?:/>|>(.*?)</row>)", re.S)
_CELL = re.compile(r"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_V = re.compile(r"<v>(.*?)</v>", re.S)
_CELL_REF = re.compile(r'\br="([A-Z]+)([0-9]+)"')
_T_ATTR = re.compile(r'\bt="(\w+)"')
_S_ATTR = re.compile(r'\bs="([0-9]+)"')
_ROW_R = re.compile(r'\br="([0-9]+)"')
_MERGE = re.compile(r'<mergeCell\s+ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')
_NUMFMT = re.compile(r'<numFmt\b([^>]*)/?>')
_XF = re.compile(r"<xf\b([^>]*?)(?:/>|>.*?</xf>)", re.S)


def _attrs(s: str) -> dict[str, str]:
    return {k.split(":")[-1] if k != "r:id" else k: html.unescape(v) for k, v in _ATTR.findall(s)}


def _text(fragment: str) -> str:
    return html.unescape("".join(m.group(1) or "" for m in _T.finditer(_RPH.sub("", fragment))))


def _resolve(base: str, target: str) -> str:
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(base, target))


def read_sheet(path: Path, sheet: str | None, limit: int = 64 * 1024 * 1024,
               ) -> tuple[str, list[str], list[list[Any]], list[tuple[int, int, int, int]]]:
    """(sheet title, all sheet names, rows of values, merged ranges) of one sheet.

    Each part is read whole, so a part that inflates past ``limit`` bytes raises
    :class:`Unsupported` (the streaming reader takes over); the caller has checked the archive.
    """
    with zipfile.ZipFile(path) as z:
        def read(name: str) -> bytes:
            with z.open(name) as member:
                data = member.read(limit + 1)
            if len(data) > limit:
                raise Unsupported(f"{name} is larger than {limit} bytes")
            return data

        names = set(z.namelist())
        workbook = read("xl/workbook.xml").decode("utf-8")
        if "<sheets" not in workbook:
            raise Unsupported("workbook uses prefixed or strict XML")
        sheets = [_attrs(m.group(1)) for m in _SHEET.finditer(workbook)]
        titles = [s.get("name", "") for s in sheets]
        if not sheets:
            raise Unsupported("no sheets")
        chosen = sheets[0] if sheet is None else next((s for s in sheets if s.get("name") == sheet), None)
        if chosen is None:
            raise KeyError(sheet)
        rels = {a.get("Id"): a for a in (_attrs(m.group(1)) for m in _REL.finditer(
            read("xl/_rels/workbook.xml.rels").decode("utf-8")))}
        target = rels.get(chosen.get("r:id"), {}).get("Target")
        if not target:
            raise Unsupported("sheet relation missing")
        sheet_path = _resolve("xl", target)
        shared: list[str] = []
        styles_path = None
        for rel in rels.values():
            kind = rel.get("Type", "")
            if kind.endswith("/sharedStrings"):
                p = _resolve("xl", rel["Target"])
                if p in names:
                    shared = [_text(m.group(1) or "") for m in _SI.finditer(read(p).decode("utf-8"))]
            elif kind.endswith("/styles"):
                styles_path = _resolve("xl", rel["Target"])
        date_styles = _date_styles(read(styles_path).decode("utf-8")) if styles_path in names else set()
        epoch = CALENDAR_MAC_1904 if re.search(r'date1904="(1|true)"', workbook) else CALENDAR_WINDOWS_1900
        data = read(sheet_path).decode("utf-8")
    if "<sheetData" not in data:
        raise Unsupported("sheet uses prefixed XML")
    rows = _rows(data, shared, date_styles, epoch)
    end = data.find("</sheetData>")
    merges = []
    for m in _MERGE.finditer(data, max(end, 0)):
        c1, r1, c2, r2 = range_boundaries(m.group(1))
        merges.append((r1, c1, r2, c2))
    return chosen.get("name", ""), titles, rows, merges


def _date_styles(styles: str) -> set[int]:
    custom = {}
    for m in _NUMFMT.finditer(styles):
        a = _attrs(m.group(1))
        if "numFmtId" in a:
            custom[int(a["numFmtId"])] = a.get("formatCode", "")
    start = styles.find("<cellXfs")
    end = styles.find("</cellXfs>", start)
    if start < 0:
        return set()
    out = set()
    for index, m in enumerate(_XF.finditer(styles[start:end])):
        fmt = int(_attrs(m.group(1)).get("numFmtId", "0"))
        if fmt in custom:
            if is_date_format(custom[fmt]):
                out.add(index)
        elif fmt in _DATE_IDS:
            out.add(index)
    return out


_CELL_FAST = re.compile(r'<c r="([A-Z]{1,3})([0-9]+)"([^>]*?)(?:/>|>(.*?)</c>)', re.S)


def _rows(data: str, shared: list[str], date_styles: set[int], epoch) -> list[list[Any]]:
    start = data.find("<sheetData")
    end = data.find("</sheetData>")
    end = end if end > 0 else len(data)
    if "<c>" in data[start:end] or re.search(r"<c (?!r=)", data[start:end]):
        return _rows_general(data[start:end], shared, date_styles, epoch)
    rows: dict[int, dict[int, Any]] = {}
    columns: dict[str, int] = {}
    last_row = 0
    current: dict[int, Any] = {}
    unescape = html.unescape
    for letters, number, attrs, body in _CELL_FAST.findall(data, start, end):
        r = int(number)
        if r != last_row:
            current = rows.setdefault(r, {})
            last_row = r
        col = columns.get(letters)
        if col is None:
            col = columns[letters] = column_index_from_string(letters)
        kind = attrs.split('t="', 1)[1].split('"', 1)[0] if 't="' in attrs else "n"
        if kind == "inlineStr":
            if body.startswith("<is><t>") and body.endswith("</t></is>") and "<" not in body[7:-9]:
                text = body[7:-9]
                current[col] = unescape(text) if "&" in text else text
            else:
                current[col] = _text(body) if "<is" in body else None
            continue
        if body.startswith("<v>") and body.endswith("</v>"):
            raw = body[3:-4]
        else:
            v = _V.search(body)
            if v is None:
                continue
            raw = v.group(1)
        if kind == "s":
            current[col] = shared[int(raw)]
        elif kind == "n":
            number_value: Any = float(raw) if ("." in raw or "E" in raw or "e" in raw) else int(raw)
            if date_styles and 's="' in attrs:
                style = int(attrs.split('s="', 1)[1].split('"', 1)[0])
                if style in date_styles:
                    try:
                        number_value = from_excel(number_value, epoch)
                    except (ValueError, OverflowError):
                        pass
            current[col] = number_value
        elif kind in ("str", "e"):
            current[col] = unescape(raw)
        elif kind == "b":
            current[col] = raw.strip() in ("1", "true")
        else:
            current[col] = raw
    out: list[list[Any]] = []
    for r in range(1, (max(rows) if rows else 0) + 1):
        cells = rows.get(r)
        if not cells:
            out.append([])
            continue
        row = [None] * max(cells)
        for c, v in cells.items():
            row[c - 1] = v
        while row and row[-1] is None:
            row.pop()
        out.append(row)
    return out


def _rows_general(data: str, shared: list[str], date_styles: set[int], epoch) -> list[list[Any]]:
    """Rows whose cells may lack their ``r`` reference (allowed, and written by a few tools)."""
    rows: list[list[Any]] = []
    for rm in _ROW.finditer(data):
        r = _ROW_R.search(rm.group(1))
        number = int(r.group(1)) if r else len(rows) + 1
        while len(rows) < number - 1:
            rows.append([])
        cells: list[Any] = []
        for cm in _CELL.finditer(rm.group(2) or ""):
            attrs, body = cm.group(1), cm.group(2) or ""
            ref = _CELL_REF.search(attrs)
            col = column_index_from_string(ref.group(1)) if ref else len(cells) + 1
            while len(cells) < col - 1:
                cells.append(None)
            cells.append(_value(attrs, body, shared, date_styles, epoch))
        while cells and cells[-1] is None:
            cells.pop()
        rows.append(cells)
    return rows


def _value(attrs: str, body: str, shared: list[str], date_styles: set[int], epoch) -> Any:
    t = _T_ATTR.search(attrs)
    kind = t.group(1) if t else "n"
    if kind == "inlineStr":
        return _text(body) if "<is" in body else None
    v = _V.search(body)
    if v is None:
        return None
    raw = v.group(1)
    if kind == "s":
        return shared[int(raw)]
    if kind in ("str", "e"):
        return html.unescape(raw)
    if kind == "b":
        return raw.strip() in ("1", "true")
    if kind == "d":
        return raw
    number: Any = float(raw) if any(ch in raw for ch in ".eE") else int(raw)
    s = _S_ATTR.search(attrs)
    if s and int(s.group(1)) in date_styles:
        try:
            return from_excel(number, epoch)
        except (ValueError, OverflowError):
            return number
    return number
