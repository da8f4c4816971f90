"""党员名册 from a ledger: the header below a title row, residents matched by ID number, in-service
members, 中心户 and their members, a validation report with 原因, re-import changes nothing, and the
export with the 1+10+N tree (.xlsx and .csv)."""
from __future__ import annotations

import csv

import openpyxl
import pytest

from gridworker.domain.permissions import PermissionDenied
from gridworker.ledger.party_roster import export_roster, import_roster
from gridworker.ledger.report import write_report
from gridworker.store import queries_party as qp
from ledger_helpers import make_id

ZHOU, LI, ZHAO = make_id("19650302", 12), make_id("19800611", 23), make_id("19900101", 34)


@pytest.fixture
def admin(db):
    return db.actor("admin-1", "管理员", "admin")


@pytest.fixture
def community(db, admin):
    with db.write(admin) as uow:
        comm = uow.insert("org_unit", {"code": "C1", "name": "阳光社区", "level": "community"})
        uow.insert("org_unit", {"code": "C1-PB", "name": "第一网格党支部", "level": "party_branch", "parent_id": comm})
        homes = [uow.insert("household", {"address": f"阳光花园3幢{r}室"}) for r in ("101", "102", "201")]
        uow.insert("resident", {"household_id": homes[0], "name": "周红梅", "id_number": ZHOU, "political": "01"})
        uow.insert("resident", {"household_id": homes[1], "name": "李卫东", "id_number": LI, "political": "02"})
        uow.insert("resident", {"household_id": homes[2], "name": "赵群众", "id_number": ZHAO, "political": "13"})
    return homes


def roster_file(tmp_path, rows, name="党员名册.xlsx"):
    path = tmp_path / name
    header = ["序号", "姓名", "公民身份号码", "联系电话", "所属支部", "党员中心户", "所属中心户", "工作单位", "报到日期", "亮承诺"]
    if path.suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f)
            w.writerow(["阳光社区党员名册"])
            w.writerow(header)
            w.writerows(rows)
        return path
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "党员"
    ws.append(["阳光社区党员名册（2026年）"])
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


