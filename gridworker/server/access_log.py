"""The server's own access log: every full-data pull (a snapshot with unmasked numbers) and every
unmask a laptop reports (its "reveal" audit entries arriving by push). Who, which device, which
community, what and when; written in the caller's transaction."""
from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, text

from ..domain.ids import new_id
from .auth import now_iso

FULL_PULL = "full_pull"
UNMASK = "unmask"


def record(conn: Connection, action: str, *, user_id: str | None, device_id: str | None,
           community_id: str | None, detail: dict[str, Any] | None = None) -> None:
    conn.execute(text("INSERT INTO server_access_log (id, at, action, user_id, device_id, community_id, detail) "
                      "VALUES (:i, :t, :a, :u, :d, :c, :x)"),
                 {"i": new_id(), "t": now_iso(), "a": action, "u": user_id, "d": device_id, "c": community_id,
                  "x": json.dumps(detail or {}, ensure_ascii=False)})


def entries(conn: Connection, limit: int = 1000) -> list[dict]:
    """The newest entries first."""
    rows = conn.execute(text("SELECT * FROM server_access_log ORDER BY at DESC, id DESC LIMIT :n"), {"n": limit})
    return [dict(r) for r in rows.mappings()]
