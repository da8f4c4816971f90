"""Spreadsheets that officials open in Excel or WPS: title, export time, Chinese headers, frozen
header row, widths that fit CJK text, real dates, ID numbers and phones as text.

Anything a person typed is data, never code. A text that begins with ``=`` ``+`` ``-`` ``@``
(after any leading spaces) or with TAB or CR would be taken for a formula by a spreadsheet program:

- in .xlsx it is written as a string cell (``t="inlineStr"``, never ``<f>``) with the
  "quote prefix" style, so Excel and WPS keep it text even when the cell is edited;
- in .csv (``SheetBook(as_csv=True)``, chosen by the ``.csv`` file name) it gets a single quote
  ``'`` in front, the OWASP rule for CSV injection.

Numbers stay numbers: a negative number is written as a number, only *text* is neutralised.
Control and bidi characters (see :mod:`gridworker.domain.text`) are written out as ``<U+XXXX>``.
"""
from __future__ import annotations

import csv
import datetime as dt
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..domain.text import visible

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


_FORMULA_START = ("=", "+", "-", "@")


def formula_like(text: str) -> bool:
    """Whether a spreadsheet program could read ``text`` as a formula (or a DDE command)."""
    return text[:1] in ("\t", "\r") or text.lstrip()[:1] in _FORMULA_START


def csv_cell(value: Any) -> str:
    """One value as CSV text: formula-like text gets a leading ``'`` (OWASP), numbers stay as they are."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return str(value)
    text = visible(str(value))
    return "'" + text if formula_like(text) else text


class SheetBook:
    """A workbook of one or more sheets, each with a title row, export time, header and data.

    ``as_csv=True`` writes the same sheets one after another (a blank line between) as UTF-8 CSV
    with a BOM, which Excel and WPS open with the Chinese intact.
    """

    def __init__(self, *, as_csv: bool = False) -> None:
        self.wb = Workbook(write_only=True)
        self.exported_at = dt.datetime.now().replace(microsecond=0)
        self.rows_written = 0
        self.csv_rows: list[list[Any]] | None = [] if as_csv else None

    @classmethod
    def for_path(cls, path: str | Path) -> "SheetBook":
        """A book that will be saved as CSV when ``path`` ends in ``.csv``, else as .xlsx."""
        return cls(as_csv=Path(path).suffix.lower() == ".csv")

    def _text_cell(self, ws, value: Any) -> Any:
        """``value`` as written to the sheet: typed text can never become a formula."""
        if not isinstance(value, str):
            return value
        value = visible(value)
        if not formula_like(value):
            return value
        cell = WriteOnlyCell(ws, value)
        cell.data_type = "s"  # openpyxl makes "=…" a formula cell; this one is text
        cell.quotePrefix = True
        return cell

    def _add_csv(self, title: str, columns: list[Column], data: list[list[Any]], note: str | None) -> int:
        if self.csv_rows:
            self.csv_rows.append([])
        self.csv_rows += [[title], [f"导出时间：{self.exported_at:%Y-%m-%d %H:%M}"]]
        if note:
            self.csv_rows.append([note])
        self.csv_rows.append([c.header for c in columns])
        self.csv_rows += data
        self.rows_written += len(data)
        return len(data)

    def add_sheet(self, name: str, title: str, columns: list[Column], rows: Iterable[list[Any]],
                  *, note: str | None = None) -> int:
        """Write one sheet; returns the number of data rows. Rows are buffered to size the columns."""
        data = [[_convert(c.kind, v) for c, v in zip(columns, row)] for row in rows]
        if self.csv_rows is not None:
            return self._add_csv(title, columns, data, note)
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
        title_cell = self._text_cell(ws, title)
        if not isinstance(title_cell, Cell):
            title_cell = WriteOnlyCell(ws, title_cell)
        title_cell.font = _TITLE_FONT
        ws.append([title_cell])
        ws.append([f"导出时间：{self.exported_at:%Y-%m-%d %H:%M}"])
        if note:
            ws.append([self._text_cell(ws, note)])
        header = []
        for c in columns:
            cell = self._text_cell(ws, c.header)
            if not isinstance(cell, Cell):
                cell = WriteOnlyCell(ws, cell)
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
                v = self._text_cell(ws, v)
                if fmt is not None and v is not None:
                    cell = v if isinstance(v, Cell) else WriteOnlyCell(ws, v)
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
        if self.csv_rows is not None:
            with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
                csv.writer(fh).writerows([csv_cell(v) for v in row] for row in self.csv_rows)
        else:
            self.wb.save(tmp)
        tmp.replace(path)  # never leave a half-written file under the real name
        return path


def _sheet_name(name: str) -> str:
    for ch in '[]:*?/\\':
        name = name.replace(ch, "_")
    return name[:31] or "Sheet"
