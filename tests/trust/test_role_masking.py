"""Masking by role in what a user sees: the household list and its search results, the household
page, the resident dialog, the 1+10+N and visit views; revealing a full number is an explicit act
that the hash-chained audit log records first (who, what, when).

Real widgets (offscreen) on a real laptop database; every check reads what the widgets show: every
cell, tooltip, label, button and line edit of the view, not the data behind it.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (QAbstractButton, QAbstractItemView, QComboBox, QLabel, QLineEdit, QPlainTextEdit,
                               QTabWidget, QTextEdit, QWidget)

ID_ZHANG = "11010519491231002X"
ID_XIAO = "34052419800101001X"
PHONE_ZHANG = "13812345678"
PHONE_XIAO = "15900001111"
PHONE_MEMBER = "13600002222"
PHONE_IN_NOTE = "13912340000"
LANDLINE = "0510-87654321"
CLEAR = [ID_ZHANG, ID_XIAO, PHONE_ZHANG, PHONE_XIAO, PHONE_MEMBER, PHONE_IN_NOTE, "051087654321"]

from ui_helpers import wait_tasks


def folded(text: str) -> str:
    return re.sub(r"[\s\-‐‑‒–—―−()+]", "", unicodedata.normalize("NFKC", text)).upper()


def clear_numbers(texts: list[str]) -> list[str]:
    flat = folded("\n".join(texts))
    return [n for n in CLEAR if folded(n) in flat]


def _columns(model) -> int:
    try:
        return model.columnCount()
    except TypeError:  # list models want the parent; tree models hide that overload
        try:
            return model.columnCount(QModelIndex())
        except TypeError:  # a list model that hides both: one column
            return 1


def model_texts(model, parent=QModelIndex()) -> list[str]:
    out = []
    roles = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.StatusTipRole,
             Qt.ItemDataRole.WhatsThisRole, Qt.ItemDataRole.EditRole)
    for r in range(model.rowCount(parent)):
        for c in range(_columns(model)):
            index = model.index(r, c, parent)
            out += [str(v) for role in roles if (v := model.data(index, role)) is not None]
            if c == 0 and model.rowCount(index) > 0:
                out += model_texts(model, index)
    for c in range(_columns(model) if not parent.isValid() else 0):
        for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            v = model.headerData(c, Qt.Orientation.Horizontal, role)
            out += [str(v)] if v is not None else []
    return out


def shown_texts(root: QWidget, *, skip_editors: tuple[QWidget, ...] = ()) -> list[str]:
    """Everything a user can read in ``root``: item views (every cell, tooltip, header), labels,
    buttons, line edits, text boxes, combo items, tab titles and tooltips."""
    out = [root.windowTitle(), root.toolTip()]
    for w in [root, *root.findChildren(QWidget)]:
        if any(w is s or s.isAncestorOf(w) for s in skip_editors):
            continue
        out.append(w.toolTip())
        if isinstance(w, QAbstractItemView) and w.model() is not None:
            out += model_texts(w.model())
        elif isinstance(w, (QLabel, QAbstractButton, QLineEdit)):
            out.append(w.text())
        elif isinstance(w, (QPlainTextEdit, QTextEdit)):
            out.append(w.toPlainText())
        elif isinstance(w, QComboBox):
            out += [w.itemText(i) for i in range(w.count())]
        elif isinstance(w, QTabWidget):
            out += [w.tabText(i) for i in range(w.count())]
    return [t for t in out if t]


def audits(db, action="reveal") -> list[dict]:
    with db.read() as conn:
        rows = conn.exec_driver_sql("SELECT action, table_name, row_id, detail, created_by, created_at, device_id,"
                                    " prev_hash, hash FROM audit_log WHERE action = ? ORDER BY hlc",
                                    (action,)).mappings()
        return [{**r, "detail": json.loads(r["detail"])} for r in rows]


@pytest.fixture
def people(db, actor, grid_id):
    """Three households; 张三's has a resident with an ID number, a party member (1+10+N) with a
    phone, a visit whose notes hold a phone number, and a landline in the household's notes."""
    from gridworker.ops.contacts import assign_household

    ids = {}
    with db.write(actor) as uow:
        for address, head, phone, idn in (("阳光花园1幢1单元101室", "张三", PHONE_ZHANG, ID_ZHANG),
                                          ("阳光花园1幢1单元102室", "李四", "13912345678", None),
                                          ("阳光花园2幢1单元201室", "王五", "13712345678", None)):
            hid = uow.insert("household", {"address": address, "head_name": head, "phone": phone, "grid_id": grid_id,
                                           "notes": f"固话{LANDLINE}" if head == "张三" else None})
            uow.insert("resident", {"household_id": hid, "name": head, "relation": "02", "phone": phone,
                                    **({"id_number": idn} if idn else {})})
            ids[head] = hid
        ids["小张"] = uow.insert("resident", {"household_id": ids["张三"], "name": "张小明", "relation": "20",
                                             "id_number": ID_XIAO, "phone": PHONE_XIAO,
                                             "sensitive_tags": ["社区矫正对象"]})
        member = uow.insert("party_member", {"name": "赵党员", "phone": PHONE_MEMBER, "is_central_household": True})
        assign_household(uow, ids["张三"], member)
        uow.append("visit", {"household_id": ids["张三"], "mode": "door",
                             "summary": f"老人独居，子女电话{PHONE_IN_NOTE}",
                             "visited_at": dt.datetime.now().astimezone().isoformat(timespec="seconds")})
    return ids


