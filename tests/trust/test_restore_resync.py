"""A laptop restored from a backup syncs without losing or replaying a change (real server, HTTP)."""
from __future__ import annotations

from support.server import COMM_A, reopen, table_rows
from gridworker.store.backups import make_backup, restore
from gridworker.sync.restored import MARKER


def _server(world, table):
    with world.sdb.read() as conn:
        return table_rows(conn, table, COMM_A)


def _local(db, table):
    with db.read() as conn:
        return table_rows(conn, table)


def test_changes_made_after_a_restore_reach_the_server_and_nothing_is_lost(world):
    laptop = world.laptop("a")
    path = laptop.path
    actor = laptop.actor(laptop.get_state("user_id"))
    with laptop.write(actor) as uow:
        h1 = uow.insert("household", {"address": "阳光花园1幢101室", "head_name": "张三"})
    world.engine(laptop).sync()
    backup = make_backup(laptop)

    # After the backup: pushed and acknowledged, so the server knows these change numbers.
    with laptop.write(actor) as uow:
        uow.update("household", h1, {"head_name": "李四"})
        h2 = uow.insert("household", {"address": "阳光花园2幢202室", "head_name": "王五"})
    world.engine(laptop).sync()
    world.laptops.remove(laptop)
    laptop.close()

    # The file is damaged; the backup goes back in place; the user logs in again.
    restore(path, backup, None)
    laptop = reopen(path, laptop)
    world.laptops.append(laptop)
    assert laptop.get_state(MARKER) is not None
    with laptop.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM household WHERE id = ?", (h2,)).scalar() == 0

    # New work after the restore: an edit of the same row the server already changed under the same
    # change number, and a new household under a number the server gave to another row.
    with laptop.write(actor) as uow:
        uow.update("household", h1, {"phone": "13812345678"})
        h3 = uow.insert("household", {"address": "阳光花园3幢303室", "head_name": "赵六"})

    report = world.engine(laptop).sync()
    assert report.rejected == 0
    server = _server(world, "household")
    assert server[h1]["phone"] == "13812345678", "the edit made after the restore was lost"
    assert server[h1]["head_name"] == "李四"
    assert h3 in server and h2 in server
    local = _local(laptop, "household")
    assert local == server  # the changes pushed after the backup came back from the server
    assert world.engine(laptop).verify()["match"]
    assert laptop.get_state(MARKER) is None
    with laptop.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM outbox").scalar() == 0
