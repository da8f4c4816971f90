"""community settings: org_unit.settings (holiday calendar, visit intervals, case time limits as JSON)

Revision ID: s0014_community_settings
Revises: s0008_party_roster
"""
import sqlalchemy as sa
from alembic import op

revision = "s0014_community_settings"
down_revision = "s0008_party_roster"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("org_unit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("settings", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("org_unit", schema=None) as batch_op:
        batch_op.drop_column("settings")
