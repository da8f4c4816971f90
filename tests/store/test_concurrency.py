"""One writer at a time: concurrent writers (threads, and two connections as two processes would
have) all succeed, and the outbox numbers stay unique and gap-free."""
from __future__ import annotations

import threading

from gridworker.store.database import Database


def test_concurrent_writers_queue_instead_of_failing(db):
    other = Database.open(db.path, key=db.key)  # a second engine on the same file, like a second process
    errors: list[BaseException] = []

    def work(database: Database, tag: str) -> None:
        try:
            for i in range(25):
                with database.write(database.actor(f"user-{tag}")) as uow:
                    hid = uow.insert("household", {"address": f"并发小区{tag}幢{i}室"})
                    uow.update("household", hid, {"head_name": f"户主{i}"})
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(d, t)) for d, t in
               ((db, "1"), (db, "2"), (other, "3"), (other, "4"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    other.close()
    assert errors == []
    with db.read() as conn:
        seqs = [r[0] for r in conn.exec_driver_sql("SELECT seq FROM outbox ORDER BY seq")]
        households = conn.exec_driver_sql("SELECT count(*) FROM household WHERE address LIKE '并发小区%'").scalar()
    assert households == 100
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))
