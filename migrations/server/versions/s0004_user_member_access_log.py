"""users linked to their party member record; the server's access log

``server_user.party_member_id``: the ``party_member`` row a party-member user is (set by
``server add-user --party-member ID``, or matched by display name within the community at
enrolment); a party member's device is sent only that member's 1+10+N circle (server/shape.py).
``server_access_log``: who pulled the full (unmasked) data of a community, and which unmasks
("reveal" audit entries) laptops reported (server/access_log.py).

Revision ID: s0004_user_member_access_log
Revises: s0003_export_key
"""
import sqlalchemy as sa
from alembic import op

revision = "s0004_user_member_access_log"
down_revision = "s0003_export_key"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("server_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("party_member_id", sa.String(length=36), nullable=True))
    op.create_table(
        "server_access_log",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("action", sa.String(length=24), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=True),
        sa.Column("device_id", sa.String(length=36), nullable=True),
        sa.Column("community_id", sa.String(length=36), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_server_access_log")),
        info={"side": "server"},
    )
    with op.batch_alter_table("server_access_log", schema=None) as batch_op:
        batch_op.create_index("ix_server_access_log_at", ["at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("server_access_log", schema=None) as batch_op:
        batch_op.drop_index("ix_server_access_log_at")
    op.drop_table("server_access_log")
    with op.batch_alter_table("server_user", schema=None) as batch_op:
        batch_op.drop_column("party_member_id")
