"""Exports reopened with openpyxl: titles, headers, frozen panes, masking, dates, text IDs, audit."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from gridworker.cli import cli
from laptop_helpers import SETUP_STDIN, UNLOCK
from gridworker.ledger import export
from gridworker.ledger.sheet import display_width

from ledger_helpers import make_id

ZHANG = make_id("19800101", 11)
LI = make_id("19820505", 22)
NOW = dt.datetime.now().astimezone().replace(microsecond=0)


@pytest.fixture
def community(db, actor):
    """Two households, three people, a 1+10+N chain, visits, a closed issue and a ballot."""
    ids = {}
    with db.write(actor) as uow:
        h1 = uow.insert("household", {"address": "阳光花园3幢2单元501室", "head_name": "张三",
                                      "phone": "13812345678", "area_m2": "89.5"})
        h2 = uow.insert("household", {"address": "阳光花园3幢2单元502室", "head_name": "王五",
                                      "phone": "13712345678", "area_m2": "120"})
        uow.insert("resident", {"household_id": h1, "name": "张三", "id_number": ZHANG, "phone": "13812345678",
                                "relation": "户主", "tags": ["独居老人"], "sensitive_tags": ["社区矫正对象"]})
        uow.insert("resident", {"household_id": h1, "name": "李四", "id_number": LI, "relation": "妻"})
        uow.insert("resident", {"household_id": h2, "name": "王五", "relation": "户主"})
        central = uow.insert("party_member", {"name": "党员甲", "phone": "13900000001", "is_central_household": True})
        member = uow.insert("party_member", {"name": "党员乙", "phone": "13900000002"})
        uow.insert("contact_link", {"kind": "central_member", "from_id": central, "to_id": member})
        uow.insert("contact_link", {"kind": "member_household", "from_id": member, "to_id": h1})
        uow.insert("contact_link", {"kind": "member_household", "from_id": central, "to_id": h2})
        day = NOW - dt.timedelta(days=2)
        uow.append("visit", {"household_id": h1, "visitor_name": "王网格", "visited_at": day.isoformat(),
                             "mode": "door", "summary": "独居老人身体良好"})
        wrong = uow.append("visit", {"household_id": h2, "visitor_name": "王网格", "visited_at": day.isoformat(),
                                     "mode": "phone", "summary": "记错了户"})
        uow.append("visit", {"household_id": h2, "visitor_name": "王网格", "visited_at": day.isoformat(),
                             "mode": "phone", "summary": "更正：电话回访", "voids_id": wrong})
        uow.append("visit", {"household_id": h2, "visitor_name": "王网格",
                             "visited_at": (NOW - dt.timedelta(days=400)).isoformat(), "mode": "door"})
        issue = uow.insert("issue", {"title": "楼道堆放杂物", "address": "阳光花园3幢", "reporter_name": "张三",
                                     "reported_at": (NOW - dt.timedelta(days=1)).isoformat()})
        t = NOW - dt.timedelta(days=1)
        for action, payload in (("report", {"kind": "投诉", "category": "物业"}), ("accept", {}),
                                ("analyse", {"category": "物业", "urgency": "一般", "level": "社区"}),
                                ("dispatch", {"level": "社区", "department": "物业公司"}),
                                ("start_handling", {}), ("feedback", {"note": "已清理"}), ("close", {})):
            t += dt.timedelta(minutes=5)
            uow.append("issue_event", {"issue_id": issue, "action": action, "at": t.isoformat(),
                                       "payload": payload})
        ballot = uow.insert("ballot", {"title": "加装电梯", "scope_kind": "community", "rule": "residents_meeting",
                                       "opens_at": (NOW - dt.timedelta(days=3)).isoformat()})
        yes = uow.insert("ballot_option", {"ballot_id": ballot, "label": "同意", "meaning": "yes"})
        no = uow.insert("ballot_option", {"ballot_id": ballot, "label": "反对", "meaning": "no", "position": 1})
        uow.append("vote", {"ballot_id": ballot, "household_id": h1, "option_id": yes, "voter_name": "张三",
                            "cast_at": NOW.isoformat()})
        uow.append("vote", {"ballot_id": ballot, "household_id": h1, "option_id": no, "voter_name": "李四",
                            "cast_at": NOW.isoformat()})
        ids.update(h1=h1, h2=h2, ballot=ballot, issue=issue)
    return ids


def sheet_rows(path, sheet=None):
    wb = load_workbook(path)
    ws = wb[sheet] if sheet else wb.worksheets[0]
    return ws, [[c.value for c in r] for r in ws.iter_rows()]


def audit_details(db):
    with db.read() as conn:
        return [json.loads(d) for (d,) in conn.exec_driver_sql(
            "SELECT detail FROM audit_log WHERE action = 'export' ORDER BY hlc")]


def test_resident_roster_is_masked_by_default(db, actor, community, tmp_path):
    result = export(db, actor, "residents", tmp_path / "花名册.xlsx")
    ws, rows = sheet_rows(result.path)
    assert "人员花名册" in rows[0][0] and rows[1][0].startswith("导出时间")
    header = rows[3]
    assert header[:4] == ["序号", "姓名", "性别", "公民身份号码"] and "特殊人群" not in header
    assert ws.freeze_panes == "A5"
    body = {r[1]: dict(zip(header, r)) for r in rows[4:]}
    assert body["张三"]["公民身份号码"] == ZHANG[:6] + "********" + ZHANG[-4:]
    assert body["张三"]["联系电话"] == "138****5678"
    assert body["张三"]["与户主关系"] == "户主" and body["李四"]["性别"] == "女"
    assert body["张三"]["出生日期"] == dt.datetime(1980, 1, 1)  # a real date cell, not text
    assert "社区矫正对象" not in json.dumps(rows, ensure_ascii=False, default=str)
    assert audit_details(db)[-1]["kind"] == "residents" and audit_details(db)[-1]["unmasked"] is False


def test_unmasked_roster_keeps_id_numbers_as_text(db, actor, community, tmp_path):
    result = export(db, actor, "residents", tmp_path / "r.xlsx", unmask=True)
    ws, rows = sheet_rows(result.path)
    header = rows[2]
    assert ws.freeze_panes == "A4" and "特殊人群" in header
    body = {r[1]: dict(zip(header, r)) for r in rows[3:]}
    assert body["张三"]["公民身份号码"] == ZHANG and isinstance(body["张三"]["公民身份号码"], str)
    cell = ws.cell(row=4 + [r[1] for r in rows[3:]].index("张三"), column=header.index("公民身份号码") + 1)
    assert cell.data_type == "s" and cell.number_format == "@"
    assert body["张三"]["特殊人群"] == "社区矫正对象"
    # widths fit CJK text: the address column is at least as wide as its longest value in CJK units
    addr_col = ws.column_dimensions["I"].width
    assert addr_col >= display_width("阳光花园3幢2单元501室")
    assert audit_details(db)[-1]["unmasked"] is True


def test_unmask_refused_for_party_member_role(db, community, tmp_path):
    with db.sync_transaction() as conn:
        conn.exec_driver_sql("INSERT INTO local_user (id, username, role) VALUES ('pm1', 'pm', 'party_member')")
    from gridworker.domain.permissions import PermissionDenied

    # A party member exports no ledger at all (masked or not): their screen is their own households.
    for unmask in (True, False):
        with pytest.raises(PermissionDenied, match="联户党员账号不能导出台账"):
            export(db, db.actor("pm1"), "residents", tmp_path / "r.xlsx", unmask=unmask)
    assert not (tmp_path / "r.xlsx").exists() and audit_details(db) == []


def test_household_roster(db, actor, community, tmp_path):
    _, rows = sheet_rows(export(db, actor, "households", tmp_path / "h.xlsx").path)
    header = rows[3]
    body = [dict(zip(header, r)) for r in rows[4:]]
    assert [b["地址"] for b in body] == ["阳光花园3幢2单元501室", "阳光花园3幢2单元502室"]
    assert body[0]["人数"] == 2 and body[0]["面积（㎡）"] == 89.5 and body[0]["联系电话"] == "138****5678"


def test_contact_roster_1_10_n(db, actor, community, tmp_path):
    _, rows = sheet_rows(export(db, actor, "contacts", tmp_path / "c.xlsx", unmask=True).path)
    body = [tuple(r[:3]) + (r[4],) for r in rows[3:]]
    assert ("党员甲", "13900000001", "党员甲", "阳光花园3幢2单元502室") in body
    assert ("党员甲", "13900000001", "党员乙", "阳光花园3幢2单元501室") in body


def test_visits_for_a_period_skip_voided_records(db, actor, community, tmp_path):
    start = (NOW - dt.timedelta(days=30)).date()
    _, rows = sheet_rows(export(db, actor, "visits", tmp_path / "v.xlsx", date_from=start,
                                date_to=NOW.date()).path)
    body = rows[3:]
    summaries = sorted(r[6] for r in body)
    assert summaries == ["更正：电话回访", "独居老人身体良好"]
    assert isinstance(body[0][0], dt.datetime)


def test_issue_register_has_state_and_deadline(db, actor, community, tmp_path):
    _, rows = sheet_rows(export(db, actor, "issues", tmp_path / "i.xlsx").path)
    header = rows[2]
    [issue] = [dict(zip(header, r)) for r in rows[3:]]
    assert issue["当前状态"] == "核查结案" and issue["承办部门"] == "物业公司"
    assert issue["类型"] == "投诉" and issue["期限状态"] == "正常"
    assert isinstance(issue["办理期限"], dt.datetime) and issue["办理期限"] > issue["上报时间"]


def test_ballot_result_sheet(db, actor, community, tmp_path):
    result = export(db, actor, "ballot", tmp_path / "b.xlsx", ballot_id=community["ballot"])
    _, summary = sheet_rows(result.path, "表决结果")
    facts = {r[0]: r[1] for r in summary[3:]}
    assert facts["应参与户数"] == 2 and facts["实际参与户数"] == 1 and facts["表决结果"] == "未通过"
    assert facts["未计入的投票"] == 1
    _, votes = sheet_rows(result.path, "分户表决")
    notes = {(r[0], r[3]): r[7] for r in votes[3:]}
    assert notes[("阳光花园3幢2单元501室", "同意")] == "计入"
    assert "不计入" in notes[("阳光花园3幢2单元501室", "反对")]
    assert notes[("阳光花园3幢2单元502室", "未参与")] is None


def test_monthly_statistics(db, actor, community, tmp_path):
    month = NOW.strftime("%Y-%m")
    _, rows = sheet_rows(export(db, actor, "monthly", tmp_path / "m.xlsx", month=month).path)
    facts = {r[1]: r[2] for r in rows[3:]}
    assert facts["户数"] == 2 and facts["居民人数"] == 3 and facts["党员中心户"] == 1
    assert facts["联户党员联系户数"] == 2 and facts["独居老人"] == 1
    visits_this_month = sum(1 for d in (2,) if (NOW - dt.timedelta(days=d)).strftime("%Y-%m") == month) * 2
    assert facts["走访次数"] == visits_this_month


def test_cli_export(db, community, tmp_path):
    out = tmp_path / "x.xlsx"
    res = CliRunner().invoke(cli, ["client", "export", "--data-dir", str(db.path.parent), *UNLOCK, "--what",
                                   "households", "--out", str(out), "--json"], input=SETUP_STDIN)
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["rows"] == 2 and out.exists()
    assert audit_details(db)[-1]["kind"] == "households"


def test_cancelled_export_leaves_no_file_and_no_audit(db, actor, community, tmp_path):
    from gridworker.ledger import CancelToken, Cancelled

    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        export(db, actor, "residents", tmp_path / "r.xlsx", cancel=token)
    assert not (tmp_path / "r.xlsx").exists() and audit_details(db) == []
