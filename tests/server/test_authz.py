"""The authorisation matrix: every endpoint × role × another community's object is refused.

Community A's laptops (grid worker, party member, A-scoped admin) aim at community B's rows,
devices and scope with B's real ids; nothing of B is read or changed. Runs on SQLite and PostgreSQL.
"""
from __future__ import annotations

import json

import pytest
import requests

from gridworker.domain.service import earn_id
from support.server import COMM_A, COMM_B, PM_A_MEMBER, table_rows
from support.signing import signed_body
from gridworker.sync import wire

HEADERS = {wire.PROTOCOL_HEADER: str(wire.PROTOCOL_VERSION), wire.SCHEMA_HEADER: str(wire.SCHEMA_VERSION)}


class Client:
    """Raw requests with a device token; pushed entries are signed by ``user_id`` when given their
    credential (as that user's laptop signs them), so what is refused is refused for its content."""

    def __init__(self, url: str, token: str | None, user_id: str | None = None, secret=None):
        self.url = url
        self.headers = {**HEADERS, **({"Authorization": f"Bearer {token}"} if token else {})}
        self.user_id, self.secret = user_id, secret

    def get(self, path, **params):
        return requests.get(f"{self.url}/api/v1{path}", params=params, headers=self.headers, timeout=10)

    def post(self, path, body):
        if path == "/sync/push":
            body = signed_body(body, self.user_id, self.secret)
        return requests.post(f"{self.url}/api/v1{path}", json=body, headers=self.headers, timeout=10)


@pytest.fixture
def matrix(world):
    """B holds a household, a resident and a visit; A's laptops of every role are enrolled."""
    lb = world.laptop("b", "gw_b")
    with lb.write(lb.actor(lb.get_state("user_id"))) as uow:
        hid = uow.insert("household", {"address": "乙小区1幢1单元101室", "head_name": "乙户主"})
        rid = uow.insert("resident", {"household_id": hid, "name": "乙居民"})
        vid = uow.append("visit", {"household_id": hid, "mode": "door", "visited_at": "2026-11-01T10:00:00+08:00"})
    world.engine(lb).sync()
    lb2 = world.laptop("b2", "gw_b")  # a conflict in B, so B has conflict records to leak
    for db, name in ((lb, "一"), (lb2, "二")):
        with db.write(db.actor(db.get_state("user_id"))) as uow:
            uow.update("household", hid, {"head_name": name})
    world.engine(lb).sync()
    assert world.engine(lb2).sync().conflicts == 1
    laptops = {role: world.laptop(role, user) for role, user in
               (("grid_worker", "gw_a"), ("party_member", "pm_a"), ("admin", "admin_a"))}
    with world.sdb.read() as conn:
        before = {t: table_rows(conn, t, COMM_B) for t in ("household", "resident", "visit")}
    clients = {role: Client(world.url, db.get_state("device_token"), db.get_state("user_id"),
                            db.credential_of(db.get_state("user_id"))) for role, db in laptops.items()}
    return {"world": world, "b": lb, "hid": hid, "rid": rid, "vid": vid, "clients": clients,
            "laptops": laptops, "before": before}


def _b_unchanged(m):
    with m["world"].sdb.read() as conn:
        after = {t: table_rows(conn, t, COMM_B) for t in ("household", "resident", "visit")}
    assert after == m["before"]


ROLES = ("grid_worker", "party_member", "admin")


@pytest.mark.parametrize("role", ROLES)
def test_pushes_at_another_communitys_rows_are_refused(matrix, role):
    c = matrix["clients"][role]
    db = matrix["laptops"][role]
    seq = int(db.get_state("outbox_seq") or 0) + 1
    attempts = [
        ("household", matrix["hid"], "update", {"head_name": "篡改"}),
        ("household", matrix["hid"], "delete", {}),
        ("resident", matrix["rid"], "undelete", {}),
        ("household", matrix["hid"], "insert", {"address": "冒名", "community_id": COMM_A}),
        ("household", "0190d000-0000-7000-8000-000000000001", "insert", {"address": "越界", "community_id": COMM_B}),
        ("visit", matrix["vid"], "append", {"household_id": matrix["hid"], "mode": "door",
                                            "visited_at": "2026-11-01T10:00:00+08:00", "community_id": COMM_A}),
        ("visit", "0190d000-0000-7000-8000-000000000002", "append",
         {"household_id": matrix["hid"], "mode": "door", "visited_at": "2026-11-01T10:00:00+08:00",
          "community_id": COMM_B}),
    ]
    entries = [{"seq": seq + i, "table": t, "row_id": r, "op": op, "fields": f}
               for i, (t, r, op, f) in enumerate(attempts)]
    reply = c.post("/sync/push", {"entries": entries})
    assert reply.status_code == 200
    assert [r["status"] for r in reply.json()["results"]] == ["rejected"] * len(attempts)
    _b_unchanged(matrix)


