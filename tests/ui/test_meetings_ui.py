"""议事表决 → 议事会议 (#15): record a 联席会议, decide (a ballot, a task), follow up, print the minutes;
the printed minutes and the meetings export open in LibreOffice."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from conftest_workflows import ctx  # noqa: F401
from workflow_helpers import add_households, open_workspace, settle, shot

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def test_a_meeting_from_topic_to_done_through_the_page(qtbot, ctx, db, actor, tmp_path):
    from gridworker.ledger import export
    from gridworker.ui.workspaces.meetings import MeetingsPanel

    add_households(db, actor, [{"address": "阳光花园3幢101室", "head_name": "张建国", "area_m2": "80"},
                               {"address": "阳光花园3幢102室", "head_name": "李秀英", "area_m2": "80"}])
    ws = open_workspace(qtbot, ctx, MeetingsPanel)
    ws.kind.setCurrentIndex(ws.kind.findData("lianxi"))
    ws.topic.setText("3幢楼道加装扶手")
    ws.place.setText("社区党群服务站")
    ws.attendees.setPlainText("阳光花园3幢101室\n阳光花园3幢102室\n阳光物业\n业委会")
    ws.minutes.setPlainText("居民反映老人上下楼不便，物业同意出资一半。")
    ws.record_button.click()
    settle(qtbot, ctx)
    settle(qtbot, ctx)
    assert ws.table.rowCount() == 1 and ws.current_id is not None
    assert "阳光花园3幢101室（张建国）" in ws.view.toPlainText() and "阳光物业" in ws.view.toPlainText()

    ws.decision_text.setText("是否动用维修资金加装扶手")
    ws.decision_kind.setCurrentIndex(ws.decision_kind.findData("ballot"))
    ws.decide_button.click()
    settle(qtbot, ctx)
    ws.decision_text.setText("物业联系施工单位报价")
    ws.decision_kind.setCurrentIndex(ws.decision_kind.findData("task"))
    ws.decide_button.click()
    settle(qtbot, ctx)
    assert "负责人" in ws.error.text(), "a task without an owner is refused, saying what is missing"
    ws.owner.setText("阳光物业")
    ws.decide_button.click()
    settle(qtbot, ctx)
    settle(qtbot, ctx)
    text = ws.view.toPlainText()
    assert "交付表决（民决），表决中" in text and "落实任务（民办），办理中" in text
    assert ws.follow_item.count() == 2
    ws.follow_item.setCurrentIndex(ws.follow_item.findText("物业联系施工单位报价", flags=pytest.importorskip(
        "PySide6.QtCore").Qt.MatchFlag.MatchStartsWith))
    ws.follow_text.setText("扶手已装好，居民验收满意")
    ws.done_button.click()
    settle(qtbot, ctx)
    settle(qtbot, ctx)
    assert "已办结" in ws.view.toPlainText() and "扶手已装好" in ws.view.toPlainText()
    shot(ws, "meetings")

    pdf = ws.print_minutes(tmp_path / "纪要.pdf")
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
    xlsx = export(db, ctx.actor, "meetings", tmp_path / "议事.xlsx").path
    if SOFFICE is None:
        pytest.skip("LibreOffice is not installed")
    out = tmp_path / "lo"
    proc = subprocess.run([SOFFICE, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                           "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1", "--outdir", str(out),
                           str(xlsx)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    csv_text = next(out.glob("*.csv")).read_text("utf-8")
    assert "3幢楼道加装扶手" in csv_text and "物业联系施工单位报价" in csv_text
    proc = subprocess.run([SOFFICE, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                           "--infilter=draw_pdf_import", "--convert-to", "odg", "--outdir", str(out), str(pdf)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0 and (out / "纪要.odg").exists(), proc.stdout + proc.stderr
