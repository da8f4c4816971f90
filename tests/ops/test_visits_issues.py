"""The visit and case operations without Qt: what they write, what each role may do, and the CLI."""
from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest

from gridworker import ops
from gridworker.domain.errors import ValidationError
from gridworker.domain.permissions import PermissionDenied
from laptop_helpers import SETUP_PASSWORD, SETUP_USER, add_laptop_user


def outbox(db) -> int:
    with db.read() as conn:
        return conn.exec_driver_sql("SELECT count(*) FROM outbox").scalar()


def rows(db, sql, *args):
    with db.read() as conn:
        return [dict(r) for r in conn.exec_driver_sql(sql, args).mappings()]


@pytest.fixture
def household(db, actor, grid_id):
    with db.write(actor) as uow:
        return uow.insert("household", {"address": "阳光花园3幢2单元501室", "head_name": "张建国", "grid_id": grid_id})


def grid_worker(db):
    return db.actor("user-1", "王网格", "grid_worker")


def party_member(db):
    return db.actor("user-9", "刘党员", "party_member")


def test_a_visit_with_a_case_is_one_unit_of_work(db, household):
    before = outbox(db)
    done = ops.visits.log(db, grid_worker(db), household_id=household, mode="phone", summary="老人身体尚可",
                          problems="楼道灯坏了\n门口堆放杂物", issue={"kind": "help", "title": ""})
    visit = rows(db, "SELECT * FROM visit WHERE id = ?", done.ids["visit"])[0]
    issue = rows(db, "SELECT * FROM issue WHERE id = ?", done.ids["issue"])[0]
    assert visit["visitor_name"] == "王网格" and visit["visitor_id"] == "user-1" and visit["issue_id"] == issue["id"]
    assert issue["title"] == "楼道灯坏了", "a blank title falls back to the first problem line"
    assert issue["address"] == "阳光花园3幢2单元501室" and issue["source"] == "visit"
    assert outbox(db) == before + 3  # visit, case, its report event
    assert set(done.changes.rows) == {"visit", "issue", "issue_event"}


def test_a_bad_case_leaves_no_visit_behind(db, household):
    before = outbox(db)
    with pytest.raises(ValidationError) as err:
        ops.visits.log(db, grid_worker(db), household_id=household, summary="看望", issue={"kind": "no-such-kind"})
    assert err.value.field == "kind"
    assert rows(db, "SELECT id FROM visit") == [] and outbox(db) == before


def test_a_party_members_visit_is_filed_under_their_member_record(db, actor, household):
    with db.write(actor) as uow:
        member = uow.insert("party_member", {"name": "刘党员", "household_id": household})
        uow.insert("party_member", {"name": "李党员"})  # the login's display name: not how it is credited
    login = party_member(db)
    login.member_id = member  # bound by id (local_user.member_id, from the server's user record)
    done = ops.visits.log(db, login, household_id=household, summary="上门看望")
    assert rows(db, "SELECT party_member_id FROM visit WHERE id = ?", done.id)[0]["party_member_id"] == member


def test_void_keeps_the_original_and_only_grid_workers_may(db, household):
    logged = ops.visits.log(db, grid_worker(db), household_id=household, summary="误登记")
    with pytest.raises(PermissionDenied) as err:
        ops.visits.void(db, party_member(db), visit_id=logged.id, reason="登错了户")
    assert "联户党员" in err.value.message
    with pytest.raises(ValidationError):
        ops.visits.void(db, grid_worker(db), visit_id=logged.id, reason=" ")
    done = ops.visits.void(db, grid_worker(db), visit_id=logged.id, reason="登错了户")
    assert rows(db, "SELECT voids_id, summary FROM visit WHERE id = ?", done.id) == [
        {"voids_id": logged.id, "summary": "作废：登错了户"}]
    assert len(rows(db, "SELECT id FROM visit")) == 2, "the original stays, voided"
    with pytest.raises(ValidationError) as again:
        ops.visits.void(db, grid_worker(db), visit_id=logged.id, reason="再作废一次")
    assert again.value.code == "already_void"


def test_a_party_member_reports_and_comments_but_cannot_handle(db, household):
    pm = party_member(db)
    case = ops.issues.report(db, pm, title="楼下噪音扰民", kind="complaint", household_id=household)
    ops.issues.step(db, pm, issue_id=case.id, action="comment", payload={"note": "晚上十点后仍有噪音"})
    before = outbox(db)
    for action in ("accept", "close", "dispatch"):
        with pytest.raises(PermissionDenied) as err:
            ops.issues.step(db, pm, issue_id=case.id, action=action, payload={})
        assert err.value.message.startswith("联户党员账号不能对事项执行")
    assert outbox(db) == before, "a refused step writes nothing"
    ops.issues.step(db, grid_worker(db), issue_id=case.id, action="accept", payload={})


def test_the_state_machine_still_refuses_a_step_out_of_order(db, household):
    case = ops.issues.report(db, grid_worker(db), title="井盖缺失", kind="help")
    with pytest.raises(ValidationError) as err:
        ops.issues.step(db, grid_worker(db), issue_id=case.id, action="close", payload={})
    assert err.value.message.startswith("事项当前状态为“已上报”，不能执行“核查结案”")


def test_nobody_logged_in_may_do_nothing(db, household):
    with pytest.raises(PermissionDenied):
        ops.visits.log(db, db.actor(None, None), household_id=household)


# --------------------------------------------------------------------------- the same through the CLI
def gridworker(*args, password=SETUP_PASSWORD):
    return subprocess.run([sys.executable, "-m", "gridworker", *args], input=password + "\n",
                          capture_output=True, text=True, timeout=120)


def test_cli_logs_a_visit_as_the_laptop_user_and_refuses_a_party_member(db, household):
    add_laptop_user(db, "liu", "pw-liu-1234", role="party_member", display_name="刘党员")
    folder = str(db.path.parent)
    visited = (dt.datetime.now().astimezone() - dt.timedelta(hours=1)).isoformat(timespec="seconds")
    db.close()
    out = gridworker("op", "visit.log", "--data-dir", folder, "--user", SETUP_USER, "--password-stdin",
                     f"household_id={household}", "mode=door", "summary=老人身体好", f"visited_at={visited}",
                     'issue={"title": "楼道灯坏了", "kind": "help"}', "--json")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["ok"] and set(result["changed"]) == {"visit", "issue", "issue_event"}

    out = gridworker("op", "issue.step", "--data-dir", folder, "--user", "liu", "--password-stdin",
                     f"issue_id={result['ids']['issue']}", "action=close", "--json", password="pw-liu-1234")
    assert out.returncode == 1
    assert json.loads(out.stdout) == {"error": "forbidden", "message": "联户党员账号不能对事项执行“核查结案”"}

    out = gridworker("op", "visit.log", "--data-dir", folder, "--user", SETUP_USER, "--password-stdin",
                     "household_id=not-a-household")
    assert out.returncode == 1 and "household_id: 找不到对应的记录" in out.stderr
    out = gridworker("op", "visit.log", "--data-dir", folder, "--user", SETUP_USER, "--password-stdin",
                     f"household_id={household}", "colour=red")
    assert out.returncode == 1 and "visit.log 没有参数 colour" in out.stderr
