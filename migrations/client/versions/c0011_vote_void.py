"""a paper vote can be cleared: vote.option_id may be empty (a void with no new choice)

Revision ID: c0011_vote_void
Revises: c0010_meeting
"""
import sqlalchemy as sa
from alembic import op

revision = "c0011_vote_void"
down_revision = "c0010_meeting"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("vote", schema=None) as batch_op:
        batch_op.alter_column("option_id", existing_type=sa.String(length=36), nullable=True)


def downgrade() -> None:
    with op.batch_alter_table("vote", schema=None) as batch_op:
        batch_op.alter_column("option_id", existing_type=sa.String(length=36), nullable=False)
