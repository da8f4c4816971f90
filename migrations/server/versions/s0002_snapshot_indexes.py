"""server-only (community_id, id) indexes for snapshot paging

A snapshot pages through one community's rows in id order (``community_id = ? AND id > ?
ORDER BY id``). Without a composite index each page sorts the community's remaining rows, so a
100,000-household first sync grew quadratically. Laptops hold one community and do not need them,
so they are not in the shared models (the server env ignores ``srv_*`` indexes in autogenerate).

Revision ID: s0002_snapshot_indexes
Revises: s0001_initial
"""
from alembic import op

revision = "s0002_snapshot_indexes"
down_revision = "s0001_initial"
branch_labels = None
depends_on = None

TABLES = ("org_unit", "building", "household", "resident", "party_member", "contact_link", "ballot",
          "ballot_option", "issue", "visit", "vote", "issue_event", "points_ledger", "audit_log")


def upgrade() -> None:
    for table in TABLES:
        op.create_index(f"srv_{table}_community_id", table, ["community_id", "id"])


def downgrade() -> None:
    for table in TABLES:
        op.drop_index(f"srv_{table}_community_id", table_name=table)
