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


# When something happened, as a person recorded it: the fields the server may confirm (issue #20). A
# laptop whose clock is off has these written by its wrong clock; the server shifts them by the skew
# it measures when the laptop pushes, and the laptop takes the server's value when it pulls.
EVENT_TIMES: dict[str, tuple[str, ...]] = {"visit": ("visited_at",), "issue": ("reported_at",),
                                            "issue_event": ("at",), "vote": ("cast_at",),
                                            "points_ledger": ("at",), "ballot": ("closed_at",),
                                            "meeting": ("held_at",), "meeting_item": ("at",)}
# A laptop clock within this of the server's is taken as right (network delay, a clock a little off).
CLOCK_TRUST = dt.timedelta(minutes=5)
# Sent with every call: the laptop's clock at the moment it asks.
CLOCK_HEADER = "X-Gridworker-Clock"


def parse_moment(value: str | None) -> dt.datetime | None:
    """An ISO moment as an aware datetime (a naive one is Beijing time), or None if it is not one."""
    if not isinstance(value, str) or not value:
        return None
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.timezone(dt.timedelta(hours=8)))


def clock_skew(laptop_clock: str | None, server_now: dt.datetime) -> dt.timedelta | None:
    """How far the laptop's clock is ahead of the server's (negative: behind); None when within
    CLOCK_TRUST or not given."""
    laptop = parse_moment(laptop_clock)
    if laptop is None:
        return None
    skew = laptop - server_now
    return skew if abs(skew) > CLOCK_TRUST else None


def confirm_times(table: str, fields: dict, skew: dt.timedelta | None) -> dict[str, str]:
    """The event times of ``fields`` moved onto the server's clock: {field: confirmed value} for each
    one that changes (same offset and precision as written)."""
    if skew is None:
        return {}
    out = {}
    for name in EVENT_TIMES.get(table, ()):
        value = fields.get(name)
        when = parse_moment(value)
        if when is None:
            continue
        moved = when - skew
        out[name] = moved.isoformat(timespec="microseconds" if moved.microsecond else "seconds")
    return out
