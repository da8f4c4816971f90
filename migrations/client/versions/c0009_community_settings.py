"""community settings: org_unit.settings (holiday calendar, visit intervals, case time limits as JSON)

Revision ID: c0009_community_settings
Revises: c0005_party_roster
"""
from alembic import op

revision = "c0009_community_settings"
down_revision = "c0005_party_roster"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE org_unit ADD COLUMN settings TEXT")


def downgrade() -> None:
    op.execute("ALTER TABLE org_unit DROP COLUMN settings")
