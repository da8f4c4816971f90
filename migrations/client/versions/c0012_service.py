"""三报到三服务: service teams, needs and records (mutable); points_ledger.record_id (the approved
record an earn is for); household.civility_stars / civility_year and
ballot_option.household_id (星级文明户: a nominee, and the selection's result)

Revision ID: c0012_service
Revises: c0011_vote_void
"""
import sqlalchemy as sa
from alembic import op

revision = "c0012_service"
down_revision = "c0011_vote_void"
branch_labels = None
depends_on = None
SERVER = False  # the server pages snapshots by (community_id, id)
TABLES = ("service_team", "service_need", "service_record")


def upgrade() -> None:
    op.create_table(
        "service_team",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("leader_member_id", sa.String(length=36), nullable=True),
        sa.Column("members", sa.Text(), nullable=False),
        sa.Column("households", sa.Text(), nullable=False),
        sa.Column("focus", sa.String(length=100), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("community_id", sa.String(length=36), nullable=False),
        sa.Column("versions", sa.Text(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=True),
        sa.Column("updated_by", sa.String(length=36), nullable=True),
        sa.Column("updated_device", sa.String(length=36), nullable=True),
        sa.Column("hlc", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_team")),
        info={"side": "both", "sync": "mutable"},
    )
    with op.batch_alter_table("service_team", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_service_team_community_id"), ["community_id"], unique=False)
    op.create_table(
        "service_need",
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("place", sa.String(length=100), nullable=True),
        sa.Column("starts_at", sa.String(length=32), nullable=True),
        sa.Column("people_wanted", sa.Integer(), nullable=True),
        sa.Column("skills", sa.String(length=200), nullable=True),
        sa.Column("household_id", sa.String(length=36), nullable=True),
        sa.Column("visit_id", sa.String(length=36), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("claimed_member_id", sa.String(length=36), nullable=True),
        sa.Column("claimed_team_id", sa.String(length=36), nullable=True),
        sa.Column("claimed_at", sa.String(length=32), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("community_id", sa.String(length=36), nullable=False),
        sa.Column("versions", sa.Text(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=True),
        sa.Column("updated_by", sa.String(length=36), nullable=True),
        sa.Column("updated_device", sa.String(length=36), nullable=True),
        sa.Column("hlc", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_need")),
        info={"side": "both", "sync": "mutable"},
    )
    with op.batch_alter_table("service_need", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_service_need_community_id"), ["community_id"], unique=False)
    op.create_table(
        "service_record",
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("served_on", sa.String(length=10), nullable=False),
        sa.Column("hours", sa.String(length=16), nullable=False),
        sa.Column("households_served", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.String(length=36), nullable=True),
        sa.Column("need_id", sa.String(length=36), nullable=True),
        sa.Column("activity", sa.String(length=200), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("entered_from", sa.String(length=16), nullable=True),
        sa.Column("approval", sa.String(length=16), nullable=True),
        sa.Column("approved_by", sa.String(length=50), nullable=True),
        sa.Column("approved_at", sa.String(length=32), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("community_id", sa.String(length=36), nullable=False),
        sa.Column("versions", sa.Text(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=True),
        sa.Column("updated_by", sa.String(length=36), nullable=True),
        sa.Column("updated_device", sa.String(length=36), nullable=True),
        sa.Column("hlc", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_record")),
        info={"side": "both", "sync": "mutable"},
    )
    with op.batch_alter_table("service_record", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_service_record_community_id"), ["community_id"], unique=False)
        batch_op.create_index("ix_service_record_member", ["member_id"], unique=False)
    with op.batch_alter_table("points_ledger", schema=None) as batch_op:
        batch_op.add_column(sa.Column("record_id", sa.String(length=36), nullable=True))
    with op.batch_alter_table("ballot_option", schema=None) as batch_op:
        batch_op.add_column(sa.Column("household_id", sa.String(length=36), nullable=True))
    with op.batch_alter_table("household", schema=None) as batch_op:
        batch_op.add_column(sa.Column("civility_stars", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("civility_year", sa.Integer(), nullable=True))
    if SERVER:
        for table in TABLES:
            op.create_index(f"srv_{table}_community_id", table, ["community_id", "id"])
        op.create_index("srv_points_ledger_record", "points_ledger", ["record_id"])


def downgrade() -> None:
    with op.batch_alter_table("household", schema=None) as batch_op:
        batch_op.drop_column("civility_year")
        batch_op.drop_column("civility_stars")
    with op.batch_alter_table("ballot_option", schema=None) as batch_op:
        batch_op.drop_column("household_id")
    if SERVER:
        op.drop_index("srv_points_ledger_record", "points_ledger")
    with op.batch_alter_table("points_ledger", schema=None) as batch_op:
        batch_op.drop_column("record_id")
    for table in reversed(TABLES):
        op.drop_table(table)
