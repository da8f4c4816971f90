"""audit chain anchors (receipt key, heads, refusals) and per-device export secrets

``audit_receipt_key``: the server's secret key for audit receipts (one generated here).
``audit_head``: each device's audit chain as the server accepted it, seeded here from the rows
already in ``audit_log`` (the server vouches for them as of this upgrade). ``audit_refusal``: audit
entries a push brought and the server refused. ``device_secret``: the secret agreed with each laptop
at enrolment, signing its lost-laptop export. ``export_apply.authentication``: how an applied file
was authenticated. See gridworker/server/audit.py and gridworker/server/exports.py.

Revision ID: s0005_audit_anchor_export_secret
Revises: s0004_user_member_access_log
"""
import base64
import datetime as dt
import hashlib
import hmac
import secrets

import sqlalchemy as sa
from alembic import op

revision = "s0005_audit_anchor_export_secret"
down_revision = "s0004_user_member_access_log"
branch_labels = None
depends_on = None


def upgrade() -> None:
    now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    keys = op.create_table(
        "audit_receipt_key",
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("secret", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("key_id", name=op.f("pk_audit_receipt_key")),
        info={"side": "server"},
    )
    heads = op.create_table(
        "audit_head",
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("entries", sa.BigInteger(), nullable=False),
        sa.Column("head_hash", sa.String(length=64), nullable=True),
        sa.Column("last_row_id", sa.String(length=36), nullable=True),
        sa.Column("last_seq", sa.BigInteger(), nullable=True),
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("receipt", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("device_id", name=op.f("pk_audit_head")),
        info={"side": "server"},
    )
    op.create_table(
        "audit_refusal",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=True),
        sa.Column("row_id", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("code", sa.String(length=24), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_refusal")),
        info={"side": "server"},
    )
    with op.batch_alter_table("audit_refusal", schema=None) as batch_op:
        batch_op.create_index("ix_audit_refusal_device", ["device_id"], unique=False)
    op.create_table(
        "device_secret",
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("export_secret", sa.String(length=64), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("device_id", name=op.f("pk_device_secret")),
        info={"side": "server"},
    )
    with op.batch_alter_table("export_apply", schema=None) as batch_op:
        batch_op.add_column(sa.Column("authentication", sa.String(length=32), nullable=True))

    # The receipt key, generated once for this server, and the heads of the chains already here
    # (receipt = HMAC-SHA256 of device|entries|head hash, as gridworker.server.audit.make_receipt).
    secret = secrets.token_bytes(32)
    key_id = hashlib.sha256(b"gridworker-audit-receipt" + secret).hexdigest()[:16]
    op.bulk_insert(keys, [{"key_id": key_id, "secret": base64.b64encode(secret).decode("ascii"), "created_at": now}])
    found: dict[str, dict] = {}
    for device, row_id, digest in op.get_bind().execute(sa.text(
            "SELECT device_id, id, hash FROM audit_log WHERE device_id IS NOT NULL ORDER BY device_id, hlc, id")):
        head = found.setdefault(device, {"entries": 0})
        head.update(entries=head["entries"] + 1, head_hash=digest, last_row_id=row_id)
    rows = []
    for device, head in found.items():
        message = f"{device}|{head['entries']}|{head['head_hash'] or ''}".encode("utf-8")
        rows.append({"device_id": device, **head, "last_seq": None, "key_id": key_id, "updated_at": now,
                     "receipt": hmac.new(secret, message, hashlib.sha256).hexdigest()})
    if rows:
        op.bulk_insert(heads, rows)


def downgrade() -> None:
    with op.batch_alter_table("export_apply", schema=None) as batch_op:
        batch_op.drop_column("authentication")
    op.drop_table("device_secret")
    with op.batch_alter_table("audit_refusal", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_refusal_device")
    op.drop_table("audit_refusal")
    op.drop_table("audit_head")
    op.drop_table("audit_receipt_key")
