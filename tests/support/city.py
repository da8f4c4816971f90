"""The attacker's bench (the `city` fixture of tests/attacks/conftest.py): a real `gridworker server run` process on a loopback port, a small city
in it, and a raw HTTP client that sends whatever an attacker would (no laptop code in between).

The city: street S1 with communities A (grid GA1) and B, street S2 with community C; users of every
role; a few households with residents in A and B, pushed by their grid workers as a laptop would.
Each test module gets one server per backend (SQLite and, when GRIDWORKER_TEST_PG is set,
PostgreSQL); each test uses fresh devices and ids, so tests do not see each other's changes.
"""
from __future__ import annotations

import hashlib
import os
import secrets
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import requests

from gridworker.domain.ids import new_id
from gridworker.store import signing
from gridworker.sync import wire

STREET_1 = "0190c000-0000-7000-8000-000000000051"
STREET_2 = "0190c000-0000-7000-8000-000000000052"
COMM_A = "0190c000-0000-7000-8000-00000000000a"
COMM_B = "0190c000-0000-7000-8000-00000000000b"
COMM_C = "0190c000-0000-7000-8000-00000000000c"
GRID_A = "0190c000-0000-7000-8000-0000000000a1"
GRID_B = "0190c000-0000-7000-8000-0000000000b1"

# username -> (role, org code, display name)
USERS = {
    "admin_s1": ("admin", "S1", "街道管理员"),
    "admin_a": ("admin", "CA", "甲社区管理员"),
    "admin_b": ("admin", "CB", "乙社区管理员"),
    "gw_a": ("grid_worker", "CA", "甲网格员"),
    "gw_b": ("grid_worker", "CB", "乙网格员"),
    "gw_c": ("grid_worker", "CC", "丙网格员"),
    "pm_a": ("party_member", "CA", "甲党员"),
    "pm_a2": ("party_member", "CA", "甲党员二"),
}


def password(username: str) -> str:
    """A password that passes the server's rule (long, uncommon, not containing the user name)."""
    return "Qz7-" + hashlib.sha256(username.encode()).hexdigest()[:10] + "-lantern"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """`python -m gridworker server run` on a free loopback port, until stopped."""

    def __init__(self, url: str, folder: Path, extra_env: dict[str, str] | None = None):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = folder / f"server-{self.port}.log"
        env = {**os.environ, **(extra_env or {})}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gridworker", "server", "run", "--db", url, "--host", "127.0.0.1",
             "--port", str(self.port)], stdout=self.log.open("wb"), stderr=subprocess.STDOUT, env=env)
        deadline = time.time() + 60
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text(errors='replace')[-2000:]}")
            try:
                if requests.get(f"{self.base}{wire.API}/health", timeout=2).ok:
                    break
            except requests.RequestException:
                pass
            if time.time() > deadline:
                raise RuntimeError("server did not start in 60 s")
            time.sleep(0.1)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class Device:
    """An enrolled device as an attacker holds it: its token, and raw requests."""

    def __init__(self, city: "City", enrolled: dict[str, Any], username: str):
        self.city = city
        self.username = username
        self.id = enrolled["device_id"]
        self.token = enrolled["token"]
        self.community_id = enrolled["community_id"]
        self.user = enrolled["user"]
        self.secret = enrolled.get("user_secret")  # this user's credential on this device
        self.next_seq = 1

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", **self.city.version_headers}

    def get(self, path: str, **params) -> requests.Response:
        return requests.get(f"{self.city.base}{wire.API}{path}", params=params, headers=self.headers(), timeout=30)

    def post(self, path: str, body: Any) -> requests.Response:
        return requests.post(f"{self.city.base}{wire.API}{path}", json=body, headers=self.headers(), timeout=30)

    def entry(self, table: str, op: str, fields: dict[str, Any], row_id: str | None = None, **extra) -> dict:
        """One outbox entry with the next seq, signed by the device's user as their laptop signs it
        (``sig=...`` or ``user_id=...`` in ``extra`` to claim something else)."""
        e = {"seq": self.next_seq, "tx_id": new_id(), "table": table, "row_id": row_id or new_id(), "op": op,
             "fields": fields, "base_versions": {}, "hlc": None, "user_id": self.user["id"],
             "created_at": None, **extra}
        if "sig" not in extra and self.secret:
            e["sig"] = signing.sign(self.secret, **signing.entry_of(e))
        self.next_seq += 1
        return e

    def push(self, *entries: dict) -> requests.Response:
        return self.post("/sync/push", {"protocol_version": wire.PROTOCOL_VERSION,
                                        "schema_version": wire.SCHEMA_VERSION, "entries": list(entries)})

    def push_one(self, table: str, op: str, fields: dict[str, Any], row_id: str | None = None, **extra) -> dict:
        """Push one entry; returns its result (``status``, ``code``, ``reason``…)."""
        r = self.push(self.entry(table, op, fields, row_id, **extra))
        assert r.status_code == 200, r.text
        return r.json()["results"][0]

    def pull_all(self) -> dict[str, list[dict]]:
        """Every row a full pull gives this device: table -> rows (dicts)."""
        out: dict[str, list[dict]] = {}
        cursor = ""
        while True:
            r = self.get("/sync/pull", since=cursor, limit=5000)
            assert r.status_code == 200, r.text
            page = r.json()
            for t in page.get("tables", []):
                out.setdefault(t["table"], []).extend(dict(zip(t["columns"], row)) for row in t["rows"])
            for seq, table, row_id, op, fields, *_rest in page.get("changes", []):
                out.setdefault(table, []).append({"id": row_id, "_op": op, **(fields or {})})
            cursor = page["cursor"]
            if not page["more"]:
                return out


