"""user_credential: each user's signing credential on each device (users act, not devices)

A device enrolled before this revision has none: its users get theirs at their next online login
on that laptop, and their unsigned changes wait on the laptop until then (gridworker/store/signing.py).

Revision ID: s0006_user_credential
Revises: s0005_audit_anchor_export_secret
"""
import sqlalchemy as sa
from alembic import op

revision = "s0006_user_credential"
down_revision = "s0005_audit_anchor_export_secret"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "user_credential",
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("secret", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("revoked_at", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("user_id", "device_id", name=op.f("pk_user_credential")),
        info={"side": "server"},
    )


def downgrade() -> None:
    op.drop_table("user_credential")
