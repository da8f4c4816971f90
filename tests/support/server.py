"""Test helpers for the server side: a small street of two communities with users of every role
and a live in-thread server (``World``), fresh server database URLs on SQLite and PostgreSQL, cheap
password hashing, a self-signed certificate, rows of a table as comparable dicts.

Pytest-only: nothing in the package imports this.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from gridworker.embedded import EmbeddedServer
from gridworker.server.db import open_server_db
from gridworker.server.seed import add_org_units, org_row
from gridworker.store.tables import TABLES
from gridworker.store.template import fresh_laptop

from .pg import TempPgDatabase, pg_unreachable_reason



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
PM_A_MEMBER = "0190b000-0000-7000-8000-0000000000e1"  # pm_a's party_member row


def add_party_member(conn, member_id: str, community_id: str, name: str, *, deleted: bool = False) -> str:
    """A party_member row written straight into a server database, with the community's checksum
    kept right (as ``server seed-demo`` writes rows)."""
    from gridworker.server.seed import insert_seed_rows  # noqa: PLC0415
    from gridworker.store.tables import TABLES  # noqa: PLC0415

    row = {c: None for c in TABLES["party_member"].columns}
    row.update(id=member_id, community_id=community_id, versions="{}", deleted=1 if deleted else 0, name=name,
               is_central_household=0, in_service=0)
    insert_seed_rows(conn, [("party_member", [row])])
    return member_id


def bind_party_member(conn, username: str, member_id: str | None) -> None:
    """What ``server add-user --party-member ID`` does: the user is that member, by id."""
    from sqlalchemy import text  # noqa: PLC0415

    conn.execute(text("UPDATE server_user SET party_member_id = :m WHERE username = :u"),
                 {"m": member_id, "u": username})
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
        from gridworker.server.auth import add_user  # noqa: PLC0415

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
            # pm_a is bound by id to a party_member row of A (enrolment refuses an unbound party member)
            bind_party_member(conn, "pm_a", add_party_member(conn, PM_A_MEMBER, COMM_A, "甲社区联户党员"))
        self.server = EmbeddedServer(self.sdb).start()
        self.url = self.server.url
        self.laptops: list = []

    def laptop(self, name: str, username: str = "gw_a", community: str | None = None):
        from gridworker.sync.enrol import enroll  # noqa: PLC0415

        db = fresh_laptop(self.tmp_path / name / "gridworker.db")
        enroll(db, self.url, username, password(username), community=community, device_name=name)
        self.laptops.append(db)
        return db

    def engine(self, db, **kw):
        from gridworker.sync.engine import SyncEngine  # noqa: PLC0415

        kw.setdefault("backoff", 0.01)
        kw.setdefault("retries", 2)
        return SyncEngine(db, **kw)

    def close(self) -> None:
        for db in self.laptops:
            db.close()
        self.server.stop()
        self.sdb.dispose()




def reopen(path, before, **kw):
    """A laptop database opened again by a new process and its user logged in again: their
    credential, which the app takes from their key slot at login, is held again (store/signing.py)."""
    from gridworker.store.database import Database  # noqa: PLC0415

    uid = before.get_state("user_id") if before is not None else None
    credential = before.credential_of(uid) if before is not None else None
    db = Database.open(path, **kw)
    db.keep_credential(uid, credential)
    return db


def cheap_password_hashing() -> None:
    """Argon2id with small costs, so tests that log in many times stay fast (same algorithm)."""
    from argon2 import PasswordHasher  # noqa: PLC0415

    from gridworker.server import auth  # noqa: PLC0415
    from gridworker.sync import enrol  # noqa: PLC0415

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