class City:
    """The server process and the people in it."""

    def __init__(self, url: str, folder: Path):
        from gridworker.server.auth import add_user
        from gridworker.server.db import open_server_db
        from support.server import add_org_units, org_row

        self.url = url
        self.folder = folder
        sdb = open_server_db(url)
        add_org_units(sdb, [
            org_row(STREET_1, "S1", "第一街道", "street", None),
            org_row(COMM_A, "CA", "甲社区", "community", STREET_1),
            org_row(GRID_A, "GA1", "甲社区第一网格", "grid", COMM_A, community_id=COMM_A),
            org_row(COMM_B, "CB", "乙社区", "community", STREET_1),
            org_row(GRID_B, "GB1", "乙社区第一网格", "grid", COMM_B, community_id=COMM_B),
            org_row(STREET_2, "S2", "第二街道", "street", None),
            org_row(COMM_C, "CC", "丙社区", "community", STREET_2),
        ])
        with sdb.write() as conn:
            for name, (role, org, display) in USERS.items():
                add_user(conn, name, password(name), role, org, display)
        sdb.dispose()
        self.server = ServerProcess(url, folder)
        self.base = self.server.base
        self.version_headers = {wire.PROTOCOL_HEADER: str(wire.PROTOCOL_VERSION),
                                wire.SCHEMA_HEADER: str(wire.SCHEMA_VERSION)}
        self.households: dict[str, list[str]] = {}
        self.residents: dict[str, list[str]] = {}
        for username, grid in (("gw_a", GRID_A), ("gw_b", GRID_B)):
            self._populate(username, grid)

    def enroll(self, username: str, *, pw: str | None = None, **body) -> requests.Response:
        body = {"username": username, "password": pw or password(username),
                "token": secrets.token_urlsafe(32), "device_id": str(uuid.uuid4()), **body}
        return requests.post(f"{self.base}{wire.API}/auth/enroll", json=body, headers=self.version_headers,
                             timeout=30)

    def bind(self, username: str, member_id: str | None) -> None:
        """The admin binds a party-member user to their party_member row by id (add-user --party-member)."""
        from gridworker.server.db import open_server_db
        from support.server import bind_party_member

        sdb = open_server_db(self.url)
        try:
            with sdb.write() as conn:
                bind_party_member(conn, username, member_id)
        finally:
            sdb.dispose()

    def _bound(self, username: str) -> None:
        """A party-member user of USERS with no member row yet gets one (named as the user) in their
        community: enrolment refuses a party member who is not on the roster."""
        from sqlalchemy import text

        from gridworker.server.db import open_server_db
        from support.server import add_party_member, bind_party_member

        role, org, display = USERS.get(username, (None, None, None))
        if role != "party_member":
            return
        sdb = open_server_db(self.url)
        try:
            with sdb.write() as conn:
                if conn.execute(text("SELECT party_member_id FROM server_user WHERE username = :u"),
                                {"u": username}).scalar():
                    return
                community = conn.execute(text("SELECT id FROM org_unit WHERE code = :c"), {"c": org}).scalar()
                bind_party_member(conn, username, add_party_member(conn, new_id(), community, display))
        finally:
            sdb.dispose()

    def device(self, username: str, **body) -> Device:
        self._bound(username)
        r = self.enroll(username, **body)
        assert r.status_code == 200, r.text
        return Device(self, r.json(), username)

    def _populate(self, username: str, grid: str) -> None:
        dev = self.device(username)
        houses, people = [], []
        for i in range(3):
            hid, rid = new_id(), new_id()
            entries = [
                dev.entry("household", "insert", {"address": f"{grid[-2:]}花园{i + 1}幢101室", "grid_id": grid,
                                                  "head_name": f"户主{i}", "phone": "13812345678"}, hid),
                dev.entry("resident", "insert", {"household_id": hid, "name": f"居民{i}",
                                                 "id_number": "11010519491231002X", "phone": "13812345678",
                                                 "sensitive_tags": "[\"社区矫正对象\"]" if i == 0 else "[]"}, rid)]
            r = dev.push(*entries)
            assert r.status_code == 200 and all(x["status"] == "applied" for x in r.json()["results"]), r.text
            houses.append(hid)
            people.append(rid)
        self.households[dev.community_id] = houses
        self.residents[dev.community_id] = people

    def close(self) -> None:
        self.server.stop()
