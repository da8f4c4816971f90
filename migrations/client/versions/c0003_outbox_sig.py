"""outbox.sig: each entry's author signature (users act, not devices)

Revision ID: c0003_outbox_sig
Revises: c0002_search
Create Date: 2026-12-05 09:20:00

Entries written before this revision are marked ``legacy``: each is signed when its author next logs
in online and gets their credential (gridworker.store.local.sign_pending); until then it waits.
"""
from alembic import op


revision = "c0003_outbox_sig"
down_revision = "c0002_search"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE outbox ADD COLUMN sig VARCHAR(64)")
    op.execute("UPDATE outbox SET sig = 'legacy'")


def downgrade() -> None:
    op.execute("ALTER TABLE outbox DROP COLUMN sig")