def test_roles_limit_what_may_be_written(matrix):
    pm = matrix["clients"]["party_member"]
    gw = matrix["clients"]["grid_worker"]
    r = pm.post("/sync/push", {"entries": [{"seq": 1, "table": "household", "row_id": "0190d000-0000-7000-8000-0000000000aa",
                                            "op": "insert", "fields": {"address": "党员不可新建户"}}]}).json()
    assert r["results"][0]["status"] == "rejected" and r["results"][0]["code"] == "forbidden"
    r = gw.post("/sync/push", {"entries": [{"seq": 1, "table": "org_unit", "row_id": COMM_A, "op": "update",
                                            "fields": {"name": "改名"}}]}).json()
    assert r["results"][0]["code"] == "forbidden"


@pytest.mark.parametrize("role", ROLES)
def test_reads_never_carry_another_communitys_rows(matrix, role):
    c = matrix["clients"][role]
    b_ids = {matrix["hid"], matrix["rid"], matrix["vid"], COMM_B}
    seen = set()
    for since in ("0", "c.0", "s.0.0.", "s.0.2.", "s.999.5.", "c.-5"):
        r = c.get("/sync/pull", since=since, limit=20000)
        if r.status_code != 200:
            assert r.status_code in (400, 409, 410)
            continue
        page = r.json()
        for block in page["tables"]:
            at = block["columns"].index("community_id")
            assert {row[at] for row in block["rows"]} <= {COMM_A}
            seen |= {row[block["columns"].index("id")] for row in block["rows"]}
        seen |= {ch[2] for ch in page["changes"]}
    assert not (seen & b_ids)
    rows = c.post("/sync/rows", {"table": "household", "ids": [matrix["hid"]]}).json()
    assert rows == {"rows": [], "missing": [matrix["hid"]]}
    buckets = c.post("/sync/buckets", {"buckets": list(range(256))}).json()["rows"]
    assert not ({i for _t, i, _h in buckets} & b_ids)
    conflicts = c.get("/sync/conflicts").json()
    assert not ({x["row_id"] for x in conflicts} & b_ids) and all(x["kind"] for x in conflicts)
    assert c.get("/sync/verify").json()["community_id"] == COMM_A
    assert c.get("/sync/status").json()["device"]["community_id"] == COMM_A


@pytest.mark.parametrize("role", ("grid_worker", "party_member"))
def test_admin_endpoints_refuse_other_roles(matrix, role):
    c = matrix["clients"][role]
    b_device = matrix["b"].device_id
    calls = [c.get("/admin/devices"), c.post(f"/admin/devices/{b_device}/revoke", {}),
             c.post("/admin/users", {"username": "x1", "password": "long-enough", "role": "grid_worker", "org": "CA"}),
             c.post("/admin/move-household", {"household_id": matrix["hid"], "to_community": "CA"}),
             c.get("/admin/conflicts", community="CA")]
    assert [r.status_code for r in calls] == [403] * len(calls)
    assert all(r.json()["error"]["code"] == "forbidden" for r in calls)


