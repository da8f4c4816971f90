"""Users of a laptop: a password opens their session (and the login is audited); an admin removes
a user or sets the offline-login limit; nobody else may."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from gridworker.domain.errors import ValidationError
from gridworker.domain.permissions import PermissionDenied
from gridworker.ops import users
from gridworker.sync.laptop import Laptop
from laptop_helpers import SETUP_STDIN, UNLOCK


def value(db, sql, params=()):
    with db.read() as conn:
        return conn.exec_driver_sql(sql, params).scalar()


@pytest.fixture
def admin(db):
    return db.actor("setup", "测试管理员", "admin")


@pytest.fixture
def li(db):
    return users.remember_user(db, user_id="pm-1", username="li", display_name="李党员", role="party_member",
                               password="dang-yuan")


def test_the_right_password_opens_a_session_with_the_users_role_and_is_audited(db, li):
    assert users.check_login(db, "li", "wrong") is None
    assert users.login(db, "li", "wrong") is None
    assert value(db, "SELECT count(*) FROM audit_log WHERE action = 'login'") == 0
    session = users.login(db, "li", "dang-yuan")
    assert (session.user_id, session.display_name, session.role) == ("pm-1", "李党员", "party_member")
    assert not session.may("ballot.manage") and session.may("sync.run")
    row = json.loads(value(db, "SELECT detail FROM audit_log WHERE action = 'login'"))
    assert row == {"username": "li"}
    assert value(db, "SELECT created_by FROM audit_log WHERE action = 'login'") == "pm-1"
    users.record_login(db, session, "unlock")
    assert value(db, "SELECT count(*) FROM audit_log WHERE action = 'unlock'") == 1


def test_an_admin_removes_a_user_whose_password_then_opens_nothing(db, admin, li):
    worker = users.remember_user(db, user_id="user-1", username="wang", display_name="王网格", role="grid_worker",
                                 password="wang-mima")
    with pytest.raises(PermissionDenied) as refused:
        users.remove_user(db, worker.actor(db), "li")
    assert refused.value.message == "网格员账号不能管理本机用户"
    assert users.check_login(db, "li", "dang-yuan") is not None
    with pytest.raises(ValidationError) as yourself:
        users.remove_user(db, admin, "setup")
    assert yourself.value.message == "不能移除当前登录的用户"

    done = users.remove_user(db, admin, "li")
    assert done.id == "pm-1"
    assert users.check_login(db, "li", "dang-yuan") is None
    assert value(db, "SELECT count(*) FROM local_user WHERE id = 'pm-1'") == 0
    assert sorted(u.username for u in Laptop(db.path.parent).users()) == ["setup", "wang"]


def test_only_an_admin_sets_the_offline_login_limit(db, admin, li):
    with pytest.raises(PermissionDenied):
        users.set_offline_days(db, li.actor(db), 30)
    with pytest.raises(ValidationError):
        users.set_offline_days(db, admin, 0)
    users.set_offline_days(db, admin, 30)
    assert Laptop(db.path.parent).slots.offline_days == 30


def test_removing_a_user_from_the_command_line_and_a_party_member_refused(db, li):
    users.remember_user(db, user_id="user-1", username="wang", display_name="王网格", role="grid_worker",
                        password="wang-mima")
    data_dir = str(db.path.parent)
    db.close()

    def op(*args, user_args=UNLOCK, stdin=SETUP_STDIN):
        return subprocess.run([sys.executable, "-m", "gridworker", "op", *args, "--data-dir", data_dir, *user_args,
                               "--json"], input=stdin, capture_output=True, text=True, timeout=120)

    proc = op("user.remove", "username=wang", user_args=["--user", "li", "--password-stdin"], stdin="dang-yuan\n")
    assert proc.returncode == 1
    assert json.loads(proc.stdout) == {"error": "forbidden", "message": "联户党员账号不能管理本机用户"}
    proc = op("user.remove", "username=wang")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["id"] == "user-1"
    assert sorted(u.username for u in Laptop(data_dir).users()) == ["li", "setup"]
