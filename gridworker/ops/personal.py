"""个人信息: revealing full phone and ID numbers is an explicit act, recorded before anything shows.

The hash-chained audit log gets who asked, when, what and where; only after that entry is committed
does the caller show the numbers (PIPL; ARCHITECTURE.md §5). A role that may not see them is refused
and nothing is recorded.
"""
from __future__ import annotations

from ..domain import permissions as perm
from ..store.database import Actor, Database
from .base import Done, operation, require_role, unit


@operation("personal.reveal")
def reveal(db: Database, actor: Actor, *, what: list, where: str, table: str | None = None,
           row_id: str | None = None, detail: dict | None = None) -> Done:
    """查看完整号码: record in the audit log that full numbers (``what``: phone, id_number …) were shown.

    ``where``: the screen (household_list, household_page, resident_dialog, cli …); ``table`` and
    ``row_id``: the household or resident, when one; ``detail``: more context (never the number).
    """
    role = require_role(actor)
    perm.check(role, "personal.reveal")
    done = Done()
    with unit(db, actor, done) as uow:
        done.id = uow.audit("reveal", table=table, row_id=row_id,
                            detail={**(detail or {}), "what": list(what), "where": where})
    return done
