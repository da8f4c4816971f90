"""Alembic environment for the laptop database (tables with info side in both/client)."""
from gridworker.store.alembic_env import run

run("client")
