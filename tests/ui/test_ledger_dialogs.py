"""导入台账 / 导出报表 dialogs: correct a mapping, check, import, re-import, export a roster."""
from __future__ import annotations

import sys
from pathlib import Path

from openpyxl import load_workbook

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ledger"))
from ledger_helpers import make_id, write_xlsx  # noqa: E402
from ui_helpers import wait_tasks  # noqa: E402

SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"


def outbox(db) -> list[tuple]:
    with db.read() as conn:
        return conn.exec_driver_sql("SELECT table_name, row_id, op FROM outbox ORDER BY seq").fetchall()


def residents(db) -> list[str]:
    with db.read() as conn:
        return sorted(r[0] for r in conn.exec_driver_sql("SELECT name FROM resident WHERE deleted = 0"))


def messy_ledger(path: Path) -> Path:
    """A title row, a name column under an unknown header (房主), one wrong check digit."""
    good1, good2 = make_id("19800101", 11), make_id("19900202", 22)
    bad = make_id("19700303", 33)
    bad = bad[:-1] + ("0" if bad[-1] != "0" else "1")
    return write_xlsx(path, [
        ["阳光社区居民台账（2024年）"],
        ["房主", "身份证号", "联系电话", "地址"],
        ["赵一", good1, "138-1234-5678", "阳光花园1幢1单元101室"],
        ["钱二", good2, "+86 139 1234 5678", "阳光花园1幢1单元102室"],
        ["孙三", bad, "13712345678", "阳光花园2幢1单元201室"],
    ], merges=["A1:D1"], text_columns=(2,))


def test_import_through_the_dialog_after_correcting_a_column(qtbot, db, user, grid_id, make_window, tmp_path):
    window = make_window(db, user)
    dialog = window.open_import()
    dialog.load(messy_ledger(tmp_path / "台账.xlsx"))
    wait_tasks(qtbot, window.tasks)
    assert dialog.mapping_table.rowCount() == 4
    name_combo = dialog.combos[0]
    assert dialog.mapping_table.item(0, 0).text() == "房主"
    assert name_combo.currentData() == "", "房主 is not a known header: 不导入 until the user says otherwise"
    assert "赵一" in dialog.mapping_table.item(0, 1).text()
    name_combo.setCurrentIndex(name_combo.findData("name"))

    before = outbox(db)
    dialog.check_button.click()
    wait_tasks(qtbot, window.tasks)
    assert outbox(db) == before, "检查 writes nothing"
    assert "新增 2" in dialog.summary.text() and "未导入 1" in dialog.summary.text()
    assert dialog.reject_table.rowCount() == 1
    cells = [dialog.reject_table.item(0, c).text() for c in range(4)]
    assert cells[0] == "5" and cells[1] == "身份证号" and "校验位" in cells[3]
    dialog.grab().save(str(tmp_path / "import.png"))
    SHOTS.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(SHOTS / "ledger_import.png"))

    dialog.import_button.click()
    wait_tasks(qtbot, window.tasks)
    assert "已导入" in dialog.summary.text()
    assert residents(db) == ["赵一", "钱二"]
    written = outbox(db)[len(before):]
    assert {t for t, _r, _o in written} >= {"household", "resident"}
    report = tmp_path / "报告.xlsx"
    dialog.save_report(report)
    wait_tasks(qtbot, window.tasks)
    assert report.exists()
    dialog.close()

    # The corrected mapping was saved: a second import of the same file finds 房主 = 姓名 and changes nothing.
    again = window.open_import()
    again.load(tmp_path / "台账.xlsx")
    wait_tasks(qtbot, window.tasks)
    assert again.combos[0].currentData() == "name"
    after_first = outbox(db)
    again.import_button.click()
    wait_tasks(qtbot, window.tasks)
    assert "未变 2" in again.summary.text() and "新增 0" in again.summary.text()
    assert outbox(db) == after_first
    again.close()


def test_export_residents_masks_phones(qtbot, db, user, households, make_window, tmp_path):
    window = make_window(db, user)
    dialog = window.open_export()
    wait_tasks(qtbot, window.tasks)
    assert dialog.unmask_box.isEnabled(), "a grid worker may unmask"
    dialog.select_kind("residents")
    assert not dialog.month_edit.isEnabled() and not dialog.ballot_combo.isEnabled()
    out = tmp_path / "花名册.xlsx"
    dialog.out_edit.setText(str(out))
    dialog.export_button.click()
    wait_tasks(qtbot, window.tasks)
    assert "已导出 3 行" in dialog.status.text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(SHOTS / "ledger_export.png"))
    values = [str(c) for row in load_workbook(out).active.iter_rows(values_only=True) for c in row if c]
    assert any(v.startswith("138") and "****" in v for v in values)
    assert "13812345678" not in values
    dialog.close()


def test_party_member_cannot_unmask(qtbot, db, households, make_window):
    from gridworker.ui.context import Session
    from gridworker.ops.users import remember_user

    remember_user(db, user_id="pm-1", username="li", display_name="李党员", role="party_member", password="mima-2024")
    window = make_window(db, Session("pm-1", "li", "李党员", "party_member"))
    dialog = window.open_export()
    wait_tasks(qtbot, window.tasks)
    assert not dialog.unmask_box.isEnabled()
    dialog.close()
