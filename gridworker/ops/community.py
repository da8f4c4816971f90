"""社区设置: the community admin's working rules (holiday calendar, visit intervals, case time limits).

They are one JSON text on the community's own org_unit row, so they sync to every laptop of the
community and to the server like any other change (domain/community_rules.py says what they hold).
"""
from __future__ import annotations

import json
from typing import Any

from ..domain import community_rules
from ..domain import permissions as perm
from ..domain.errors import ValidationError
from ..store import queries_rules
from ..store.database import Actor, Database
from .base import Done, operation, require_role, unit


@operation("community.settings")
def settings(db: Database, actor: Actor) -> Done:
    """本社区的设置（节假日、调休上班日、走访间隔、事项时限）: answers, writes nothing.

    ``value``: ``{"settings": the community's own, "official_years": shipped calendar years,
    "visit_intervals": in force, "time_limits": in force}``.
    """
    require_role(actor)
    with db.read() as conn:
        own = community_rules.parse(queries_rules.settings_text(conn))
        rules = queries_rules.rules(conn)
        cid = queries_rules.community_id(conn)
    return Done(id=cid, value={"settings": own, "official_years": sorted(community_rules.OFFICIAL),
                               "visit_intervals": dict(rules.visit_intervals),
                               "time_limits": dict(rules.time_limits)})


@operation("community.set_settings")
def set_settings(db: Database, actor: Actor, *, settings: Any) -> Done:
    """修改社区设置 (社区管理员): the whole new settings as JSON; {} returns to the shipped defaults.

    e.g. ``{"holidays": ["2027-02-06"], "workdays": ["2027-02-20"], "visit_intervals": {"key": 15}}``."""
    perm.check(require_role(actor), "community.settings")
    text = settings if isinstance(settings, str) else json.dumps(settings, ensure_ascii=False)
    clean = community_rules.dumps(community_rules.parse(text))  # refuses with the reason, before any write
    with db.read() as conn:
        cid = queries_rules.community_id(conn)
    if cid is None:
        raise ValidationError("settings", None, "no_community", "本机还没有社区数据，请先同步")
    done = Done(id=cid)
    with unit(db, actor, done) as uow:
        uow.update("org_unit", cid, {"settings": clean})
    return done
