"""The horizon: after old changes and tombstones are pruned, a laptop that is current drops the
purged tombstones, and one whose cursor is older re-syncs from a snapshot; both equal the server."""
from __future__ import annotations

from click.testing import CliRunner

from gridworker.cli import cli
from support.server import COMM_A, table_rows
from gridworker.store.tables import SYNC_ORDER


def _all(conn, community=None):
    return {t: table_rows(conn, t, community) for t in SYNC_ORDER}


def test_laptops_on_both_sides_of_the_horizon_end_equal_to_the_server(world):
    current, behind = world.laptop("current"), world.laptop("behind")
    with current.write(current.actor(current.get_state("user_id"))) as uow:
        ids = [uow.insert("household", {"address": f"花园{i}幢1单元101室"}) for i in range(1, 6)]
    world.engine(current).sync()
    world.engine(behind).sync()
    with current.write(current.actor(current.get_state("user_id"))) as uow:
        uow.delete("household", ids[0])
        uow.update("household", ids[1], {"notes": "改过"})
    world.engine(current).sync()
    with behind.write(behind.actor(behind.get_state("user_id"))) as uow:  # an unsent edit made before the horizon moved
        uow.update("household", ids[2], {"head_name": "落后的修改"})
    result = CliRunner().invoke(cli, ["server", "prune", "--db", world.sdb.url, "--days", "-1", "--json"])
    assert result.exit_code == 0, result.output
    assert '"purged_tombstones": 1' in result.output
    world.engine(current).sync()
    report = world.engine(behind).sync()
    assert report.snapshot and report.rejected == 0
    world.engine(current).sync()
    with world.sdb.read() as srv:
        server = _all(srv, COMM_A)
    assert ids[0] not in server["household"]
    assert server["household"][ids[2]]["head_name"] == "落后的修改"
    for db in (current, behind):
        with db.read() as conn:
            assert _all(conn) == server
        assert world.engine(db).verify()["match"]


def test_a_laptop_a_year_behind_does_not_move_the_horizon(world):
    """Issue #20: change_log.at was the laptop's own clock, so one edit from a laptop a year behind
    made the whole day's log "older than 180 days": prune cut it and every current laptop had to
    re-download a snapshot. The time of a change is now the server's."""
    skewed, current = world.laptop("skewed"), world.laptop("current")
    with current.write(current.actor(current.get_state("user_id"))) as uow:
        hid = uow.insert("household", {"address": "花园1幢1单元101室"})
    world.engine(current).sync()
    with skewed.write(skewed.actor(skewed.get_state("user_id"))) as uow:
        uow.insert("household", {"address": "花园2幢1单元101室"})
    # The laptop's clock is a year behind: its entry says so (the signature covers the time).
    from gridworker.store import local

    with skewed.sync_transaction() as conn:
        conn.exec_driver_sql("UPDATE outbox SET created_at = '2025-12-01T09:00:00+08:00', sig = 'legacy'")
        local.sign_pending(conn, skewed.get_state("user_id"), skewed.credential_of(skewed.get_state("user_id")))
    assert world.engine(skewed).sync().rejected == 0
    result = CliRunner().invoke(cli, ["server", "prune", "--db", world.sdb.url, "--json"])  # 180 days
    assert result.exit_code == 0, result.output
    assert '"pruned_changes": 0' in result.output and '"horizon": null' in result.output
    with current.write(current.actor(current.get_state("user_id"))) as uow:
        uow.update("household", hid, {"notes": "今天"})
    report = world.engine(current).sync()
    assert not report.snapshot and report.pulled >= 1
    with world.sdb.read() as conn:
        ats = [r[0] for r in conn.exec_driver_sql("SELECT at FROM change_log").fetchall()]
    assert all(a >= "2026" for a in ats), ats