@pytest.fixture
def context(qtbot, qapp, db):
    """An AppContext for a role, its tasks awaited at the end."""
    from gridworker.ui.context import AppContext, Session
    from gridworker.ui.tasks import TaskRunner

    made = []

    def make(role: str, user_id: str = "user-1", name: str = "王网格"):
        ctx = AppContext(db, Session(user_id, user_id, name, role), TaskRunner())
        made.append(ctx)
        return ctx

    yield make
    for ctx in made:
        wait_tasks(qtbot, ctx.tasks)


def open_workspace(qtbot, ctx, cls):
    ws = cls()
    qtbot.addWidget(ws)
    ws.resize(1200, 700)
    ws.show()
    ws.set_context(ctx)
    wait_tasks(qtbot, ctx.tasks)
    return ws


# --------------------------------------------------------------------------- the household list
@pytest.mark.parametrize("query, expect", [
    ("", 3), ("5678", 3), ("002X", 1), ("001x", 1), (PHONE_ZHANG, None), (ID_ZHANG, None), ("zs", 1),
    ("张小明", 1), ("4321", None),
])
def test_the_household_list_and_its_search_results_show_no_full_number_to_a_grid_worker(
        qtbot, db, people, context, query, expect):
    from gridworker.ui.workspaces.households import HouseholdsWorkspace

    ws = open_workspace(qtbot, context("grid_worker"), HouseholdsWorkspace)
    if query:
        ws.search.setText(query)  # as typed: textChanged restarts the search timer
        qtbot.waitUntil(lambda: not ws.timer.isActive(), timeout=5000)
        wait_tasks(qtbot, ws.ctx.tasks)
    if expect is not None:
        assert ws.model.rowCount() == expect
    texts = shown_texts(ws, skip_editors=(ws.search,))  # the search box shows what the user typed
    assert not clear_numbers(texts), f"full numbers on screen for {query!r}: {clear_numbers(texts)}"
    if expect:
        assert any(re.fullmatch(r"1[3-9]\d\*{4}\d{4}", t) for t in texts), "the masked phones are shown"
    assert audits(db) == [], "nothing was revealed"


