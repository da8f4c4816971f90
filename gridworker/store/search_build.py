"""A first sync's search index, derived by a second process while the snapshot still streams in.

A first sync writes the community's rows page by page and then needs their search index; deriving
it (names into pinyin and suffixes, phones and ID numbers reversed …) took as long as a third of
the snapshot, with the laptop's second core idle. The rows the index is made of come first in a
snapshot (households, residents, party members and their contact links lead ``SYNC_ORDER``), so
once those pages are committed a child process reads them from the store and derives the whole
index except the last visits into a build file of its own, encrypted with the store's key, while
this process writes the visits, votes and the rest. At the end :func:`.search_index.adopt` copies
it in and adds the last visits, the address index and the secondary indexes.

The index is the same either way: whenever the build cannot be trusted (the child failed or
died, indexed rows were written after it read: a pulled page of those tables, a change someone
made on this laptop meanwhile) the caller rebuilds here as before (:func:`.search_index.rebuild`).
The build file never outlives the sync (a killed sync leaves one behind: the next build, or
:func:`remove`, deletes it); it holds personal data, so it is never written unencrypted.

The child is spawned (not forked): the same on Windows, Linux and the frozen app
(``multiprocessing.freeze_support`` in ``build_spec/entry.py``). It exits when this process goes.
"""
from __future__ import annotations

import logging
import multiprocessing
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

# The tables the index is made of (beside visits, which adopt() reads itself).
SOURCES = ("household", "resident", "party_member", "contact_link")
BUILT = ("search_household", "search_ref", "search_key")


def build_path(db_path: Path) -> Path:
    return Path(db_path).with_name(Path(db_path).name + ".index-build")


def remove(db_path: Path) -> None:
    """Delete a build file (and its journal) left beside the store, if any."""
    path = build_path(db_path)
    for p in (path, path.with_name(path.name + "-journal")):
        try:
            p.unlink()
        except FileNotFoundError:
            pass
        except OSError:
            log.warning("could not remove %s", p, exc_info=True)


class IndexBuild:
    """One child process that builds the index of the store at ``db_path`` when told to.

    ``start()`` early (the child imports while the first pages arrive); ``go()`` once the source
    tables are committed; ``result()`` at the end: the build file, or None (rebuild here);
    ``close()`` always.
    """

    def __init__(self, db_path: Path, key: bytes | None) -> None:
        self.db_path = Path(db_path)
        self.key = key
        self.path = build_path(self.db_path)
        self.started = False
        self.spoiled = ""  # why the build cannot be used, once something says so
        self.outbox_mark: int | None = None  # local.outbox_mark when the child was told to read
        self._proc: Any = None
        self._pipe: Any = None

    def start(self) -> IndexBuild:
        remove(self.db_path)
        ctx = multiprocessing.get_context("spawn")
        self._pipe, theirs = ctx.Pipe()
        self._proc = ctx.Process(target=_child, args=(theirs,), daemon=True, name="gridworker-index-build")
        self._proc.start()
        theirs.close()
        return self

    def go(self, outbox_mark: int) -> None:
        """The source tables are committed and stay as they are: build now. ``outbox_mark``
        (:func:`.local.outbox_mark`): :meth:`usable` compares it, a change made here since spoils it."""
        if self._proc is None or self.started:
            return
        self.outbox_mark = outbox_mark
        self._pipe.send((str(self.db_path), self.key, str(self.path)))
        self.started = True

    def spoil(self, why: str) -> None:
        if not self.spoiled:
            self.spoiled = why

    def result(self, conn: Any) -> Path | None:
        """Wait for the child; its build file, or None when it failed or cannot be used. ``conn``
        (the transaction that will adopt it): a change made on this laptop since :meth:`go` (an
        outbox entry) may have touched what the child read."""
        from .local import outbox_mark  # noqa: PLC0415

        if self.started and not self.spoiled and outbox_mark(conn) != self.outbox_mark:
            self.spoil("a change was made on this laptop while it read")
        if not self.started or self.spoiled:
            if self.spoiled:
                log.info("search index built here instead: %s", self.spoiled)
            return None
        while True:
            if self._pipe.poll(0.05):
                try:
                    status, detail = self._pipe.recv()
                except (EOFError, OSError):
                    status, detail = "error", "the index process went away"
                break
            if not self._proc.is_alive():
                status, detail = "error", f"the index process ended ({self._proc.exitcode})"
                break
        if status != "done":
            self.spoil(detail)
            log.warning("search index built here instead: %s", detail)
            return None
        return self.path

    def close(self) -> None:
        if self._proc is not None:
            try:
                self._pipe.close()
            except OSError:
                pass
            self._proc.join(timeout=2)
            if self._proc.is_alive():
                self._proc.terminate()
                self._proc.join(timeout=5)
            self._proc = None
        remove(self.db_path)


def _child(pipe: Any) -> None:
    """The child process: wait for the go, build, say how it went. Leaves when the parent does."""
    try:
        job = pipe.recv()
    except (EOFError, OSError):
        return  # the sync ended (or this process's parent did) before the sources were in
    try:
        n = build(*job)
    except BaseException as exc:  # noqa: BLE001 - any failure means "rebuild there"
        try:
            pipe.send(("error", f"{type(exc).__name__}: {exc}"))
        except OSError:
            pass
        return
    try:
        pipe.send(("done", n))
    except OSError:
        pass


def build(db_path: str, key: bytes | None, out: str) -> int:
    """Fill a new build file ``out`` with the index of the store at ``db_path``; returns the households."""
    from .connect import apply_key, driver  # noqa: PLC0415
    from .search_index import build_into  # noqa: PLC0415

    for p in (Path(out), Path(out + "-journal")):
        if p.exists():
            p.unlink()
    c = driver.connect(out, isolation_level=None, check_same_thread=False)
    try:
        apply_key(c, key)
        # A scratch file: no journal, no syncs (a crash just means it is not used).
        c.execute("PRAGMA journal_mode=OFF")
        c.execute("PRAGMA synchronous=OFF")
        c.execute("PRAGMA temp_store=MEMORY")
        c.execute("ATTACH DATABASE ? AS src KEY " + (f"\"x'{key.hex()}'\"" if key is not None else "''"),
                  (db_path,))
        marks = ",".join("?" * len(BUILT))
        for (sql,) in c.execute(f"SELECT sql FROM src.sqlite_master WHERE type = 'table' AND name IN ({marks})",
                                BUILT).fetchall():
            c.execute(sql)
        # One read transaction over the sources (and the writes here): one consistent state.
        c.execute("BEGIN")
        n = build_into(c)
        c.execute("COMMIT")
        c.execute("DETACH DATABASE src")
        return n
    finally:
        c.close()
