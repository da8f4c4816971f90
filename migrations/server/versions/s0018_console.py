"""the city console (#16): department accounts, the departments per level, console sessions

Revision ID: s0018_console
Revises: s0017_service
"""
import uuid

import sqlalchemy as sa
from alembic import op

revision = "s0018_console"
down_revision = "s0017_service"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("server_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("department", sa.String(length=100), nullable=True))
    op.create_table(
        "console_department",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_console_department")),
        sa.UniqueConstraint("level", "name", name=op.f("uq_console_department_level")),
        info={"side": "server"},
    )
    # The departments per level a case may be dispatched to (admins edit the list in the console).
    defaults = {
        "street": ("街道城管中队", "街道综合执法局", "街道社会事业局", "街道安监办", "市场监管所", "派出所"),
        "district": ("区城市管理局", "区市场监督管理局", "区住房和城乡建设局", "区生态环境局", "区公安分局"),
        "city": ("市城市管理局", "市市场监督管理局", "市住房和城乡建设局", "市水务集团", "市公安局"),
    }
    table = sa.table("console_department", sa.column("id", sa.String), sa.column("level", sa.String),
                     sa.column("name", sa.String), sa.column("position", sa.Integer), sa.column("active", sa.Boolean))
    op.bulk_insert(table, [{"id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"gridworker/department/{level}/{name}")),
                            "level": level, "name": name, "position": i, "active": True}
                           for level, names in defaults.items() for i, name in enumerate(names)])
    op.create_table(
        "console_session",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("csrf", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("expires_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_console_session")),
        info={"side": "server"},
    )
    with op.batch_alter_table("console_session", schema=None) as batch_op:
        batch_op.create_index("ix_console_session_user", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_table("console_session")
    op.drop_table("console_department")
    with op.batch_alter_table("server_user", schema=None) as batch_op:
        batch_op.drop_column("department")