ROWS = [
    [1, "周红梅", ZHOU, "13912340001", "第一网格党支部", "是", None, None, None, "有事找我"],
    [2, "李卫东", LI, "13912340002", "第一网格党支部", None, "周红梅", None, None, None],
    [3, "孙在职", None, "13912340003", "第一网格党支部", None, "周红梅", "市卫健委", "2026-03-01", None],
    [4, "赵群众", ZHAO, None, None, None, None, None, None, None],
    [5, "钱无号", None, "13912340005", None, None, None, None, None, None],
    [6, "吴支部", None, "13912340006", "第九党支部", None, None, "区法院", "2026/04/02", None],
]


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_roster_imports_with_reasons_and_a_second_import_changes_nothing(db, admin, community, tmp_path, suffix):
    path = roster_file(tmp_path, ROWS, "党员名册" + suffix)
    result = import_roster(db, admin, path)
    assert (result.created, result.rejected) == (3, 3)
    reasons = {o.name: o.reason for o in result.rejections}
    assert "政治面貌不是中共党员" in reasons["赵群众"]
    assert "工作单位" in reasons["钱无号"]
    assert "第九党支部" in reasons["吴支部"]
    with db.read() as conn:
        roster = {m["name"]: m for m in qp.roster(conn)}
    assert roster["周红梅"]["is_central_household"] == 1 and roster["周红梅"]["household_id"] == community[0]
    assert roster["李卫东"]["central_name"] == "周红梅" and roster["孙在职"]["central_name"] == "周红梅"
    assert roster["孙在职"]["workplace"] == "市卫健委" and roster["孙在职"]["reported_on"] == "2026-03-01"
    assert roster["周红梅"]["branch_name"] == "第一网格党支部" and roster["周红梅"]["pledge"] == "有事找我"
    report = write_report(result, tmp_path / "report.xlsx")
    ws = openpyxl.load_workbook(report)["未导入"]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    header = next(r for r in values if r and r[-1] == "原因")
    reason_rows = values[values.index(header) + 1:]
    assert len(reason_rows) == 3 and any("第九党支部" in (r[-1] or "") for r in reason_rows)
    with db.read() as conn:
        outbox = conn.exec_driver_sql("SELECT count(*) FROM outbox").scalar()
    again = import_roster(db, admin, path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    with db.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM outbox").scalar() == outbox, "a re-import writes nothing"
        assert len(qp.roster(conn)) == 3


def test_a_dry_run_writes_nothing_and_a_party_member_may_not_import(db, admin, community, tmp_path):
    path = roster_file(tmp_path, ROWS)
    assert import_roster(db, admin, path, dry_run=True).created == 3
    with db.read() as conn:
        assert qp.roster(conn) == []
    with pytest.raises(PermissionDenied):
        import_roster(db, db.actor("pm-1", "李党员", "party_member"), path)


def test_an_edited_row_updates_only_what_changed(db, admin, community, tmp_path):
    import_roster(db, admin, roster_file(tmp_path, ROWS))
    edited = [list(r) for r in ROWS]
    edited[1][3] = "13999999999"
    result = import_roster(db, admin, roster_file(tmp_path, edited, "改.xlsx"))
    assert (result.updated, result.unchanged) == (1, 2)
    assert next(o for o in result.outcomes if o.name == "李卫东").changes == {"phone": "13999999999"}


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_the_export_prints_the_1_10_n_tree(db, admin, community, tmp_path, suffix):
    from gridworker.ops.contacts import assign_household

    import_roster(db, admin, roster_file(tmp_path, ROWS))
    with db.read() as conn:
        li = next(m["id"] for m in qp.roster(conn) if m["name"] == "李卫东")
    with db.write(admin) as uow:
        assign_household(uow, community[2], li)
    out = export_roster(db, admin, tmp_path / ("名册" + suffix))
    if suffix == ".csv":
        rows = list(csv.reader(out.read_text("utf-8-sig").splitlines()))
    else:
        rows = [[c.value for c in r] for r in openpyxl.load_workbook(out).active.iter_rows()]
    header = next(i for i, r in enumerate(rows) if r and r[0] == "党员中心户")
    body = [r for r in rows[header + 1:] if r and r[0]]
    assert [r[:2] for r in body] == [["周红梅（中心户）", "周红梅"], ["周红梅", "孙在职"], ["周红梅", "李卫东"]]
    li_row = next(r for r in body if r[1] == "李卫东")
    assert str(li_row[6]) == "1" and li_row[7] == "阳光花园3幢201室"
    assert "13912340002" not in str(li_row), "phones are masked in the printed roster"



def _cli(db, *args: str) -> tuple[int, dict]:
    import json
    import subprocess
    import sys

    from laptop_helpers import SETUP_PASSWORD, SETUP_USER

    proc = subprocess.run([sys.executable, "-m", "gridworker", "client", *args, "--data-dir", str(db.path.parent),
                           "--user", SETUP_USER, "--password-stdin", "--json"],
                          input=SETUP_PASSWORD + "\n", capture_output=True, text=True, timeout=120)
    assert proc.stdout.strip(), proc.stderr
    return proc.returncode, json.loads(proc.stdout.strip().splitlines()[-1])


def test_client_import_takes_the_roster_by_its_header_and_export_prints_it(db, community, tmp_path):
    """`client import` finds a roster without being told (its 所属支部 / 党员中心户 columns), and
    `--kind party` / `--what party` name it outright."""
    path = roster_file(tmp_path, ROWS, name="名册.csv")
    code, out = _cli(db, "import", str(path), "--dry-run")
    assert code == 0 and out["kind"] == "party" and out["dry_run"], out
    code, out = _cli(db, "import", str(path), "--kind", "party")
    assert code == 0 and out["created"] >= 2, out
    with db.read() as conn:
        names = {m["name"] for m in qp.roster(conn)}
    assert {"周红梅", "李卫东"} <= names
    code, out = _cli(db, "import", str(path))
    assert code == 0 and out["created"] == 0 and out["updated"] == 0, "a re-import changes nothing"
    code, out = _cli(db, "export", "--what", "party", "--out", str(tmp_path / "名册导出.xlsx"))
    assert code == 0 and out["what"] == "party", out
    wb = openpyxl.load_workbook(tmp_path / "名册导出.xlsx")
    text = "".join(str(c.value) for row in wb.active.iter_rows() for c in row if c.value is not None)
    assert "周红梅" in text and "李卫东" in text


def test_a_party_members_login_imports_and_exports_no_ledger_from_the_command_line(db, community, tmp_path):
    """The app hides 导入台账 / 导出报表 from a party member; the command line ran both with no role
    at all. Now the user's own role is checked (their screen is their own households only)."""
    import subprocess
    import sys

    from gridworker.store.keyslots import KeySlots

    KeySlots.load(db.path).add_user(db.key, user_id="pm-1", username="li", display_name="李党员",
                                    role="party_member", org_id=None, password="pw-li-dangyuan", online=False)

    def as_member(*args: str) -> tuple[int, str]:
        proc = subprocess.run([sys.executable, "-m", "gridworker", "client", *args, "--data-dir",
                               str(db.path.parent), "--user", "li", "--password-stdin"],
                              input="pw-li-dangyuan\n", capture_output=True, text=True, timeout=120)
        return proc.returncode, proc.stderr

    out_file = tmp_path / "花名册.xlsx"
    code, err = as_member("export", "--what", "residents", "--out", str(out_file))
    assert code == 1 and "联户党员账号不能导出台账" in err and not out_file.exists(), err
    code, err = as_member("import", str(roster_file(tmp_path, ROWS)), "--kind", "households")
    assert code == 1 and "联户党员账号不能导入台账" in err, err
    code, err = as_member("import", str(roster_file(tmp_path, ROWS)), "--kind", "party")
    assert code == 1 and "不能导入台账" in err, err
