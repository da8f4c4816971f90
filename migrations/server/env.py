"""Alembic environment for the server database (tables with info side in both/server)."""
from alembic import context

from gridworker.store.models import Base
import gridworker.server.models  # noqa: F401  (registers the server-only tables)

SIDE = "server"


def include_object(obj, name, type_, reflected, compare_to):
    if type_ == "table":
        table = obj if not reflected else Base.metadata.tables.get(name)
        if table is None:
            return False
        return table.info.get("side") in ("both", SIDE)
    if type_ == "index" and name and name.startswith("srv_"):
        return False  # server-only indexes on shared tables live in the migrations, not the models
    return True


def run() -> None:
    config = context.config
    connection = config.attributes.get("connection")
    if connection is None:  # `alembic` run by hand: build a connection from the URL
        from sqlalchemy import create_engine

        engine = create_engine(config.get_main_option("sqlalchemy.url"))
        with engine.connect() as connection:
            _configure(connection)
            with context.begin_transaction():
                context.run_migrations()
        return
    _configure(connection)
    context.run_migrations()


def _configure(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        include_object=include_object,
        render_as_batch=True,
        compare_type=True,
    )


run()
