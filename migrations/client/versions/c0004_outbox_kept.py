"""outbox_kept: acknowledged outbox entries kept for 30 days (#20: a server restored from a backup)

Revision ID: c0004_outbox_kept
Revises: c0003_outbox_sig
"""
import sqlalchemy as sa
from alembic import op

revision = "c0004_outbox_kept"
down_revision = "c0003_outbox_sig"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox_kept",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("tx_id", sa.String(length=36), nullable=False),
        sa.Column("table_name", sa.String(length=32), nullable=False),
        sa.Column("row_id", sa.String(length=36), nullable=False),
        sa.Column("op", sa.String(length=12), nullable=False),
        sa.Column("fields", sa.Text(), nullable=False),
        sa.Column("base_versions", sa.Text(), nullable=False),
        sa.Column("hlc", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=True),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("sig", sa.String(length=64), nullable=True),
        sa.Column("acked_at", sa.String(length=32), nullable=False),
        sa.Column("epoch", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_outbox_kept")),
        info={"side": "client"},
    )


def downgrade() -> None:
    op.drop_table("outbox_kept")
