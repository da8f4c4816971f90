"""Alembic environment for the server database (tables with info side in both/server)."""
import gridworker.server.models  # noqa: F401  (registers the server-only tables)
from gridworker.store.alembic_env import run

run("server")
