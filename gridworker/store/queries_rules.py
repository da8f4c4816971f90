"""The community's working rules as the laptop counts with them (domain/community_rules.py):
the shipped holiday calendar merged with the community's own 社区设置 (its org_unit row's
``settings``)."""
from __future__ import annotations

from typing import Any

from ..domain import community_rules
from .search_index import raw


def settings_text(conn: Any, community_id: str | None = None) -> str | None:
    """The community row's settings JSON text (None when never set).

    ``conn``: a SQLAlchemy Connection or a sqlite3 connection. A laptop holds one community; the
    server names the one it wants.
    """
    c = raw(conn)
    if community_id is not None:
        row = c.execute("SELECT settings FROM org_unit WHERE id = ?", (community_id,)).fetchone()
    else:
        row = c.execute("SELECT settings FROM org_unit WHERE level = 'community' AND deleted = 0"
                        " ORDER BY id = community_id DESC LIMIT 1").fetchone()
    return row[0] if row else None


def community_id(conn: Any) -> str | None:
    row = raw(conn).execute("SELECT id FROM org_unit WHERE level = 'community' AND deleted = 0"
                            " ORDER BY id = community_id DESC LIMIT 1").fetchone()
    return row[0] if row else None


def rules(conn: Any, community_id: str | None = None) -> community_rules.Rules:
    return community_rules.rules_of(settings_text(conn, community_id))
