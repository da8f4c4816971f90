"""party roster: 网格党支部 secretary, member branch / in-service / pledge / central / leaving fields; local_user.member_id

Revision ID: c0005_party_roster
Revises: c0004_outbox_kept
"""
from alembic import op

revision = "c0005_party_roster"
down_revision = "c0004_outbox_kept"
branch_labels = None
depends_on = None

_MEMBER = (("branch_id", "VARCHAR(36)"), ("workplace", "VARCHAR(100)"), ("reported_on", "VARCHAR(10)"),
           ("pledge", "TEXT"), ("central_reason", "VARCHAR(200)"), ("left_on", "VARCHAR(10)"),
           ("left_reason", "VARCHAR(200)"))


def upgrade() -> None:
    op.execute("ALTER TABLE org_unit ADD COLUMN secretary VARCHAR(50)")
    for name, kind in _MEMBER:
        op.execute(f"ALTER TABLE party_member ADD COLUMN {name} {kind}")
    op.execute("ALTER TABLE local_user ADD COLUMN member_id VARCHAR(36)")


def downgrade() -> None:
    op.execute("ALTER TABLE local_user DROP COLUMN member_id")
    for name, _kind in reversed(_MEMBER):
        op.execute(f"ALTER TABLE party_member DROP COLUMN {name}")
    op.execute("ALTER TABLE org_unit DROP COLUMN secretary")
