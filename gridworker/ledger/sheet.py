"""Spreadsheets that officials open in Excel or WPS: title, export time, Chinese headers, frozen
header row, widths that fit CJK text, real dates, ID numbers and phones as text."""
from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

MAX_WIDTH = 60
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
_TITLE_FONT = Font(bold=True, size=14)
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


@dataclass(frozen=True)
class Column:
    """A column: its Chinese header and how values are written.

    ``kind``: ``text`` (always a string cell, number format ``@``: ID numbers, phones, codes),
    ``date``, ``datetime``, ``int``, ``number`` (decimal text such as areas written as numbers), ``auto``.
    """

    header: str
    kind: str = "auto"


def display_width(value: Any) -> int:
    """Width in Excel character units: CJK (wide) characters count as 2."""
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 10
    s = str(value)
    return max((sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
                for line in s.splitlines() or [""]), default=0)


def _convert(kind: str, value: Any) -> Any:
    if value is None or value == "":
        return None
    if kind == "text":
        return str(value)
    if kind == "date":
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value)[:10])
        except ValueError:
            return str(value)
    if kind == "datetime":
        if isinstance(value, dt.datetime):
            v = value
        else:
            try:
                v = dt.datetime.fromisoformat(str(value))
            except ValueError:
                return str(value)
        # Spreadsheets have no time zones: show local wall-clock time.
        return v.astimezone().replace(tzinfo=None) if v.tzinfo else v
    if kind == "int":
        try:
            return int(value)
        except (TypeError, ValueError):
            return str(value)
    if kind == "number":
        try:
            return float(value) if "." in str(value) else int(value)
        except (TypeError, ValueError):
            return str(value)
    return value


class SheetBook:
    """A workbook of one or more sheets, each with a title row, export time, header and data."""

    def __init__(self) -> None:
        self.wb = Workbook(write_only=True)
        self.exported_at = dt.datetime.now().replace(microsecond=0)
        self.rows_written = 0

    def add_sheet(self, name: str, title: str, columns: list[Column], rows: Iterable[list[Any]],
                  *, note: str | None = None) -> int:
        """Write one sheet; returns the number of data rows. Rows are buffered to size the columns."""
        data = [[_convert(c.kind, v) for c, v in zip(columns, row)] for row in rows]
        ws = self.wb.create_sheet(_sheet_name(name))
        widths = [display_width(c.header) for c in columns]
        for row in data:
            for i, v in enumerate(row):
                w = display_width(v)
                if w > widths[i]:
                    widths[i] = w
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = min(w + 2, MAX_WIDTH)
        header_row = 4 if note else 3
        ws.freeze_panes = f"A{header_row + 1}"
        title_cell = WriteOnlyCell(ws, title)
        title_cell.font = _TITLE_FONT
        ws.append([title_cell])
        ws.append([f"导出时间：{self.exported_at:%Y-%m-%d %H:%M}"])
        if note:
            ws.append([note])
        header = []
        for c in columns:
            cell = WriteOnlyCell(ws, c.header)
            cell.font, cell.fill, cell.alignment = _HEADER_FONT, _HEADER_FILL, _CENTER
            header.append(cell)
        ws.append(header)
        formats = {"text": "@", "date": DATE_FORMAT, "datetime": DATETIME_FORMAT}
        for row in data:
            out = []
            for c, v in zip(columns, row):
                fmt = formats.get(c.kind)
                if fmt is None and isinstance(v, dt.datetime):
                    fmt = DATETIME_FORMAT
                elif fmt is None and isinstance(v, dt.date):
                    fmt = DATE_FORMAT
                if fmt is not None and v is not None:
                    cell = WriteOnlyCell(ws, v)
                    cell.number_format = fmt
                    out.append(cell)
                else:
                    out.append(v)
            ws.append(out)
        self.rows_written += len(data)
        return len(data)

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".part")
        self.wb.save(tmp)
        tmp.replace(path)  # never leave a half-written file under the real name
        return path


def _sheet_name(name: str) -> str:
    for ch in '[]:*?/\\':
        name = name.replace(ch, "_")
    return name[:31] or "Sheet"
