"""Read a ledger file (.xlsx or .csv) into rows of cell values, with its merged header cells.

CSV encodings: UTF-8 with or without BOM, else GB18030 (what Excel and WPS save on Chinese
Windows as "CSV"). ``.xlsx`` is read in openpyxl's streaming mode, with cached formula values.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl.utils.cell import range_boundaries

from ..domain.errors import GridworkerError


class LedgerFileError(GridworkerError):
    """The file cannot be read as a ledger (wrong type, missing sheet, unknown encoding)."""


@dataclass
class Table:
    """One sheet's cells. ``rows[i]`` is sheet row ``i + 1``; merges are (row1, col1, row2, col2), 1-based."""

    path: Path
    sheet: str | None
    sheets: list[str]
    rows: list[list[Any]]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    encoding: str | None = None

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


def read_table(path: str | Path, sheet: str | None = None) -> Table:
    """Read the first (or the named) sheet of an .xlsx, or a .csv file."""
    path = Path(path)
    if not path.exists():
        raise LedgerFileError(f"文件不存在：{path}")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        return _read_csv(path)
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet)
    if suffix == ".xls":
        raise LedgerFileError("不支持旧版 .xls 文件：请在 Excel 或 WPS 中“另存为” .xlsx 后再导入")
    raise LedgerFileError(f"不支持的文件类型“{path.suffix}”：请使用 .xlsx 或 .csv")


def sheet_names(path: str | Path) -> list[str]:
    """The sheet names of an .xlsx (a CSV has none)."""
    path = Path(path)
    if path.suffix.lower() in (".csv", ".txt"):
        return []
    from openpyxl import load_workbook  # noqa: PLC0415

    wb = load_workbook(path, read_only=True)
    try:
        return list(wb.sheetnames)
    finally:
        wb.close()


def decode_csv(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was in: UTF-8 (BOM or not), else GB18030."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        raise LedgerFileError("无法识别文件编码：请另存为 UTF-8 或 GB18030 编码的 CSV") from None


def _read_csv(path: Path) -> Table:
    text, encoding = decode_csv(path.read_bytes())
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    rows = [list(r) for r in csv.reader(io.StringIO(text, newline=""), dialect)]
    return Table(path, None, [], rows, [], encoding)


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')


def _read_xlsx(path: Path, sheet: str | None) -> Table:
    from .xlsx_fast import Unsupported, read_sheet  # noqa: PLC0415

    try:
        title, names, rows, merges = read_sheet(path, sheet)
        return Table(path, title, names, rows, merges)
    except KeyError:
        pass  # a missing sheet or part: the full reader gives the proper message
    except (Unsupported, ValueError, IndexError, UnicodeDecodeError, zipfile.BadZipFile):
        pass  # the full reader copes with what the fast one does not
    return read_xlsx_openpyxl(path, sheet)


def read_xlsx_openpyxl(path: Path, sheet: str | None) -> Table:
    """The full (slower) reader: openpyxl's streaming mode."""
    from openpyxl import load_workbook  # noqa: PLC0415

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - zip and XML errors alike mean "not a workbook"
        raise LedgerFileError(f"无法打开 Excel 文件：{path.name}（{exc}）") from None
    try:
        names = list(wb.sheetnames)
        if sheet is None:
            ws = wb.worksheets[0]
        elif sheet in names:
            ws = wb[sheet]
        else:
            raise LedgerFileError(f"找不到工作表“{sheet}”，可选：{'、'.join(names)}")
        # Some writers store a wrong <dimension>: read every row that is really there.
        ws.reset_dimensions()
        rows = [list(r) for r in ws.iter_rows(min_row=1, values_only=True)]
        merges = _merges(ws)
        return Table(path, ws.title, names, rows, merges)
    finally:
        wb.close()


def _merges(ws) -> list[tuple[int, int, int, int]]:
    """Merged ranges of a streaming worksheet, read from its XML (openpyxl's read-only mode skips them)."""
    try:
        with ws._get_source() as src:  # noqa: SLF001 - the only way to the raw sheet XML
            data = src.read()
    except Exception:  # noqa: BLE001 - without merges the header finder still works, less well
        return []
    start = data.find(b"</sheetData>")
    out = []
    for m in _MERGE.finditer(data, max(start, 0)):
        col1, row1, col2, row2 = range_boundaries(m.group(1).decode())
        out.append((row1, col1, row2, col2))
    return out
