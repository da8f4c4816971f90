"""三报到三服务 exports (#15) open in LibreOffice and say what the screens say: balances with the points
domain/points.py gives, the service records with their approval, the quarter's 红榜, a sign-in sheet
listing the roster, and the monthly statistics' service lines."""
from __future__ import annotations

import datetime as dt

import pytest

from gridworker import ops
from gridworker.ledger import export
from test_libreoffice import SOFFICE, to_csv

pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed (.ci/apt-packages.txt)")


def test_service_exports_read_back_through_libreoffice(db, actor, tmp_path):
    with db.write(actor) as uow:
        li, zhou = (uow.insert("party_member", {"name": n, "in_service": True}) for n in ("李红", "周明"))
    gw, secretary = db.actor("u1", "王网格", "grid_worker"), db.actor("u0", "赵书记", "admin")
    team = ops.service.save_team(db, gw, name="红领服务一队", members=[zhou]).id
    done = [ops.service.record(db, gw, member_id=li, hours="3", activity="=HYPERLINK(\"x\")").id,
            ops.service.record(db, gw, member_id=zhou, hours="1.5", team_id=team, activity="助老").id]
    ops.service.record(db, gw, member_id=zhou, hours="2", activity="待审核的一次")
    ops.service.approve(db, secretary, record_ids=done)
    ops.service.redeem(db, gw, member_id=li, points="1", item="理发一次")
    month = dt.date.today().strftime("%Y-%m")
    files = [export(db, secretary, what, tmp_path / f"{what}.xlsx", month=month).path
             for what in ("points", "service", "honour", "signin", "monthly")]
    sheets = to_csv(files, tmp_path)
    for name, rows in sheets.items():
        assert rows[1][0].startswith("导出时间"), name

    header, *body = sheets["points"][2:]
    balance = {r[0]: dict(zip(header, r)) for r in body}
    assert balance["李红"]["余额"] == "1" and balance["李红"]["获得积分"] == "2"  # 3 h credit 2, 1 spent
    assert balance["周明"]["余额"] == "1.5" and balance["周明"]["待审核"] == "1"

    header, *body = sheets["service"][2:]
    records = [dict(zip(header, r)) for r in body]
    assert sorted(r["审核"] for r in records) == ["已审核", "已审核", "待审核"]
    assert any(r["活动"] == '=HYPERLINK("x")' for r in records)  # typed text stays text, never a formula

    header, *body = sheets["honour"][2:]
    assert [r[1] for r in body] == ["李红", "周明"] and body[0][2] == "3"

    names = {r[1] for r in sheets["signin"][3:]}
    assert {"李红", "周明"} <= names

    lines = {r[1]: r[2] for r in sheets["monthly"][3:] if len(r) > 2}
    assert lines["本月审核通过的服务时长（小时）"] == "4.5" and lines["本月兑换积分"] == "1"
