"""issue_event_received: the server's own time of receipt of each issue event, for the assessment
(#16), filled for events already held from the change log's times

Revision ID: s0020_issue_event_received
Revises: s0019_hotline_fleet_assessment
"""
import sqlalchemy as sa
from alembic import op

revision = "s0020_issue_event_received"
down_revision = "s0019_hotline_fleet_assessment"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "issue_event_received",
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("issue_id", sa.String(length=36), nullable=False),
        sa.Column("community_id", sa.String(length=36), nullable=False),
        sa.Column("received_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_issue_event_received")),
        info={"side": "server"},
    )
    with op.batch_alter_table("issue_event_received", schema=None) as batch_op:
        batch_op.create_index("ix_issue_event_received_issue", ["issue_id"], unique=False)
        batch_op.create_index("ix_issue_event_received_at", ["received_at"], unique=False)
    # Events received before: the change log's time where it still holds them, else their own.
    op.execute("INSERT INTO issue_event_received (event_id, issue_id, community_id, received_at) "
               "SELECT e.id, e.issue_id, e.community_id, COALESCE(MIN(c.at), e.created_at) FROM issue_event e "
               "LEFT JOIN change_log c ON c.table_name = 'issue_event' AND c.row_id = e.id "
               "GROUP BY e.id, e.issue_id, e.community_id, e.created_at")


def downgrade() -> None:
    with op.batch_alter_table("issue_event_received", schema=None) as batch_op:
        batch_op.drop_index("ix_issue_event_received_at")
        batch_op.drop_index("ix_issue_event_received_issue")
    op.drop_table("issue_event_received")
