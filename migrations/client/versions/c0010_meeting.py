"""议事 records: meeting (mutable) and meeting_item (append-only: decisions, progress, closing)

Revision ID: c0010_meeting
Revises: c0009_community_settings
"""
import sqlalchemy as sa
from alembic import op

revision = "c0010_meeting"
down_revision = "c0009_community_settings"
branch_labels = None
depends_on = None
SERVER = False  # the server pages snapshots by (community_id, id)


def upgrade() -> None:
    op.create_table(
        "meeting",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("held_at", sa.String(length=32), nullable=False),
        sa.Column("place", sa.String(length=100), nullable=True),
        sa.Column("convener", sa.String(length=50), nullable=True),
        sa.Column("attendees", sa.Text(), nullable=False),
        sa.Column("minutes", sa.Text(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("community_id", sa.String(length=36), nullable=False),
        sa.Column("versions", sa.Text(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=True),
        sa.Column("updated_by", sa.String(length=36), nullable=True),
        sa.Column("updated_device", sa.String(length=36), nullable=True),
        sa.Column("hlc", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting")),
        info={"side": "both", "sync": "mutable"},
    )
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_community_id"), ["community_id"], unique=False)
    op.create_table(
        "meeting_item",
        sa.Column("meeting_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("decision_kind", sa.String(length=16), nullable=True),
        sa.Column("item_id", sa.String(length=36), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("owner", sa.String(length=50), nullable=True),
        sa.Column("deadline", sa.String(length=10), nullable=True),
        sa.Column("ballot_id", sa.String(length=36), nullable=True),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("actor_name", sa.String(length=50), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("community_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=True),
        sa.Column("device_id", sa.String(length=36), nullable=True),
        sa.Column("hlc", sa.String(length=64), nullable=True),
        sa.Column("server_seq", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_item")),
        info={"side": "both", "sync": "append"},
    )
    with op.batch_alter_table("meeting_item", schema=None) as batch_op:
        batch_op.create_index("ix_meeting_item_meeting", ["meeting_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_meeting_item_community_id"), ["community_id"], unique=False)
    if SERVER:
        for table in ("meeting", "meeting_item"):
            op.create_index(f"srv_{table}_community_id", table, ["community_id", "id"])


def downgrade() -> None:
    op.drop_table("meeting_item")
    op.drop_table("meeting")
