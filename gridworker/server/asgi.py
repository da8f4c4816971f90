"""An app factory for running the server under uvicorn's own process manager.

    GRIDWORKER_SERVER_DB=postgresql+psycopg://... uvicorn --factory gridworker.server.asgi:app --workers 2

Each worker process builds its own app (and engine) over the database named by the
``GRIDWORKER_SERVER_DB`` environment variable. Several workers need PostgreSQL or one SQLite file:
every write is ordered by database locks (the community counter row), never by process memory.
Migrate once before starting several workers (``gridworker server init --db URL``): each worker
also upgrades on start, which is a no-op at head but could race on an empty database.
"""
from __future__ import annotations

import os

from fastapi import FastAPI

from .app import create_app

ENV = "GRIDWORKER_SERVER_DB"


def app() -> FastAPI:
    """The server app over ``$GRIDWORKER_SERVER_DB`` (for ``uvicorn --factory``)."""
    url = os.environ.get(ENV)
    if not url:
        raise RuntimeError(f"set {ENV} to the server database URL or path")
    return create_app(url)
