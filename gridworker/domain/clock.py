"""The wall clock, read in one way.

``now()`` is this moment as an aware datetime in the laptop's time zone; ``now_iso()`` is how the
laptop stores a moment in its rows (to the second, with the UTC offset). ``utc_now_iso()`` is the
same moment written in UTC, for files and records read on other machines (the key file). Causal
order between devices is :mod:`.hlc`'s job, not this module's.
"""
from __future__ import annotations

import datetime as dt


def now() -> dt.datetime:
    return dt.datetime.now().astimezone()


def now_iso() -> str:
    return now().isoformat(timespec="seconds")


def utc_now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
