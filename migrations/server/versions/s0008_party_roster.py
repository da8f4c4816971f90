"""party roster: 网格党支部 secretary; member branch / in-service / pledge / central / leaving fields

Revision ID: s0008_party_roster
Revises: s0007_epoch
"""
import sqlalchemy as sa
from alembic import op

revision = "s0008_party_roster"
down_revision = "s0007_epoch"
branch_labels = None
depends_on = None

_MEMBER = (("branch_id", sa.String(36)), ("workplace", sa.String(100)), ("reported_on", sa.String(10)),
           ("pledge", sa.Text()), ("central_reason", sa.String(200)), ("left_on", sa.String(10)),
           ("left_reason", sa.String(200)))


def upgrade() -> None:
    with op.batch_alter_table("org_unit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("secretary", sa.String(length=50), nullable=True))
    with op.batch_alter_table("party_member", schema=None) as batch_op:
        for name, kind in _MEMBER:
            batch_op.add_column(sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("party_member", schema=None) as batch_op:
        for name, _kind in reversed(_MEMBER):
            batch_op.drop_column(name)
    with op.batch_alter_table("org_unit", schema=None) as batch_op:
        batch_op.drop_column("secretary")
