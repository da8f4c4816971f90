"""Issue #20, item 1: the server restored from an older backup loses nothing for good.

Three laptops; a backup; laptop A pushes 60 changes after it and laptop B pulls them; the server is
restored from the backup (SQLite: the database file copied back with SQLite's online backup API while the
server runs; PostgreSQL: every table's rows put back, as a logical dump would) and the admin starts
a new epoch (``gridworker server new-epoch``); laptop C pushes 100 changes. After the laptops sync,
all 160 changes are on the server once and every laptop holds exactly the server's rows.
"""
from __future__ import annotations

from click.testing import CliRunner
from sqlalchemy import inspect

from gridworker.cli import cli
from gridworker.server.models import Base
from gridworker.store.connect import raw_connect
from support.server import COMM_A, table_rows


def _tables(sdb):
    names = set(inspect(sdb.engine).get_table_names())
    return [t for t in Base.metadata.sorted_tables if t.name in names]


def _backup(world):
    if world.sdb.url.startswith("postgresql"):
        with world.sdb.read() as conn:
            return {t.name: [dict(r._mapping) for r in conn.execute(t.select())] for t in _tables(world.sdb)}
    path = world.tmp_path / "backup.db"
    src, dst = raw_connect(world.sdb.sqlite_path, None), raw_connect(path, None)
    src.backup(dst)
    src.close()
    dst.close()
    return path


def _restore(world, backup):
    if isinstance(backup, dict):
        tables = _tables(world.sdb)
        with world.sdb.write() as conn:
            for t in reversed(tables):
                conn.execute(t.delete())
            for t in tables:
                if backup[t.name]:
                    conn.execute(t.insert(), backup[t.name])
        return
    src, dst = raw_connect(backup, None), raw_connect(world.sdb.sqlite_path, None)
    src.backup(dst)
    src.close()
    dst.close()


def _add(db, n, prefix):
    with db.write(db.actor(db.get_state("user_id"))) as uow:
        return [uow.insert("household", {"address": f"{prefix}{i}幢1单元101室"}) for i in range(1, n + 1)]


def _households(conn, community=None):
    return table_rows(conn, "household", community)


def _scenario(world, *, new_epoch: bool):
    a, b, c = world.laptop("a"), world.laptop("b"), world.laptop("c")
    before = _add(a, 10, "旧楼")
    for db in (a, b, c):
        world.engine(db).sync()
    backup = _backup(world)
    lost = _add(a, 60, "花园")
    world.engine(a).sync()
    world.engine(b).sync()
    with b.read() as conn:
        assert set(lost) <= set(_households(conn))
    _restore(world, backup)
    with world.sdb.read() as conn:
        assert not set(lost) & set(_households(conn, COMM_A))  # the restore really lost them
    if new_epoch:
        result = CliRunner().invoke(cli, ["server", "new-epoch", "--db", world.sdb.url, "--json"])
        assert result.exit_code == 0, result.output
    new = _add(c, 100, "新村")
    world.engine(c).sync()
    for _round in range(2):
        for db in (b, a, c):
            world.engine(db).sync()
    with world.sdb.read() as conn:
        server = _households(conn, COMM_A)
        logged = [r[0] for r in conn.exec_driver_sql(
            "SELECT row_id FROM change_log WHERE table_name = 'household' AND op = 'insert'").fetchall()]
    assert set(before) | set(lost) | set(new) == set(server)
    assert len(logged) == len(set(logged)) == 170  # every change once, none doubled
    for db in (a, b, c):
        with db.read() as conn:
            assert _households(conn) == server, db
            assert conn.exec_driver_sql("SELECT count(*) FROM outbox").scalar() == 0
        assert world.engine(db).verify()["match"]


def test_a_restored_server_gets_back_every_change_and_every_laptop_converges(world):
    _scenario(world, new_epoch=True)


def test_a_restore_without_a_new_epoch_is_found_by_the_cursor_ahead(world):
    """The admin forgot ``new-epoch``: a laptop whose cursor is ahead of the server recovers the same way."""
    _scenario(world, new_epoch=False)


def test_a_laptop_cannot_change_the_epoch_with_a_claim_the_server_disproves(world):
    """POST /sync/epoch is a laptop's word: a claim at or below the number the server holds for that
    device, or made in an epoch that is not the current one, changes nothing (over HTTP)."""
    from gridworker.server import epoch
    from gridworker.sync.epoch import server_state

    a = world.laptop("a")
    _add(a, 3, "花园")
    world.engine(a).sync()
    transport = world.engine(a).transport
    now, last = server_state(transport)
    assert now and last >= 3
    for claim in ({"seen": now, "acked_through": last}, {"seen": "0" * 16, "acked_through": last + 50}):
        assert transport.call("POST", "/sync/epoch", body=claim)["epoch"] == now
    with world.sdb.read() as conn:
        assert epoch.current(conn) == now
    # The same laptop, once the server has really lost its numbers, changes it (once).
    with world.sdb.write() as conn:
        conn.exec_driver_sql("UPDATE device SET last_seq = 0")
    changed = transport.call("POST", "/sync/epoch", body={"seen": now, "acked_through": last})["epoch"]
    assert changed != now
    assert transport.call("POST", "/sync/epoch", body={"seen": now, "acked_through": last})["epoch"] == changed
