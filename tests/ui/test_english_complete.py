"""The English UI is complete (#19 item 9): no visible string of any workspace, its pages and tables'
headers, the menus, the status bar or the window title contains Chinese characters, the test data
(names, addresses, the community) aside; switching back to Chinese retranslates the status bar."""
from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractButton, QAbstractItemView, QComboBox, QGroupBox, QLabel, QLineEdit,
                               QMenu, QTabWidget, QWidget)

from ui_helpers import wait_tasks

CJK = re.compile(r"[\u3400-\u9fff]")
DATA = ("阳光花园", "幢", "单元", "室", "张三", "李四", "王五", "蠡桥社区", "第一网格", "王网格")


# A language's own name stays in that language in the 语言/Language menu, by design.
OWN_NAMES = ("语言/Language", "中文（简体）")


def strip_data(text: str) -> str:
    if text in OWN_NAMES:
        return ""
    for d in DATA:
        text = text.replace(d, "")
    return text


def visible_texts(root: QWidget) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []

    def add(where: str, text: str | None) -> None:
        if text and CJK.search(strip_data(text)):
            out.append((where, text))

    for w in [root, *root.findChildren(QWidget)]:
        if not w.isVisibleTo(root) and w is not root:
            continue
        name = f"{type(w).__name__}:{w.objectName()}"
        if isinstance(w, QLabel):
            add(name, w.text())
        elif isinstance(w, QAbstractButton):
            add(name, w.text())
        elif isinstance(w, QGroupBox):
            add(name, w.title())
        elif isinstance(w, QLineEdit):
            add(name + " placeholder", w.placeholderText())
        elif isinstance(w, QComboBox):
            for i in range(w.count()):
                add(name + f" item {i}", w.itemText(i))
        if isinstance(w, QTabWidget):
            for i in range(w.count()):
                add(name + f" tab {i}", w.tabText(i))
        if isinstance(w, QAbstractItemView) and w.model() is not None and hasattr(w, "horizontalHeader"):
            m = w.model()
            for c in range(m.columnCount()):
                add(name + f" header {c}", m.headerData(c, Qt.Orientation.Horizontal))
                for r in range(min(m.rowCount(), 5)):  # code-list cells (关注等级, 状态, 方式 …)
                    value = m.data(m.index(r, c))
                    add(name + f" cell {r},{c}", value if isinstance(value, str) else None)
        add(name + " tooltip", w.toolTip() if isinstance(w, QAbstractButton) else None)
    bar = root if hasattr(root, "actions") and type(root).__name__ == "QMenuBar" else None
    for top in (bar.actions() if bar is not None else []):  # the menus shown now (old ones are rebuilt)
        add("menu", top.text())
        menu = top.menu()
        for a in (menu.actions() if menu is not None else []):
            add("menu action", a.text())
    add("window title", root.windowTitle())
    return out


def test_no_chinese_is_left_in_the_english_ui(qtbot, db, user, actor, households, make_window):
    from gridworker import ops

    # A visit and a case, so the lists show their modes, categories and states too.
    worker = db.actor("user-1", "王网格", "grid_worker")
    ops.visits.log(db, worker, household_id=households["张三"], mode="phone", summary="张三",
                   problems="李四", issue={"kind": "help", "title": "王五", "category": "property"})
    window = make_window(db, user)
    window.set_language("en")
    wait_tasks(qtbot, window.tasks)
    found: list[tuple[str, str, str]] = []
    for key in list(window.workspaces):
        ws = window.show_workspace(key)
        wait_tasks(qtbot, window.tasks)
        tabs = [t for t in ws.findChildren(QTabWidget)]
        for t in tabs or [None]:
            for i in range(t.count() if t else 1):
                if t:
                    t.setCurrentIndex(i)
                    wait_tasks(qtbot, window.tasks)
                found += [(key, *x) for x in visible_texts(ws)]
    # The dialogs a grid worker opens from the window and the workspaces.
    homes = window.show_workspace("households")
    wait_tasks(qtbot, window.tasks)
    openers = [window.edit_preferences, window.open_import, window.open_export,
               lambda: homes.open_household(households["张三"]), homes.add_household, homes.open_recycle_bin]
    issues = window.show_workspace("issues")
    openers.append(issues.open_new_issue)
    for open_dialog in openers:
        dialog = open_dialog()
        wait_tasks(qtbot, window.tasks)
        for t in dialog.findChildren(QTabWidget) or [None]:
            for i in range(t.count() if t else 1):
                if t:
                    t.setCurrentIndex(i)
                found += [(type(dialog).__name__, *x) for x in visible_texts(dialog)]
        dialog.done(0)
    found += [("window", *x) for x in visible_texts(window.statusBar())]
    found += [("menus", *x) for x in visible_texts(window.menuBar())]
    unique = sorted(set(found))
    assert unique == [], "\n".join(f"{k} | {w} | {t}" for k, w, t in unique[:80]) + f"\n({len(unique)} in all)"
    window.set_language("zh_CN")
    wait_tasks(qtbot, window.tasks)
    assert window.pending_label.text().startswith("待同步"), "the status bar is Chinese again"
