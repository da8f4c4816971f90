"""Typed text is data, never code: formula-like names come out of every export as literal text."""
from __future__ import annotations

import csv

import pytest
from openpyxl import load_workbook

from gridworker.ledger import export, import_ledger, write_report
from gridworker.ledger.sheet import Column, SheetBook

from ledger_helpers import make_id, rows_of

LINK = '=HYPERLINK("http://evil.example/steal","点我")'
# What an attacker might put in a name: a live link, DDE, arithmetic, a function, a padded formula.
NAMES = [LINK, "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(1,2)", "  =1+2"]
STORED = [n.strip() for n in NAMES]  # the unit of work trims what is typed
ZHANG = make_id("19800101", 11)


def formula_cells(path) -> list[str]:
    """Every cell of every sheet that a spreadsheet program would evaluate."""
    wb = load_workbook(path)
    return [f"{ws.title}!{c.coordinate}={c.value!r}" for ws in wb.worksheets
            for row in ws.iter_rows() for c in row if c.data_type == "f"]


def cells_of(path) -> dict[str, object]:
    """Literal text of each cell -> the cell, over every sheet (for looking attack texts up)."""
    wb = load_workbook(path)
    return {c.value: c for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)}


def read_csv(path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


@pytest.fixture
def attacked(db, ledger_actor, tmp_path):
    """Residents with formula names arriving by CSV import, plus a household and an issue written directly."""
    lines = ["姓名,身份证号,地址,与户主关系"]
    for i, name in enumerate(NAMES):
        quoted = '"' + name.replace('"', '""') + '"'
        lines.append(f"{quoted},{make_id('19800101', 101 + 2 * i)},阳光花园3幢2单元{501 + i}室,户主")
    path = tmp_path / "attack.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = import_ledger(db, ledger_actor, path)
    assert result.created == len(NAMES), result.to_json()
    with db.write(ledger_actor) as uow:
        uow.insert("household", {"address": "翠竹苑5幢1单元101室", "head_name": LINK, "notes": "-1+2"})
        uow.insert("issue", {"title": LINK, "address": "翠竹苑5幢", "reporter_name": "@evil"})
    return db


@pytest.mark.parametrize("what", ["households", "residents", "issues"])
def test_formula_names_are_literal_text_in_xlsx(attacked, ledger_actor, tmp_path, what):
    for unmask in (False, True):
        path = export(attacked, ledger_actor, what, tmp_path / f"{what}-{unmask}.xlsx", unmask=unmask).path
        assert formula_cells(path) == []
        cells = cells_of(path)
        assert cells[LINK].data_type == "s" and cells[LINK].quotePrefix  # stays text when edited in Excel
        if what == "residents":
            for name in STORED:
                assert cells[name].data_type == "s", name


@pytest.mark.parametrize("what", ["households", "residents", "issues"])
def test_formula_names_get_a_quote_in_csv(attacked, ledger_actor, tmp_path, what):
    path = export(attacked, ledger_actor, what, tmp_path / f"{what}.csv", unmask=True).path
    cells = {v for row in read_csv(path) for v in row}
    assert "'" + LINK in cells and LINK not in cells
    if what == "residents":
        for name in STORED:
            assert "'" + name in cells, name
    risky = [v for v in cells if v[:1] in ("=", "+", "-", "@", "\t", "\r") or v.lstrip()[:1] in ("=", "+", "-", "@")]
    assert risky == []


def test_numbers_stay_numbers_and_tab_or_cr_text_is_neutralised(tmp_path):
    columns = [Column("数值", "auto"), Column("面积", "number"), Column("备注", "text")]
    rows = [[-5, "-12.5", "\t=1+2"], [-3.25, "7", "\r=1+2"], [4, None, "普通文字 -1"], [" =1+2", None, " @A1"]]
    xlsx = SheetBook.for_path(tmp_path / "n.xlsx")
    xlsx.add_sheet("表", "标题", columns, rows)
    ws = load_workbook(xlsx.save(tmp_path / "n.xlsx")).active
    body = [[c for c in r] for r in ws.iter_rows(min_row=4)]
    assert [(c.value, c.data_type) for c in body[0][:2]] == [(-5, "n"), (-12.5, "n")]
    assert body[1][0].value == -3.25 and body[1][0].data_type == "n"
    assert body[0][2].data_type == "s" and body[0][2].value == "\t=1+2"
    assert [(c.value, c.data_type) for c in body[3][::2]] == [(" =1+2", "s"), (" @A1", "s")]
    assert formula_cells(tmp_path / "n.xlsx") == []
    book = SheetBook.for_path(tmp_path / "n.csv")
    book.add_sheet("表", "标题", columns, rows)
    data = read_csv(book.save(tmp_path / "n.csv"))[3:]
    assert data == [["-5", "-12.5", "'\t=1+2"], ["-3.25", "7", "'\r=1+2"], ["4", "", "普通文字 -1"],
                    ["' =1+2", "", "' @A1"]]


def test_import_report_of_formula_and_control_cells_is_inert(db, ledger_actor, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(f'姓名,身份证号,地址,备注\n"{LINK.replace(chr(34), chr(34) * 2)}",{ZHANG},'
                    "阳光花园3幢2单元501室,\"\x01\"\n", encoding="utf-8")
    result = import_ledger(db, ledger_actor, path)
    [bad] = result.rejections
    assert bad.row == 2 and bad.column == "备注" and "U+0001" in bad.reason
    out = write_report(result, tmp_path / "报告.xlsx")
    assert formula_cells(out) == []
    cells = cells_of(out)
    assert cells[LINK].data_type == "s" and "<U+0001>" in cells  # shown, not written raw
    assert rows_of(db, "resident") == []


def test_libreoffice_shows_formula_names_as_typed(attacked, ledger_actor, tmp_path):
    """A real office program opens the export and shows the text, not a link or a sum."""
    from test_libreoffice import SOFFICE, to_csv  # noqa: PLC0415 - skipped when LibreOffice is absent

    if SOFFICE is None:
        pytest.skip("LibreOffice is not installed")
    path = export(attacked, ledger_actor, "residents", tmp_path / "residents.xlsx", unmask=True).path
    rows = to_csv([path], tmp_path)["residents"]
    names = {r[1] for r in rows[3:] if len(r) > 1}
    assert set(STORED) <= names, names  # "点我", "2" or "3" would mean a formula was evaluated