def test_a_community_admin_cannot_reach_another_community(matrix):
    c = matrix["clients"]["admin"]
    b_device = matrix["b"].device_id
    assert b_device not in {d["id"] for d in c.get("/admin/devices").json()}
    assert c.post(f"/admin/devices/{b_device}/revoke", {}).status_code == 404
    assert c.post("/admin/users", {"username": "x2", "password": "long-enough", "role": "grid_worker",
                                   "org": "CB"}).status_code == 404
    assert c.post("/admin/move-household", {"household_id": matrix["hid"], "to_community": "CA"}).status_code == 404
    la = matrix["laptops"]["grid_worker"]
    with la.write(la.actor(la.get_state("user_id"))) as uow:
        a_hid = uow.insert("household", {"address": "甲小区1幢1单元101室"})
    matrix["world"].engine(la).sync()
    assert c.post("/admin/move-household", {"household_id": a_hid, "to_community": "CB"}).status_code == 404
    assert c.get("/admin/conflicts", community="CB").status_code == 404
    assert matrix["world"].engine(matrix["b"]).sync().rejected == 0  # B's laptop still works
    _b_unchanged(matrix)


def test_enrolment_outside_scope_is_refused(matrix):
    url = matrix["world"].url
    grid_user = requests.post(f"{url}/api/v1/auth/enroll", headers=HEADERS, timeout=10,
                              json={"username": "gw_a2", "password": "pw-gw_a2-secret"})
    assert grid_user.status_code == 200 and grid_user.json()["community_id"] == COMM_A  # a grid's community
    for user in ("gw_a", "gw_a2", "pm_a", "admin_a"):
        r = requests.post(f"{url}/api/v1/auth/enroll", headers=HEADERS, timeout=10,
                          json={"username": user, "password": f"pw-{user}-secret", "community": "CB"})
        assert r.status_code == 403 and r.json()["error"]["code"] == "out_of_scope"


def test_every_endpoint_needs_a_valid_token(matrix):
    for token in (None, "not-a-token"):
        c = Client(matrix["world"].url, token)
        calls = [c.get("/sync/pull"), c.post("/sync/push", {"entries": []}), c.post("/sync/rows", {"table": "household",
                 "ids": [matrix["hid"]]}), c.get("/sync/verify"), c.post("/sync/buckets", {"buckets": [0]}),
                 c.get("/sync/status"), c.get("/sync/conflicts"), c.get("/admin/devices"), c.get("/admin/conflicts", community="CB")]
        assert [r.status_code for r in calls] == [401] * len(calls)


def test_login_is_throttled_after_repeated_failures(matrix):
    url = matrix["world"].url
    codes = [requests.post(f"{url}/api/v1/auth/enroll", headers=HEADERS, timeout=10,
                           json={"username": "gw_b", "password": "wrong-password"}).status_code for _ in range(6)]
    assert codes[:5] == [401] * 5 and codes[5] == 429
    right = requests.post(f"{url}/api/v1/auth/enroll", headers=HEADERS, timeout=10,
                          json={"username": "gw_b", "password": "pw-gw_b-secret"})
    assert right.status_code == 429 and "锁定" in right.json()["error"]["message"]


# --------------------------------------------------------------------------- the permission table, entry by entry
from gridworker.domain import permissions as perm  # noqa: E402
from gridworker.domain.ids import new_id  # noqa: E402
from gridworker.domain.issues import ACTIONS as ISSUE_ACTIONS  # noqa: E402
from gridworker.domain.points import ENTRY_KINDS  # noqa: E402
from gridworker.server.audit import entry_hash  # noqa: E402
from support.server import GRID_A, password  # noqa: E402
from gridworker.store.tables import TABLES  # noqa: E402

NOW = "2026-11-01T10:00:00+08:00"
# One field each role would change in an update of each mutable table.
UPDATE_FIELD = {"org_unit": ("name", "改名网格"), "building": ("notes", "改"), "household": ("notes", "改"),
                "resident": ("notes", "改"), "party_member": ("notes", "改"), "contact_link": ("reason", "改"),
                "ballot": ("description", "改"), "ballot_option": ("label", "改"), "issue": ("description", "改"),
                "meeting": ("minutes", "改"), "service_team": ("note", "改"), "service_need": ("detail", "改"),
                "service_record": ("note", "改")}


