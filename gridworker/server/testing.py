"""A real server on a loopback port, in a thread: for tests, benchmarks and trying things by hand.

    with LiveServer("/tmp/server.db") as srv:
        enroll(db, srv.url, "gw1", "secret-pass")

Also small helpers to put org units and users into a server database.
"""
from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import text

from ..store.tables import TABLES
from .db import ServerDB, open_server_db

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


class LiveServer:
    """uvicorn serving ``create_app(db)`` on 127.0.0.1 and a free port, until stopped."""

    def __init__(self, db: str | ServerDB, *, port: int = 0, log_config: dict | None = None,
                 log_level: str = "warning", access_log: bool = False):
        """``log_config`` (see :mod:`.logconfig`), ``log_level`` and ``access_log`` as for
        ``uvicorn.Config``; by default uvicorn's own console logging, warnings only."""
        import uvicorn  # noqa: PLC0415

        from .app import create_app  # noqa: PLC0415

        self.sdb = db if isinstance(db, ServerDB) else open_server_db(db)
        self.app = create_app(self.sdb)
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", port))
        self.port = self._sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        options: dict = {"log_config": log_config} if log_config is not None else {}
        config = uvicorn.Config(self.app, log_level=log_level, access_log=access_log, timeout_keep_alive=30,
                                **options)
        self.server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self._sock]}, daemon=True)

    def start(self) -> "LiveServer":
        self._thread.start()
        deadline = time.time() + 20
        while not self.server.started:
            if time.time() > deadline or not self._thread.is_alive():
                raise RuntimeError("test server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self._thread.join(timeout=10)
        self._sock.close()

    def __enter__(self) -> "LiveServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def org_row(org_id: str, code: str, name: str, level: str, parent_id: str | None,
            community_id: str | None = None) -> dict[str, Any]:
    row = {c: None for c in TABLES["org_unit"].columns}
    row.update(id=org_id, community_id=community_id or org_id, code=code, name=name, level=level,
               parent_id=parent_id, versions="{}", deleted=0)
    return row


def add_org_units(sdb: ServerDB, rows: list[dict]) -> None:
    from .seed import insert_seed_rows  # noqa: PLC0415

    with sdb.write() as conn:
        insert_seed_rows(conn, [("org_unit", rows)])


# --------------------------------------------------------------------------- PostgreSQL for tests
def pg_admin_url() -> str:
    return os.environ.get("GRIDWORKER_TEST_PG", DEFAULT_PG)


