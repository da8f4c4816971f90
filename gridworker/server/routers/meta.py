"""GET /health: liveness and the version window, for monitors and for a laptop before enrolling."""
from __future__ import annotations

from fastapi import APIRouter

from ...sync import wire

router = APIRouter(prefix=wire.API, tags=["meta"])


@router.get("/health")
def health() -> dict:
    """Liveness and the versions this server accepts."""
    return {"ok": True, "protocol": [wire.MIN_PROTOCOL_VERSION, wire.PROTOCOL_VERSION],
            "schema": [wire.MIN_SCHEMA_VERSION, wire.SCHEMA_VERSION]}
