"""the city side (#16): device_report (what each laptop says of itself on sync), hotline_order
(12345 work orders and the case each became), server_setting (红绿 thresholds, the hotline token's hash)

Server-only tables: the laptop schema does not change (a hotline case is an ordinary issue whose
first event's payload keeps the work-order number).

Revision ID: s0019_hotline_fleet_assessment
Revises: s0018_console
"""
import sqlalchemy as sa
from alembic import op

revision = "s0019_hotline_fleet_assessment"
down_revision = "s0018_console"
branch_labels = None
depends_on = None

SERVER_INFO = {"side": "server"}


def upgrade() -> None:
    op.create_table(
        "device_report",
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("reported_at", sa.String(length=32), nullable=False),
        sa.Column("app_version", sa.String(length=32), nullable=True),
        sa.Column("schema_version", sa.Integer(), nullable=True),
        sa.Column("pending", sa.BigInteger(), nullable=True),
        sa.Column("checksum_match", sa.Boolean(), nullable=True),
        sa.Column("verified_at", sa.String(length=32), nullable=True),
        sa.Column("conflicts", sa.Integer(), nullable=True),
        sa.Column("rejected", sa.Integer(), nullable=True),
        sa.Column("flagged", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("device_id", name=op.f("pk_device_report")),
        info=SERVER_INFO,
    )
    op.create_table(
        "hotline_order",
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.String(length=32), nullable=False),
        sa.Column("called_at", sa.String(length=32), nullable=False),
        sa.Column("caller_text", sa.Text(), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=True),
        sa.Column("limit_hours", sa.Integer(), nullable=True),
        sa.Column("limit_days", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("community_id", sa.String(length=36), nullable=True),
        sa.Column("issue_id", sa.String(length=36), nullable=True),
        sa.Column("match_reason", sa.String(length=200), nullable=True),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("received_by", sa.String(length=64), nullable=True),
        sa.Column("assigned_at", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("number", name=op.f("pk_hotline_order")),
        info=SERVER_INFO,
    )
    with op.batch_alter_table("hotline_order", schema=None) as batch_op:
        batch_op.create_index("ix_hotline_order_status", ["status"], unique=False)
    op.create_table(
        "server_setting",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_server_setting")),
        info=SERVER_INFO,
    )


def downgrade() -> None:
    op.drop_table("server_setting")
    with op.batch_alter_table("hotline_order", schema=None) as batch_op:
        batch_op.drop_index("ix_hotline_order_status")
    op.drop_table("hotline_order")
    op.drop_table("device_report")