class Pusher:
    """A device enrolled over HTTP by ``username``; pushes one entry at a time, numbering them."""

    def __init__(self, url: str, username: str):
        r = requests.post(f"{url}/api/v1/auth/enroll", headers=HEADERS, timeout=10,
                          json={"username": username, "password": password(username), "community": "CA"})
        assert r.status_code == 200, r.text
        self.client = Client(url, r.json()["token"], r.json()["user"]["id"], r.json()["user_secret"])
        self.device_id, self.user_id = r.json()["device_id"], r.json()["user"]["id"]
        self.seq = 0

    def audit_row(self) -> dict:
        """The first row of this device's audit chain, hashed as the laptop hashes it (the server
        anchors each device's chain: server/audit.py)."""
        row = {"action": "login", "table_name": None, "row_id": None, "detail": "{}", "created_by": self.user_id,
               "device_id": self.device_id, "created_at": NOW, "prev_hash": None}
        row["hash"] = entry_hash(row)
        return row

    def push(self, *entries: dict) -> list[dict]:
        body = []
        for e in entries:
            self.seq += 1
            body.append({"base_versions": {}, **e, "seq": self.seq})
        r = self.client.post("/sync/push", {"entries": body})
        assert r.status_code == 200, r.text
        return r.json()["results"]


def _fields(table: str, refs: dict, **over) -> dict:
    """Valid insert / append fields of ``table``, naming rows of community A."""
    return {
        "org_unit": lambda: {"code": f"G{new_id()[-12:]}", "name": "新网格", "level": "grid", "parent_id": COMM_A},
        "building": lambda: {"estate": "阳光花园", "building_no": "1", "grid_id": GRID_A},
        "household": lambda: {"address": "阳光花园1幢1单元101室", "grid_id": GRID_A},
        "resident": lambda: {"household_id": refs["household"], "name": "居民"},
        "party_member": lambda: {"name": "党员", "household_id": refs["household"]},
        "contact_link": lambda: {"kind": "member_household", "from_id": refs["party_member"],
                                 "to_id": refs["household"]},
        "ballot": lambda: {"title": "表决", "scope_kind": "community", "rule": "residents_meeting"},
        "ballot_option": lambda: {"ballot_id": refs["ballot"], "label": "同意", "meaning": "yes"},
        "issue": lambda: {"title": "事项", "reported_at": NOW},
        "visit": lambda: {"household_id": refs["household"], "mode": "door", "visited_at": NOW},
        "vote": lambda: {"ballot_id": refs["ballot"], "household_id": refs["household"],
                         "option_id": refs["ballot_option"], "cast_at": NOW},
        "issue_event": lambda: {"issue_id": refs["issue"], "action": "comment", "at": NOW},
        "points_ledger": lambda: {"member_id": refs["party_member"], "kind": "redeem", "points": "1", "at": NOW},
        "audit_log": lambda: {"action": "login", "detail": "{}"},
        "meeting": lambda: {"kind": "ketang", "topic": "议题", "held_at": NOW, "attendees": "[]"},
        "meeting_item": lambda: {"meeting_id": refs["meeting"], "kind": "decision", "decision_kind": "note",
                                 "text": "议定", "at": NOW},
        "service_team": lambda: {"name": "红领服务队", "members": json.dumps([refs["party_member"]])},
        "service_need": lambda: {"title": "代买药", "household_id": refs["household"]},
        "service_record": lambda: {"member_id": refs.get("own_member") or refs["party_member"], "served_on": NOW[:10],
                                   "hours": "1"},
    }[table]() | over


def _setup_rows(admin: Pusher) -> dict:
    """One live row of every table in A (the references), made by A's admin."""
    refs: dict[str, str] = {}
    for table in ("household", "party_member", "ballot", "ballot_option", "issue", "meeting"):
        refs[table] = new_id()
        [res] = admin.push({"table": table, "op": "insert", "row_id": refs[table], "fields": _fields(table, refs)})
        assert res["status"] == "applied", res
    return refs


def _target(admin: Pusher, table: str, refs: dict, deleted: bool) -> str:
    rid = new_id()
    entries = [{"table": table, "op": "insert", "row_id": rid, "fields": _fields(table, refs)}]
    if deleted:
        entries.append({"table": table, "op": "delete", "row_id": rid, "fields": {}})
    assert [r["status"] for r in admin.push(*entries)] == ["applied"] * len(entries)
    return rid


def _versions(world, table: str, rid: str) -> dict:
    with world.sdb.read() as conn:
        return table_rows(conn, table, COMM_A)[rid]["versions"]


