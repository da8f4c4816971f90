"""The operations a person does, as plain functions the app, the CLI and the tests share.

Each takes the laptop database and an :class:`~gridworker.store.database.Actor` (the logged-in
user with their role), checks the permission table (domain/permissions.py), writes through one
unit of work and returns a :class:`~gridworker.ops.base.Done`. Nothing here imports Qt.

    from gridworker import ops
    done = ops.visits.log(db, actor, household_id=hid, mode="door", summary="老人身体好")

``ops.OPERATIONS`` lists every operation by name (``visit.log``) for ``gridworker op``.
"""
from __future__ import annotations

from . import (ballots, community, contacts, households, issues, meetings, party, personal, review, service, users,
               visits)
from .base import OPERATIONS, Done, Operation, operation, run

__all__ = ["Done", "OPERATIONS", "Operation", "ballots", "contacts", "households", "issues", "operation", "party", "personal",
           "review", "run", "service", "users", "visits"]
