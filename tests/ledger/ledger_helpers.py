"""Ledger test helpers: valid ID numbers, messy workbooks built with openpyxl, database peeks."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from gridworker.domain.idcard import check_char


def make_id(birth: str, seq: int, area: str = "320211") -> str:
    """A valid 18-character ID number for a birth date ``YYYYMMDD`` and a 3-digit sequence."""
    first17 = f"{area}{birth}{seq:03d}"
    return first17 + check_char(first17)


def write_xlsx(path: Path, rows: list[list[Any]], merges: list[str] = (), sheet: str = "台账",
               text_columns: tuple[int, ...] = ()) -> Path:
    """A workbook whose first sheet holds ``rows`` as given (title rows, blanks and all)."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for r in rows:
        ws.append(r)
    for m in merges:
        ws.merge_cells(m)
    for col in text_columns:
        for row in ws.iter_rows(min_col=col, max_col=col):
            for cell in row:
                cell.number_format = "@"
    wb.save(path)
    return path


def outbox_count(db) -> int:
    with db.read() as conn:
        return conn.exec_driver_sql("SELECT COUNT(*) FROM outbox").scalar()


def rows_of(db, table: str) -> list[dict]:
    with db.read() as conn:
        return [dict(r) for r in conn.exec_driver_sql(
            f"SELECT * FROM {table} WHERE deleted = 0 ORDER BY name" if table == "resident"
            else f"SELECT * FROM {table} WHERE deleted = 0").mappings()]


TODAY = dt.date.today()
