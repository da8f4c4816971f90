"""The small table helpers every workspace shares: a read-only row-selecting QTableWidget, its
cells, and filling it from rows of text.

For lists that stay short (a case's events, a ballot's duplicates, a page of review items).
A list that can grow past a few hundred rows uses a real item model instead (the households
list, ``workspaces/households.py``).
"""
from __future__ import annotations

from typing import Any, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QWidget


def item(text: Any, data: Any = None) -> QTableWidgetItem:
    """A read-only cell showing ``text`` (None shows empty), carrying ``data`` as its UserRole. A long
    text also has itself as its tooltip (a narrow column elides it)."""
    cell = QTableWidgetItem("" if text is None else str(text))
    if text is not None and len(str(text)) > 8:
        cell.setToolTip(str(text))
    cell.setFlags(Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled)
    if data is not None:
        cell.setData(Qt.ItemDataRole.UserRole, data)
    return cell


def make_table(headers: Sequence[str], *, stretch: int | None = None, parent: QWidget | None = None,
               widths: Sequence[int] | None = None, name: str | None = None) -> QTableWidget:
    """A read-only table that selects one whole row. ``stretch``: the column that takes the spare
    width (others fit their contents); without it the last column stretches. ``widths``: fixed
    starting widths of the first columns, which the user can then drag."""
    table = QTableWidget(0, len(headers), parent)
    if name:
        table.setObjectName(name)
    table.setHorizontalHeaderLabels(list(headers))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    if widths is not None:
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for col, width in enumerate(widths):
            table.setColumnWidth(col, width)
        header.setStretchLastSection(True)
    elif stretch is None:
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
    else:
        # The other columns fit their contents up to COLUMN_CAP (longer text is elided, its tooltip
        # whole): one long visitor name can no longer squeeze the text column to one character.
        table.setProperty("stretch_column", stretch)
        for col in range(len(headers)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch if col == stretch
                                        else QHeaderView.ResizeMode.Interactive)
        fit_columns(table)
    return table


COLUMN_CAP = 140  # pixels: the widest a non-stretching column grows by itself


def fit_columns(table: QTableWidget, cap: int = COLUMN_CAP) -> None:
    """Size the non-stretching columns of a ``stretch`` table to their contents and header, capped."""
    stretch = table.property("stretch_column")
    if stretch is None:
        return
    for col in range(table.columnCount()):
        if col == stretch:
            continue
        table.resizeColumnToContents(col)
        table.setColumnWidth(col, min(table.columnWidth(col), cap))


def fill(table: QTableWidget, rows: Sequence[Sequence[Any]], ids: Sequence[Any] | None = None) -> None:
    """Replace the table's rows; ``ids[r]`` rides on the first cell of row ``r`` (UserRole)."""
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.setItem(r, c, item(value, ids[r] if ids is not None and c == 0 else None))
    fit_columns(table)