def test_revealing_phones_in_the_list_is_recorded_in_the_audit_log_first(qtbot, db, people, context):
    from gridworker.ui.workspaces.households import HouseholdsWorkspace

    ws = open_workspace(qtbot, context("grid_worker"), HouseholdsWorkspace)
    before = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=5)
    ws.reveal_box.click()
    assert not clear_numbers(shown_texts(ws)), "nothing shows before the audit entry is written"
    wait_tasks(qtbot, ws.ctx.tasks)
    assert PHONE_ZHANG in shown_texts(ws)
    (entry,) = audits(db)
    assert entry["created_by"] == "user-1" and entry["device_id"] == db.device_id
    assert dt.datetime.fromisoformat(entry["created_at"]) >= before
    assert entry["detail"]["what"] == ["phone"] and entry["detail"]["where"] == "household_list"
    assert entry["detail"]["listed"] == 3 and len(entry["hash"]) == 64
    ws.reveal_box.click()  # hidden again: masked again
    wait_tasks(qtbot, ws.ctx.tasks)
    assert not clear_numbers(shown_texts(ws))


def test_a_party_member_cannot_reveal_phones_in_the_list(qtbot, db, people, context):
    from gridworker.ui.workspaces.households import HouseholdsWorkspace

    ws = open_workspace(qtbot, context("party_member", "pm-1", "李党员"), HouseholdsWorkspace)
    assert ws.reveal_box.isHidden()
    ws.reveal_box.setChecked(True)  # even if the box were reached somehow
    wait_tasks(qtbot, ws.ctx.tasks)
    assert not clear_numbers(shown_texts(ws)) and audits(db) == []


# --------------------------------------------------------------------------- the household page
def test_the_household_page_masks_residents_member_and_visit_notes_until_revealed(qtbot, db, people, context):
    from gridworker.ui.workspaces.household_page import HouseholdDialog

    ctx = context("grid_worker")
    page = HouseholdDialog(ctx, people["张三"])
    qtbot.addWidget(page)
    page.show()
    wait_tasks(qtbot, ctx.tasks)
    lists = (page.residents, page.member_page, page.visits, page.issues)
    texts = [t for w in lists for t in shown_texts(w)]
    assert not clear_numbers(texts), clear_numbers(texts)
    assert "340524********001X" in texts and "159****1111" in texts and "社区矫正对象" not in " ".join(texts)
    assert "136****2222" in page.member_page.text() and "139****0000" in " ".join(shown_texts(page.visits))

    page.reveal_box.click()
    wait_tasks(qtbot, ctx.tasks)
    texts = [t for w in lists for t in shown_texts(w)]
    assert ID_XIAO in texts and PHONE_XIAO in texts and "社区矫正对象" in " ".join(texts)
    (entry,) = audits(db)
    assert (entry["table_name"], entry["row_id"], entry["created_by"]) == ("household", people["张三"], "user-1")
    assert entry["detail"]["where"] == "household_page" and "id_number" in entry["detail"]["what"]
    assert sorted(entry["detail"]["residents"]) == sorted(_resident_ids(db, people["张三"]))
    page.close()


def _resident_ids(db, hid):
    with db.read() as conn:
        return [r for (r,) in conn.exec_driver_sql("SELECT id FROM resident WHERE household_id = ? AND deleted = 0"
                                                   " ORDER BY name", (hid,))]


def test_editing_a_resident_shows_the_id_number_masked_until_an_audited_reveal(qtbot, db, people, context):
    from gridworker.ui.workspaces.household_dialogs import ResidentDialog
    from gridworker.store import queries_households as q

    ctx = context("grid_worker")
    with db.read() as conn:
        resident = next(r for r in q.household_detail(conn, people["张三"]).residents if r["id"] == people["小张"])
    dialog = ResidentDialog(ctx, people["张三"], resident)
    qtbot.addWidget(dialog)
    dialog.show()
    idn = dialog.form.editor("id_number")
    assert idn.text() == "340524********001X" and idn.isReadOnly()
    assert ID_XIAO not in " ".join(shown_texts(dialog))
    # Saving another change never writes the masked number back.
    dialog.form.editor("notes").setPlainText("已核实")
    dialog.save()
    wait_tasks(qtbot, ctx.tasks)
    with db.read() as conn:
        assert conn.exec_driver_sql("SELECT id_number, notes FROM resident WHERE id = ?",
                                    (people["小张"],)).first() == (ID_XIAO, "已核实")
    assert audits(db) == []

    dialog = ResidentDialog(ctx, people["张三"], {**resident, "notes": "已核实"})
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.reveal_button, Qt.MouseButton.LeftButton)
    wait_tasks(qtbot, ctx.tasks)
    idn = dialog.form.editor("id_number")
    assert idn.text() == ID_XIAO and not idn.isReadOnly()
    (entry,) = audits(db)
    assert (entry["table_name"], entry["row_id"], entry["created_by"]) == ("resident", people["小张"], "user-1")
    assert entry["detail"] == {"what": ["id_number"], "where": "resident_dialog", "household_id": people["张三"]}
    dialog.close()


