"""The import report: every rejected row with its original cells and a 原因 column.

The report keeps the ledger's own header, so a user can correct the rows in the report and
import the report itself (its extra columns 原行号 / 原因 are ignored on import).
"""
from __future__ import annotations

from pathlib import Path

from .importer import ImportResult
from .reader import read_table
from .sheet import Column, SheetBook

STATUS_ZH = {"created": "新增", "updated": "更新", "unchanged": "无变化", "rejected": "未导入",
             "duplicate": "重复"}


def write_report(result: ImportResult, out: str | Path) -> Path:
    """Write the validation report of an import (or dry run) as .xlsx (CSV for a ``.csv`` name)."""
    table = read_table(result.path, result.sheet)
    mapping = result.mapping
    width = max(len(mapping.labels), 1)
    text_cols = {mapping.column_of(f) for f in ("id_number", "phone", "room", "building_no", "unit")}
    columns = [Column("原行号", "int")]
    for i in range(width):
        label = mapping.labels[i] if i < len(mapping.labels) and mapping.labels[i] else f"第{i + 1}列"
        columns.append(Column(label, "text" if i in text_cols else "auto"))
    columns.append(Column("原因", "text"))
    rows = []
    for o in result.rejections:
        cells = table.rows[o.row - 1] if o.row - 1 < len(table.rows) else []
        cells = (list(cells) + [None] * width)[:width]
        shown = [(_shown(v) if i in text_cols else v) for i, v in enumerate(cells)]
        rows.append([o.row, *shown, o.reason])
    book = SheetBook.for_path(out)
    name = Path(result.path).name
    book.add_sheet("未导入", f"导入校验报告：{name}（未导入 {len(rows)} 行）", columns, rows)
    summary = [["读取行数", result.read], ["新增", result.created], ["更新", result.updated],
               ["无变化", result.unchanged], ["未导入（含重复）", result.rejected],
               ["其中重复", result.count("duplicate")], ["新建户", result.households_created],
               ["更新户", result.households_updated],
               ["模式", "试运行（未写入）" if result.dry_run else "已导入"]]
    book.add_sheet("汇总", f"导入汇总：{name}", [Column("项目", "text"), Column("数量", "auto")], summary)
    return book.save(out)


def _shown(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, float):
        return f"{value:.5E}" if abs(value) >= 1e15 else repr(value)
    return str(value)
