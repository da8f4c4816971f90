"""A small .xlsx that inflates to hundreds of megabytes is refused before it is inflated."""
from __future__ import annotations

import time
import tracemalloc
import zipfile

import pytest

from gridworker.ledger import LedgerFileError, import_ledger, preview, read_table, sheet_names
from gridworker.ledger.reader import BOMB_MESSAGE, read_xlsx_openpyxl

from ledger_helpers import make_id, rows_of, write_xlsx

ROW = b'<row><c t="inlineStr"><is><t>AAAAAAAAAAAAAAAAAAAAAAAA</t></is></c></row>' * 16384  # ~1 MB


def bomb(path, megabytes: int, *, level: int = 1):
    """A workbook whose one sheet is ``megabytes`` MB of the same row: a few MB on disk."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        z.writestr("xl/workbook.xml", '<workbook><sheets><sheet name="台账" sheetId="1" r:id="rId1"/></sheets>'
                                      "</workbook>")
        z.writestr("xl/_rels/workbook.xml.rels", '<Relationships><Relationship Id="rId1" Type="x/worksheet" '
                                                 'Target="worksheets/sheet1.xml"/></Relationships>')
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b"<worksheet><sheetData>")
            for _ in range(megabytes):
                sheet.write(ROW)
            sheet.write(b"</sheetData></worksheet>")
    return path


@pytest.mark.parametrize("megabytes,level", [(400, 1), (20, 9)])  # past the total; past the ratio
def test_bomb_is_refused_without_inflating_it(db, ledger_actor, tmp_path, megabytes, level):
    path = bomb(tmp_path / "台账.xlsx", megabytes, level=level)
    assert path.stat().st_size < 4 * 1024 * 1024
    started = time.monotonic()
    tracemalloc.start()
    try:
        for read in (lambda: import_ledger(db, ledger_actor, path), lambda: preview(db, path),
                     lambda: sheet_names(path), lambda: read_xlsx_openpyxl(path, None)):
            with pytest.raises(LedgerFileError) as info:
                read()
            assert BOMB_MESSAGE in str(info.value) and "台账.xlsx" in str(info.value)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 5 * 1024 * 1024, f"{peak / 1e6:.1f} MB allocated while refusing"
    assert time.monotonic() - started < 2
    assert rows_of(db, "resident") == []


def test_a_real_ledger_with_a_big_sheet_still_imports(db, ledger_actor, tmp_path):
    """Ordinary files stay well under the limits: 3,000 rows of realistic cells."""
    rows = [["姓名", "身份证号", "地址"]] + [[f"居民{i}", make_id("19800101", i % 1000), f"阳光花园{i // 100 + 1}幢{i % 100 + 1}室"]
                                          for i in range(1, 3001)]
    path = write_xlsx(tmp_path / "big.xlsx", rows, text_columns=(2,))
    assert len(read_table(path).rows) == 3001
