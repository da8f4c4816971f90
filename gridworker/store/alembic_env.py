"""The body of both Alembic environments (migrations/client/env.py and migrations/server/env.py)."""
from __future__ import annotations

from alembic import context

from .models import Base


def run(side: str) -> None:
    """Run migrations for ``side`` (``client`` or ``server``): only that side's tables, batch mode
    for SQLite, on the connection the caller passed (or one made from ``sqlalchemy.url``)."""

    def include_object(obj, name, type_, reflected, compare_to):
        if type_ == "table":
            table = obj if not reflected else Base.metadata.tables.get(name)
            if table is None:
                return False
            return table.info.get("side") in ("both", side)
        if type_ == "index" and name and name.startswith("srv_"):
            return False  # server-only indexes on shared tables live in the migrations, not the models
        return True

    def configure(connection) -> None:
        context.configure(connection=connection, target_metadata=Base.metadata,
                          include_object=include_object, render_as_batch=True, compare_type=True)

    config = context.config
    connection = config.attributes.get("connection")
    if connection is not None:
        configure(connection)
        context.run_migrations()
        return
    from sqlalchemy import create_engine  # noqa: PLC0415 - `alembic` run by hand

    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        configure(connection)
        with context.begin_transaction():
            context.run_migrations()
