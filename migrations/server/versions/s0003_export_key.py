"""export key pair and export-apply records (lost laptops)

``export_key``: the server's X25519 key pair for sealed exports (a revoked laptop seals its unsent
changes to the public key; only this database's private key opens them). One pair is generated
here, once per server database. ``export_apply``: one row per ``server read-export --apply``.
See gridworker/server/exports.py.

Revision ID: s0003_export_key
Revises: s0002_snapshot_indexes
"""
import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "s0003_export_key"
down_revision = "s0002_snapshot_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    keys = op.create_table(
        "export_key",
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("algorithm", sa.String(length=64), nullable=False),
        sa.Column("public_key", sa.String(length=100), nullable=False),
        sa.Column("private_key", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("key_id", name=op.f("pk_export_key")),
        info={"side": "server"},
    )
    op.create_table(
        "export_apply",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=True),
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("community_id", sa.String(length=36), nullable=False),
        sa.Column("exported_at", sa.String(length=32), nullable=True),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("applied", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("conflicts", sa.Integer(), nullable=False),
        sa.Column("first_seq", sa.BigInteger(), nullable=True),
        sa.Column("last_seq", sa.BigInteger(), nullable=True),
        sa.Column("applied_by", sa.String(length=100), nullable=True),
        sa.Column("applied_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_export_apply")),
        info={"side": "server"},
    )
    with op.batch_alter_table("export_apply", schema=None) as batch_op:
        batch_op.create_index("ix_export_apply_device", ["device_id"], unique=False)

    # The key pair, generated once for this server (kept in this database; see exports.py).
    from gridworker.sync.sealed import ALGORITHM, b64, generate_keypair, key_id  # noqa: PLC0415

    private, public = generate_keypair()
    op.bulk_insert(keys, [{"key_id": key_id(public), "algorithm": ALGORITHM, "public_key": b64(public),
                           "private_key": b64(private),
                           "created_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}])


def downgrade() -> None:
    with op.batch_alter_table("export_apply", schema=None) as batch_op:
        batch_op.drop_index("ix_export_apply_device")
    op.drop_table("export_apply")
    op.drop_table("export_key")