def test_a_party_member_sees_a_residents_numbers_masked_and_cannot_reveal_them(qtbot, db, people, context):
    from gridworker.ui.workspaces.household_dialogs import ResidentDialog
    from gridworker.store import queries_households as q

    ctx = context("party_member", "pm-1", "李党员")
    with db.read() as conn:
        resident = next(r for r in q.household_detail(conn, people["张三"]).residents if r["id"] == people["小张"])
    dialog = ResidentDialog(ctx, people["张三"], resident)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.reveal_button is None
    assert dialog.form.editor("phone").text() == "159****1111" and dialog.form.editor("phone").isReadOnly()
    assert not clear_numbers(shown_texts(dialog))
    dialog.reveal_id_number()
    wait_tasks(qtbot, ctx.tasks)
    assert not clear_numbers(shown_texts(dialog)) and audits(db) == []
    dialog.save()
    wait_tasks(qtbot, ctx.tasks)
    with db.read() as conn:
        assert conn.exec_driver_sql("SELECT id_number, phone FROM resident WHERE id = ?",
                                    (people["小张"],)).first() == (ID_XIAO, PHONE_XIAO)


# --------------------------------------------------------------------------- 1+10+N and visits
@pytest.mark.parametrize("key", ["contacts", "visits"])
def test_the_contacts_and_visits_views_show_no_full_number(qtbot, db, people, context, key):
    from gridworker.ui.workspaces.contacts import ContactsWorkspace
    from gridworker.ui.workspaces.visits import VisitsWorkspace

    cls = {"contacts": ContactsWorkspace, "visits": VisitsWorkspace}[key]
    ws = open_workspace(qtbot, context("grid_worker"), cls)
    texts = shown_texts(ws)
    assert "赵党员" in " ".join(texts) if key == "contacts" else "子女电话139****0000" in " ".join(texts)
    assert not clear_numbers(texts), clear_numbers(texts)


# --------------------------------------------------------------------------- exports
def _cells(path) -> list[str]:
    from openpyxl import load_workbook

    wb = load_workbook(path)
    return [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


@pytest.mark.parametrize("what", ["households", "residents", "contacts", "visits"])
def test_a_masked_export_holds_no_full_number_and_is_audited(db, actor, people, tmp_path, what):
    from gridworker.ledger.export import export

    result = export(db, actor, what, tmp_path / f"{what}.xlsx")
    cells = _cells(result.path)
    assert len(cells) > 10
    assert not clear_numbers(cells), clear_numbers(cells)
    (entry,) = audits(db, "export")
    assert entry["detail"]["kind"] == what and entry["detail"]["unmasked"] is False
    assert entry["created_by"] == actor.user_id


def test_an_unmasked_export_is_audited_with_who_and_when(db, actor, people, tmp_path):
    from gridworker.ledger.export import export

    result = export(db, actor, "residents", tmp_path / "r.xlsx", unmask=True)
    assert ID_XIAO in _cells(result.path)
    (entry,) = audits(db, "export")
    assert entry["detail"]["unmasked"] is True and entry["detail"]["rows"] == 4
    assert entry["created_by"] == actor.user_id and entry["created_at"]
