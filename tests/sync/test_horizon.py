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
