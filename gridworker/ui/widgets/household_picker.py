"""HouseholdPicker: a line edit that searches households as you type and offers them in a popup.

    picker = HouseholdPicker(parent)
    picker.set_context(ctx)
    picker.household_selected.connect(lambda hid, info: ...)

The search (``gridworker.store.search.search_households``: name, pinyin, initials, phone tail,
address fragment) runs through ``ctx.tasks`` after a short pause in typing; a stale answer (the
user typed on) is dropped. Enter takes the first hit. Phones are shown masked.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QCompleter, QHBoxLayout, QLabel, QLineEdit, QToolButton, QVBoxLayout, QWidget

from ...domain.masking import mask_phone
from ...store.search import search_households
from ..context import AppContext

DEBOUNCE_MS = 180
LIMIT = 15
ID_ROLE = Qt.ItemDataRole.UserRole + 1
INFO_ROLE = Qt.ItemDataRole.UserRole + 2


def search(conn: Any, text: str, limit: int = LIMIT) -> list[dict[str, Any]]:
    """Households for the picker as dicts (id, address, head_name, phone, names, attention_level)."""
    hits = search_households(conn, text, limit=limit)
    return [{"id": h.id, "address": h.address, "head_name": h.head_name, "phone": h.phone,
             "attention_level": h.attention_level, "names": h.matched_names,
             "last_visit_at": h.last_visit_at} for h in hits]


def describe(info: dict[str, Any]) -> str:
    """One line for a household: address, head, masked phone, and who matched if not the head."""
    parts = [info.get("address") or ""]
    if info.get("head_name"):
        parts.append(info["head_name"])
    if info.get("phone"):
        parts.append(mask_phone(info["phone"]))
    others = [n for n in info.get("names") or [] if n != info.get("head_name")]
    if others:
        parts.append("（" + "、".join(others) + "）")
    return "  ".join(parts)


class HouseholdPicker(QWidget):
    """Search-as-you-type household chooser. ``household_selected(id, info)`` when one is taken."""

    household_selected = Signal(str, dict)
    cleared = Signal()

    def __init__(self, parent: QWidget | None = None, *, placeholder: str | None = None):
        super().__init__(parent)
        self.ctx: AppContext | None = None
        self._household: dict[str, Any] | None = None
        self._generation = 0
        self._hits: list[dict[str, Any]] = []
        self._choose_first_when_ready = False

        self.edit = QLineEdit(self)
        self.edit.setObjectName("household_search")
        self.edit.setPlaceholderText(placeholder or self.tr("输入姓名、拼音首字母、电话尾号或门牌号搜索住户"))
        self.edit.setClearButtonEnabled(True)
        self.clear_button = QToolButton(self)
        self.clear_button.setText(self.tr("重选"))
        self.clear_button.setVisible(False)
        self.clear_button.clicked.connect(self.clear)
        self.chosen = QLabel(self)
        self.chosen.setObjectName("household_chosen")
        self.chosen.setWordWrap(True)
        self.chosen.setStyleSheet("color: #1b5e20;")
        self.chosen.hide()

        self.model = QStandardItemModel(self)
        self.completer = QCompleter(self)
        self.completer.setModel(self.model)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setMaxVisibleItems(10)
        # Addresses with names are longer than a form's line edit: let the list be wider.
        self.completer.popup().setMinimumWidth(420)
        self.completer.setWidget(self.edit)
        self.completer.activated[QModelIndex].connect(self._activated_index)

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self._search)
        self.edit.textEdited.connect(self._edited)
        self.edit.returnPressed.connect(self._return_pressed)

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.chosen)

    # ------------------------------------------------------------------ public API
    def set_context(self, ctx: AppContext) -> None:
        self.ctx = ctx

    def household_id(self) -> str | None:
        return self._household["id"] if self._household else None

    def household(self) -> dict[str, Any] | None:
        return dict(self._household) if self._household else None

    def hits(self) -> list[dict[str, Any]]:
        """The households the last search offered (tests and keyboard users read these)."""
        return list(self._hits)

    def set_household(self, info: dict[str, Any]) -> None:
        """Show ``info`` (at least id and address) as chosen, as if the user picked it."""
        self._household = dict(info)
        self.edit.setText(info.get("address") or "")
        self.chosen.setText(self.tr("已选：") + describe(info))
        self.chosen.show()
        self.clear_button.setVisible(True)
        self.completer.popup().hide()
        self.household_selected.emit(info["id"], dict(info))

    def choose(self, index: int) -> None:
        """Take hit number ``index`` of the last search."""
        self.set_household(self._hits[index])

    def clear(self) -> None:
        self._household = None
        self._hits = []
        self.model.clear()
        self.edit.clear()
        self.chosen.hide()
        self.clear_button.setVisible(False)
        self.cleared.emit()
        self.edit.setFocus()

    def search_text(self, text: str) -> None:
        """Search for ``text`` now (as if typed)."""
        self.edit.setText(text)
        self._edited(text)
        self.timer.stop()
        self._search()

    # ------------------------------------------------------------------ internals
    def _edited(self, text: str) -> None:
        if self._household is not None:
            # Typing over a chosen household means choosing again.
            self._household = None
            self.chosen.hide()
            self.clear_button.setVisible(False)
            self.cleared.emit()
        self._generation += 1
        if text.strip():
            self.timer.start()
        else:
            self.timer.stop()
            self._hits = []
            self.model.clear()
            self.completer.popup().hide()

    def _search(self) -> None:
        if self.ctx is None:
            return
        text = self.edit.text().strip()
        if not text:
            return
        generation = self._generation

        def work(state: Any) -> list[dict[str, Any]]:
            with self.ctx.db.read() as conn:
                return search(conn, text, LIMIT)

        self.ctx.tasks.run(work, on_done=lambda hits: self._show(generation, hits))

    def _show(self, generation: int, hits: list[dict[str, Any]]) -> None:
        if generation != self._generation:
            return  # the user typed on: an older answer would flash wrong rows
        self._hits = hits
        self.model.clear()
        for info in hits:
            item = QStandardItem(describe(info))
            item.setData(info["id"], ID_ROLE)
            item.setEditable(False)
            self.model.appendRow(item)
        if not hits:
            item = QStandardItem(self.tr("没有找到符合的住户"))
            item.setEnabled(False)
            item.setSelectable(False)
            self.model.appendRow(item)
        if self._choose_first_when_ready and hits:
            self._choose_first_when_ready = False
            self.choose(0)
            return
        if self.edit.hasFocus() or self.isVisible():
            self.completer.complete()

    def _activated_index(self, index: Any) -> None:
        hid = index.data(ID_ROLE)
        for info in self._hits:
            if info["id"] == hid:
                self.set_household(info)
                return

    def _return_pressed(self) -> None:
        if self._household is not None:
            return
        if self.timer.isActive() or not self._hits:
            # Results still coming: take the first one when they arrive.
            self._choose_first_when_ready = True
            if self.timer.isActive():
                self.timer.stop()
                self._search()
            return
        self.choose(0)