@pytest.mark.parametrize("role,username", [("admin", "admin_a"), ("grid_worker", "gw_a"), ("party_member", "pm_a")])
def test_every_table_and_operation_is_allowed_exactly_as_the_permission_table_says(world, role, username):
    admin = Pusher(world.url, "admin_a")
    refs = _setup_rows(admin)
    dev = Pusher(world.url, username)
    if role == "party_member":  # a member records service in their own name (the server checks that too)
        refs["own_member"] = PM_A_MEMBER
    seen = []
    for table, ts in TABLES.items():
        for op in (sorted(perm.MUTABLE_OPS) if ts.mutable else ["append"]):
            allowed = perm.may_write(role, table, op)
            if op == "insert" or op == "append":
                rid, fields, base = new_id(), _fields(table, refs), {}
                if table == "audit_log":
                    fields = dev.audit_row()
                if table == "points_ledger" and not perm.may_points(role, "redeem"):
                    fields["kind"] = "earn" if perm.may_points(role, "earn") else "redeem"
                    fields["hours"] = "1"
            else:
                rid = _target(admin, table, refs, deleted=op == "undelete")
                name, value = UPDATE_FIELD[table]
                fields = {name: value} if op == "update" else {}
                base = _versions(world, table, rid) if op == "update" else {}
            allowed = perm.may_write(role, table, op, fields)  # a field the role may never write is refused too
            [res] = dev.push({"table": table, "op": op, "row_id": rid, "fields": fields, "base_versions": base})
            # A delete or undelete of a row another device wrote is kept as a conflict record: applied too.
            took = res["status"] == "applied" or (op in ("delete", "undelete") and res["status"] == "conflict")
            assert took == allowed, (role, table, op, res)
            if not allowed:
                assert res["code"] == "forbidden" and res["reason"], (role, table, op, res)
            seen.append((table, op))
    assert len(seen) == sum(len(perm.MUTABLE_OPS) if ts.mutable else 1 for ts in TABLES.values())


@pytest.mark.parametrize("role,username", [("admin", "admin_a"), ("grid_worker", "gw_a"), ("party_member", "pm_a")])
def test_issue_actions_points_kinds_and_denied_fields_follow_the_table(world, role, username):
    admin = Pusher(world.url, "admin_a")
    refs = _setup_rows(admin)
    dev = Pusher(world.url, username)
    for action in ISSUE_ACTIONS:
        [res] = dev.push({"table": "issue_event", "op": "append", "row_id": new_id(),
                          "fields": _fields("issue_event", refs, action=action)})
        if perm.may_write(role, "issue_event", "append") and perm.may_issue_action(role, action):
            assert res["status"] == "applied", (role, action, res)  # an out-of-state step is flagged, kept
        else:
            assert (res["status"], res["code"]) == ("rejected", "forbidden"), (role, action, res)
    record = new_id()  # an approved service record: what an earn is for (issue #15)
    assert [r["status"] for r in admin.push(
        {"table": "service_record", "op": "insert", "row_id": record,
         "fields": _fields("service_record", refs, approval="approved", member_id=refs["party_member"])})] == ["applied"]
    for kind in ENTRY_KINDS:
        extra = {"record_id": record} if kind == "earn" else {}
        [res] = dev.push({"table": "points_ledger", "op": "append",
                          "row_id": earn_id(record) if kind == "earn" else new_id(),
                          "fields": _fields("points_ledger", refs, kind=kind, hours="1", **extra)})
        if perm.may_write(role, "points_ledger", "append") and perm.may_points(role, kind):
            assert res["status"] == "applied", (role, kind, res)
        else:
            assert (res["status"], res["code"]) == ("rejected", "forbidden"), (role, kind, res)
    for (who, table), denied in perm.DENIED_FIELDS.items():
        if who != role:
            continue
        target = new_id()
        op = "insert" if TABLES[table].mutable else "append"
        assert admin.push({"table": table, "op": op, "row_id": target,
                           "fields": _fields(table, refs)})[0]["status"] == "applied"
        for name in denied:
            [res] = dev.push({"table": table, "op": op, "row_id": new_id(),
                              "fields": _fields(table, refs, **{name: target if name.endswith("_id") else
                                                                 1 if name in TABLES[table].int_fields else "x"})})
            assert (res["status"], res["code"]) == ("rejected", "forbidden"), (role, table, name, res)
