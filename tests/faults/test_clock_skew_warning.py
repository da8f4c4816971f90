"""A laptop whose clock differs from the server's is told so after a sync (real server over HTTP;
the laptop's clock injected into its transport; the server's time is the HTTP Date of its answers)."""
from __future__ import annotations

import datetime as dt

import pytest

from gridworker.sync.engine import SyncEngine


@pytest.mark.parametrize("skew, words", [(dt.timedelta(hours=2), "本机时钟比服务器快约 120 分钟"),
                                         (dt.timedelta(days=-1), "本机时钟比服务器慢约 1440 分钟"),
                                         (dt.timedelta(seconds=30), None)],
                         ids=["two-hours-ahead", "a-day-behind", "thirty-seconds"])
def test_a_sync_warns_when_the_laptop_clock_is_off(world, skew, words):
    db = world.laptop("a")
    engine = SyncEngine(db)
    engine.transport.now = lambda: dt.datetime.now(dt.timezone.utc) + skew
    report = engine.sync()
    engine.transport.close()
    assert report.clock_skew is not None
    assert abs(report.clock_skew - skew.total_seconds()) < 5
    message = report.clock_message()
    if words is None:
        assert message is None
    else:
        assert words in message
