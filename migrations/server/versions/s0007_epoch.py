"""server_epoch: the random id of the server's history of change numbers (#20: restores)

A server restored from an older backup gets a new epoch (``gridworker server new-epoch``); laptops
that meet it re-send what the old epoch acknowledged and re-sync (gridworker/sync/epoch.py).

Revision ID: s0007_epoch
Revises: s0006_user_credential
"""
import secrets
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = "s0007_epoch"
down_revision = "s0006_user_credential"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "server_epoch",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("epoch", sa.String(length=32), nullable=False),
        sa.Column("started_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_server_epoch")),
        info={"side": "server"},
    )
    op.bulk_insert(table, [{"id": 1, "epoch": secrets.token_hex(8),
                            "started_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}])


def downgrade() -> None:
    op.drop_table("server_epoch")
