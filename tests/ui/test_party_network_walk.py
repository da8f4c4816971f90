"""#14's "done when", walked through the app on a real server (SQLite and PostgreSQL).

A new community as it really starts: the admin's laptop imports its households from a ledger and a
40-member party roster (4 of them 党员中心户, the others under them) through 文件 → 导入台账, links every
member to 10 households, and syncs. A party member whose login the admin bound to their roster row
enrols their own laptop, opens 我的联系户 (only their 10 households), logs a visit by the keyboard
alone and syncs; the grid worker's laptop pulls it, credited to the member's id, in its 走访 list.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from gridworker import ops
from gridworker.ui.context import Session
from support.server import bind_party_member
from ui_helpers import wait_tasks

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ledger"))
from ledger_helpers import make_id, write_xlsx  # noqa: E402

MEMBERS = 40
CENTRALS = 4
PER_MEMBER = 10
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章云苏潘葛"


def member_name(i: int) -> str:
    return f"{SURNAMES[i]}党员{i:02d}"


def households_ledger(path: Path) -> Path:
    rows = [["阳光社区住户台账"], ["户主姓名", "身份证号", "联系电话", "地址"]]
    for i in range(MEMBERS * PER_MEMBER):
        building, room = divmod(i, 40)
        rows.append([f"{SURNAMES[i % len(SURNAMES)]}户主{i:03d}", make_id("19600101", i % 1000),
                     f"1380000{i:04d}", f"阳光花园{building + 1}幢{room // 10 + 1}单元{room % 10 + 1:02d}01室"])
    return write_xlsx(path, rows, merges=["A1:D1"], text_columns=(1, 2))


def roster_ledger(path: Path) -> Path:
    """40 在职党员 (name, phone, workplace, 报到日期): every tenth is a 中心户, the rest under one."""
    rows = [["阳光社区党员名册（2026年）"], ["姓名", "联系电话", "工作单位", "报到日期", "党员中心户", "所属中心户", "亮承诺"]]
    for i in range(MEMBERS):
        central = i % (MEMBERS // CENTRALS) == 0
        head = member_name(i - i % (MEMBERS // CENTRALS))
        rows.append([member_name(i), f"1391234{i:04d}", "区税务局", "2026-03-01", "是" if central else None,
                     None if central else head, "邻里有事找我"])
    return write_xlsx(path, rows, merges=["A1:G1"], text_columns=(1,))


def import_through_the_dialog(qtbot, window, path: Path) -> str:
    dialog = window.open_import()
    dialog.load(path)
    wait_tasks(qtbot, window.tasks)
    dialog.import_button.click()
    wait_tasks(qtbot, window.tasks)
    text = dialog.summary.text()
    dialog.close()
    return text


def session_of(db, role: str) -> Session:
    uid = db.get_state("user_id")
    with db.read() as conn:
        name = conn.exec_driver_sql("SELECT username FROM local_user WHERE id = ?", (uid,)).scalar()
    return Session(uid, name, name, role)


# On SQLite only: the same sync path runs on PostgreSQL in tests/sync/test_party_circle_sync.py, and this
# walk through the app is the slowest UI test (CI's time is bounded).
@pytest.mark.parametrize("server_url", ["sqlite"], indirect=True)
def test_a_new_community_starts_1_10_n_and_a_members_visit_reaches_the_grid_worker(
        qtbot, world, make_window, tmp_path):
    office = world.laptop("office", "admin_a")
    admin = make_window(office, session_of(office, "admin"))

    # 1. Households from the ledger, then the party roster (the same menu finds it is a roster).
    assert "新增 400" in import_through_the_dialog(qtbot, admin, households_ledger(tmp_path / "住户台账.xlsx"))
    summary = import_through_the_dialog(qtbot, admin, roster_ledger(tmp_path / "党员名册.xlsx"))
    assert f"新增 {MEMBERS}" in summary and "未导入 0" in summary, summary
    with office.read() as conn:
        members = {name: mid for name, mid in conn.exec_driver_sql("SELECT name, id FROM party_member"
                                                                   " WHERE deleted = 0").fetchall()
                   if name in {member_name(i) for i in range(MEMBERS)}}
        centrals = conn.exec_driver_sql("SELECT count(*) FROM party_member WHERE is_central_household = 1").scalar()
        under = conn.exec_driver_sql("SELECT count(*) FROM contact_link WHERE kind = 'central_member'"
                                     " AND active = 1 AND deleted = 0").scalar()
        homes = [r[0] for r in conn.exec_driver_sql("SELECT id FROM household WHERE deleted = 0 ORDER BY address")]
    assert len(members) == MEMBERS and centrals == CENTRALS and under == MEMBERS - CENTRALS

    # 2. Ten households per member (batched, as `gridworker op contact.assign` does for an admin).
    actor = admin.ctx.actor
    for i in range(MEMBERS):
        for h in homes[i * PER_MEMBER:(i + 1) * PER_MEMBER]:
            ops.contacts.assign(office, actor, household_id=h, member_id=members[member_name(i)])
    coverage = admin.show_workspace("contacts")
    wait_tasks(qtbot, admin.tasks)
    assert "400/400" in coverage.coverage_label.text()
    report = world.engine(office).sync()
    assert report.rejected == 0 and not report.waiting, report
    assert report.pushed >= 400 + 400 + MEMBERS + (MEMBERS - CENTRALS) + 400, "households, residents, roster, links"

    # 3. The admin binds pm_a's login to 吴党员05 (an ordinary member under 赵党员00) by id.
    chosen = member_name(5)
    with world.sdb.write() as conn:
        bind_party_member(conn, "pm_a", members[chosen])

    # 4. pm_a enrols their own laptop and sees only their 10 households.
    own = world.laptop("own", "pm_a")
    world.engine(own).sync()
    window = make_window(own, session_of(own, "party_member"))
    screen = window.workspaces["my_households"]
    assert list(window.workspaces) == ["my_households", "service", "sync"]
    qtbot.waitUntil(lambda: screen.households.count() == PER_MEMBER, timeout=20_000)
    mine = set(homes[5 * PER_MEMBER:6 * PER_MEMBER])

    # 5. A visit by the keyboard alone: ↓, Enter, a sentence, Enter.
    window.activateWindow()
    screen.households.setFocus()
    qtbot.keyClick(screen.households, Qt.Key.Key_Down)
    qtbot.keyClick(screen.households, Qt.Key.Key_Return)
    screen.summary.insert("上门看望，老人身体好，楼道灯坏了已报物业")
    qtbot.keyClick(screen.summary, Qt.Key.Key_Return)
    wait_tasks(qtbot, window.tasks)
    assert screen.message.text() == "走访已登记"
    assert world.engine(own).sync().rejected == 0

    # 6. The grid worker's laptop pulls it, credited to the member by id.
    grid = world.laptop("grid", "gw_a")
    world.engine(grid).sync()
    with grid.read() as conn:
        visit = conn.exec_driver_sql("SELECT household_id, party_member_id, summary FROM visit").mappings().all()
    assert len(visit) == 1 and visit[0]["party_member_id"] == members[chosen] and visit[0]["household_id"] in mine
    worker = make_window(grid, session_of(grid, "grid_worker"))
    visits = worker.show_workspace("visits")
    wait_tasks(qtbot, worker.tasks)
    assert visits.recent_table.rowCount() == 1
    assert "楼道灯坏了" in visits.recent_table.item(0, 4).toolTip()
