"""Read a ledger file (.xlsx or .csv) into rows of cell values, with its merged header cells.

CSV encodings: UTF-8 with or without BOM, else GB18030 (what Excel and WPS save on Chinese
Windows as "CSV"). ``.xlsx`` is read in openpyxl's streaming mode, with cached formula values.

An .xlsx is a zip archive, and a small one can inflate to gigabytes (a "zip bomb"). Before any
part of it is opened, :func:`check_archive` reads the sizes its directory declares and refuses
the file when the parts together exceed :data:`MAX_UNZIPPED`, or when a part larger than
:data:`RATIO_FLOOR` inflates more than :data:`MAX_RATIO` times. Python's zipfile never inflates
a part past its declared size (a part that claims less than it holds fails its CRC check), so the
declared sizes bound what is really read. Sheets above :data:`FAST_READER_MAX` bytes are read by
openpyxl's streaming parser, never whole into memory.
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
    """The file cannot be read as a ledger (wrong type, missing sheet, unknown encoding, too large)."""


MAX_UNZIPPED = 200 * 1024 * 1024  # all parts of one .xlsx, inflated
MAX_RATIO = 100  # inflated / compressed, for parts above RATIO_FLOOR (real ledgers: 5-20)
RATIO_FLOOR = 4 * 1024 * 1024
FAST_READER_MAX = 64 * 1024 * 1024  # larger sheets go through openpyxl's streaming parser
BOMB_MESSAGE = "文件解压后过大，可能已损坏或是恶意文件"


def check_archive(path: Path) -> int:
    """Refuse an .xlsx whose parts inflate too far (``LedgerFileError``); returns the largest part's size.

    A file that is not a zip archive at all passes: the reader reports it in its own words.
    """
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError):
        return 0
    total = 0
    for info in infos:
        total += info.file_size
        if total > MAX_UNZIPPED or (info.file_size > RATIO_FLOOR
                                    and info.file_size > MAX_RATIO * max(info.compress_size, 1)):
            raise LedgerFileError(f"{path.name}：{BOMB_MESSAGE}")
    return max((i.file_size for i in infos), default=0)


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
    check_archive(path)
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

    if check_archive(path) > FAST_READER_MAX:
        return read_xlsx_openpyxl(path, sheet)
    try:
        title, names, rows, merges = read_sheet(path, sheet, FAST_READER_MAX)
        return Table(path, title, names, rows, merges)
    except KeyError:
        pass  # a missing sheet or part: the full reader gives the proper message
    except (Unsupported, ValueError, IndexError, UnicodeDecodeError, zipfile.BadZipFile):
        pass  # the full reader copes with what the fast one does not
    return read_xlsx_openpyxl(path, sheet)


def read_xlsx_openpyxl(path: Path, sheet: str | None) -> Table:
    """The full (slower) reader: openpyxl's streaming mode."""
    from openpyxl import load_workbook  # noqa: PLC0415

    check_archive(path)
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
            data = _after_sheet_data(src)
    except Exception:  # noqa: BLE001 - without merges the header finder still works, less well
        return []
    out = []
    for m in _MERGE.finditer(data):
        col1, row1, col2, row2 = range_boundaries(m.group(1).decode())
        out.append((row1, col1, row2, col2))
    return out


_SHEET_DATA_END = re.compile(rb"</(?:\w+:)?sheetData>|<(?:\w+:)?sheetData\s*/>")


def _after_sheet_data(src, chunk: int = 1 << 20) -> bytes:
    """The sheet XML after its cells (where the merges are), read a block at a time."""
    keep = b""
    while block := src.read(chunk):
        buf = keep + block
        m = _SHEET_DATA_END.search(buf)
        if m is not None:
            return buf[m.start():] + src.read()
        keep = buf[-32:]
    return b""