def pg_unreachable_reason() -> str | None:
    """None when the test PostgreSQL answers, else why not (tests skip with this reason)."""
    try:
        import psycopg  # noqa: PLC0415
    except ImportError as exc:  # pragma: no cover
        return f"psycopg not installed: {exc}"
    url = pg_admin_url().replace("postgresql+psycopg://", "postgresql://")
    try:
        with psycopg.connect(url, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001
        return f"PostgreSQL at {pg_admin_url()} unreachable (set GRIDWORKER_TEST_PG): {exc}"
    return None


class TempPgDatabase:
    """A fresh PostgreSQL database for one test, dropped afterwards."""

    def __init__(self) -> None:
        import psycopg  # noqa: PLC0415

        self._psycopg = psycopg
        self.admin = pg_admin_url().replace("postgresql+psycopg://", "postgresql://")
        self.name = f"gw_test_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.name}"')
        base = pg_admin_url().rsplit("/", 1)[0]
        self.url = f"{base}/{self.name}"

    def drop(self) -> None:
        with self._psycopg.connect(self.admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def table_rows(conn, table: str, community_id: str | None = None) -> dict[str, dict]:
    """id -> comparable row (synced fields, tombstone, versions, server seq) of one table."""
    ts = TABLES[table]
    cols = ["id", "community_id", *ts.fields] + (["deleted", "versions"] if ts.mutable else ["server_seq"])
    sql = f"SELECT {', '.join(cols)} FROM {table}"
    params = {}
    if community_id:
        sql += " WHERE community_id = :c"
        params["c"] = community_id
    out = {}
    import json  # noqa: PLC0415

    for values in conn.execute(text(sql), params):
        row = dict(zip(cols, values))
        for b in ts.bool_fields | ({"deleted"} if ts.mutable else set()):
            if row.get(b) is not None:
                row[b] = bool(row[b])
        if "versions" in row:
            row["versions"] = json.loads(row["versions"] or "{}")
        out[row["id"]] = row
    return out


# --------------------------------------------------------------------------- a small test world
STREET = "0190b000-0000-7000-8000-000000000001"
COMM_A = "0190b000-0000-7000-8000-00000000000a"
COMM_B = "0190b000-0000-7000-8000-00000000000b"
GRID_A = "0190b000-0000-7000-8000-0000000000a1"
USERS = {  # username -> (role, org code)
    "admin": ("admin", "S1"),
    "admin_a": ("admin", "CA"),
    "gw_a": ("grid_worker", "CA"),
    "gw_a2": ("grid_worker", "GA1"),
    "gw_b": ("grid_worker", "CB"),
    "pm_a": ("party_member", "CA"),
}


def password(username: str) -> str:
    return f"pw-{username}-secret"


def make_server_url(kind: str, tmp_path, request) -> str:
    """A fresh server database URL for a pytest test (PostgreSQL skipped with the reason when absent)."""
    import pytest  # noqa: PLC0415 - only tests call this

    if kind == "sqlite":
        return str(tmp_path / "server.db")
    reason = pg_unreachable_reason()
    if reason:
        pytest.skip(reason)
    pg = TempPgDatabase()
    request.addfinalizer(pg.drop)
    return pg.url


class World:
    """A street with communities A (with one grid) and B, users of every role, a live server."""

    def __init__(self, url: str, tmp_path):
        from .auth import add_user  # noqa: PLC0415

        cheap_password_hashing()
        self.tmp_path = tmp_path
        self.sdb = open_server_db(url)
        add_org_units(self.sdb, [
            org_row(STREET, "S1", "测试街道", "street", None),
            org_row(COMM_A, "CA", "甲社区", "community", STREET),
            org_row(GRID_A, "GA1", "甲社区第一网格", "grid", COMM_A, community_id=COMM_A),
            org_row(COMM_B, "CB", "乙社区", "community", STREET),
        ])
        with self.sdb.write() as conn:
            for name, (role, org) in USERS.items():
                add_user(conn, name, password(name), role, org)
        self.server = LiveServer(self.sdb).start()
        self.url = self.server.url
        self.laptops: list = []

    def laptop(self, name: str, username: str = "gw_a", community: str | None = None):
        from ..sync.enrol import enroll  # noqa: PLC0415

        db = fresh_laptop(self.tmp_path / name / "gridworker.db")
        enroll(db, self.url, username, password(username), community=community, device_name=name)
        self.laptops.append(db)
        return db

    def engine(self, db, **kw):
        from ..sync.engine import SyncEngine  # noqa: PLC0415

        kw.setdefault("backoff", 0.01)
        kw.setdefault("retries", 2)
        return SyncEngine(db, **kw)

    def close(self) -> None:
        for db in self.laptops:
            db.close()
        self.server.stop()
        self.sdb.dispose()




_TEMPLATE: dict[str, Path] = {}


def fresh_laptop(path: Path):
    """A new, empty laptop database, copied from a migrated template (migrating takes ~1 s each).

    The copy gets its own device id, exactly as a fresh ``Database.open`` would.
    """
    import shutil  # noqa: PLC0415
    import sqlite3  # noqa: PLC0415
    import tempfile  # noqa: PLC0415

    from ..store.database import Database  # noqa: PLC0415

    if "path" not in _TEMPLATE or not _TEMPLATE["path"].exists():
        folder = tempfile.mkdtemp(prefix="gw-template-")
        import atexit  # noqa: PLC0415

        atexit.register(shutil.rmtree, folder, True)
        tmp = Path(folder) / "template.db"
        Database.open(tmp).close()
        conn = sqlite3.connect(tmp)
        conn.execute("DELETE FROM local_state WHERE key = 'device_id'")
        conn.commit()
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode=DELETE")
        conn.close()
        _TEMPLATE["path"] = tmp
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_TEMPLATE["path"], path)
    return Database.open(path)


def cheap_password_hashing() -> None:
    """Argon2id with small costs, so tests that log in many times stay fast (same algorithm)."""
    from argon2 import PasswordHasher  # noqa: PLC0415

    from ..sync import enrol  # noqa: PLC0415
    from . import auth  # noqa: PLC0415

    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    auth._hasher = cheap
    auth._DUMMY_HASH = cheap.hash("not-a-password")
    enrol._HASHER = cheap


def self_signed(folder: Path, name: str = "server") -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1/localhost (as `openssl req -x509` makes): (cert, key).
    For TLS tests only."""
    import datetime as dt  # noqa: PLC0415
    import ipaddress  # noqa: PLC0415

    from cryptography import x509  # noqa: PLC0415
    from cryptography.hazmat.primitives import hashes, serialization  # noqa: PLC0415
    from cryptography.hazmat.primitives.asymmetric import ec  # noqa: PLC0415
    from cryptography.x509.oid import NameOID  # noqa: PLC0415

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1"),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, f"gridworker test {name}")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                                        x509.DNSName("localhost")]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / f"{name}.crt", folder / f"{name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path
