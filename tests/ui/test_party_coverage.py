"""覆盖统计 (#14): the 党员联户 workspace counts coverage the way officials do, per grid and per 党员
中心户, and exports the same two tables."""
from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from conftest_workflows import ctx  # noqa: F401
from workflow_helpers import open_workspace, settle, shot


@pytest.fixture
def circle(db, actor):
    """Two grids. 周 (中心户) links 101; under 周: 李 links 102 and 201 (201 visited this quarter), and
    王 links nothing. 202 and the east grid's 301 have no member."""
    from gridworker.ops.contacts import assign_household

    with db.write(actor) as uow:
        comm = uow.insert("org_unit", {"code": "C1", "name": "阳光社区", "level": "community"})
        west = uow.insert("org_unit", {"code": "C1G1", "name": "西网格", "level": "grid", "parent_id": comm})
        east = uow.insert("org_unit", {"code": "C1G2", "name": "东网格", "level": "grid", "parent_id": comm})
        homes = {r: uow.insert("household", {"address": f"阳光花园3幢{r}室", "grid_id": west})
                 for r in ("101", "102", "201", "202")}
        homes["301"] = uow.insert("household", {"address": "朝阳里5幢301室", "grid_id": east})
        zhou = uow.insert("party_member", {"name": "周红梅", "household_id": homes["101"], "is_central_household": True})
        li = uow.insert("party_member", {"name": "李卫东", "household_id": homes["102"]})
        wang = uow.insert("party_member", {"name": "王小明", "household_id": homes["301"]})
        for m in (li, wang):
            uow.insert("contact_link", {"kind": "central_member", "from_id": zhou, "to_id": m, "active": True})
        assign_household(uow, homes["101"], zhou)
        assign_household(uow, homes["102"], li)
        assign_household(uow, homes["201"], li)
        uow.append("visit", {"household_id": homes["201"], "mode": "door",
                             "visited_at": dt.datetime.now().astimezone().isoformat(timespec="seconds")})
    return homes


def cells(table):
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def test_coverage_per_grid_and_per_central_household_and_its_export(qtbot, ctx, db, circle, tmp_path):
    from gridworker.ledger import export
    from gridworker.ui.workspaces.party_coverage import CoveragePanel

    ws = open_workspace(qtbot, ctx, CoveragePanel)
    assert cells(ws.by_grid) == [
        # grid, households, linked, coverage, not visited this quarter, members, idle, overloaded
        ["东网格", "1", "0", "0%", "1", "1", "1", "0"],
        ["西网格", "4", "3", "75%", "3", "2", "0", "0"],
    ]
    assert cells(ws.by_central) == [
        # 中心户, grid, members under it, households, not visited, idle, overloaded
        ["周红梅", "西网格", "2", "3", "2", "1", "0"],
    ]
    assert ws.export_button.isVisible()
    shot(ws, "party_coverage")
    out = export(db, ctx.actor, "coverage", tmp_path / "覆盖.xlsx").path
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["按网格", "按党员中心户"]
    text = [[c.value for c in row] for row in wb["按网格"].iter_rows()]
    assert any(r[:4] == ["西网格", 4, 3, "75%"] for r in text), text


@pytest.mark.parametrize("ctx", ["party_member"], indirect=True)
def test_a_party_member_sees_no_export_button(qtbot, ctx, db, circle):
    from gridworker.ui.workspaces.party_coverage import CoveragePanel

    ws = open_workspace(qtbot, ctx, CoveragePanel)
    settle(qtbot, ctx)
    assert not ws.export_button.isVisible()
