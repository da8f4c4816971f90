"""``gridworker --self-check``: prove an installed (or built) program has everything it needs.

    from gridworker.selfcheck import run
    code = run()                  # prints one line per check; 0 when all passed

Checks, in order: the bundled resources are found through :mod:`gridworker.paths` (Alembic trees,
``.qm`` translations, icons); the libraries a frozen build most often misses load and work (Argon2,
pypinyin's data, psycopg's binary libpq, openpyxl, the embedded sync server under uvicorn); a fresh
data folder in a temporary directory is created and migrated to head and takes a write; then, unless
``ui=False``, :mod:`gridworker.ui.selfcheck_window` loads translations and builds the first-run
screen and the main window offscreen on that database. Nothing outside the temporary directory is
touched (no user settings, no user data). This module does not import Qt; the UI part is imported
only when asked for.
"""
from __future__ import annotations

import logging
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Iterator

from . import __version__
from .checks import Check, guard
from .paths import install_root, migrations_dir, resources_dir

LANGUAGES = ("zh_CN", "en")
log = logging.getLogger(__name__)


# ---------------------------------------------------------------------- resources
def check_resources() -> list[Check]:
    """The files the program reads at run time, found where :mod:`gridworker.paths` says they are."""
    checks = [Check("install root", install_root().is_dir(), str(install_root()))]
    for side in ("client", "server"):
        checks.append(guard(f"migrations/{side}", lambda side=side: _migration_tree(side)))
    i18n = resources_dir() / "i18n"
    for lang in LANGUAGES:
        qm = i18n / f"gridworker_{lang}.qm"
        ok = qm.is_file() and qm.stat().st_size > 0
        checks.append(Check(f"translation {lang}", ok, str(qm) if ok else f"missing {qm}"))
    icons = resources_dir() / "icons"
    if icons.is_dir():
        files = [p for p in icons.rglob("*") if p.is_file()]
        checks.append(Check("icons", bool(files), f"{len(files)} files in {icons}"))
    else:  # the app draws no icons of its own yet; say so rather than pass silently
        checks.append(Check("icons", True, f"none shipped ({icons} absent)", warn=True))
    return checks


def _migration_tree(side: str) -> str:
    from .store.migrate import head_revision  # noqa: PLC0415

    folder = migrations_dir(side)
    for name in ("env.py", "script.py.mako"):
        if not (folder / name).is_file():
            raise FileNotFoundError(folder / name)
    scripts = sorted(p.name for p in (folder / "versions").glob("*.py"))
    if not scripts:
        raise FileNotFoundError(f"no migration scripts in {folder / 'versions'}")
    return f"{len(scripts)} scripts, head {head_revision(side)}"


# ---------------------------------------------------------------------- libraries
def check_libraries(workdir: Path) -> list[Check]:
    """Libraries with data files, C extensions or dynamic imports: what a frozen build drops first."""
    return [
        guard("argon2 (offline login)", _argon2),
        guard("pypinyin (name search)", _pinyin),
        guard("openpyxl (Excel ledgers)", _openpyxl),
        guard("psycopg (PostgreSQL server)", _psycopg),
        guard("embedded sync server (demo)", lambda: _embedded_server(workdir / "server.db")),
    ]


def _argon2() -> str:
    from argon2 import PasswordHasher  # noqa: PLC0415

    ph = PasswordHasher(time_cost=1, memory_cost=1024)  # cheap: only proves the C binding loads
    if not ph.verify(ph.hash("自检"), "自检"):
        raise RuntimeError("hash does not verify")
    return "hash and verify"


def _pinyin() -> str:
    from .domain.pinyin import name_keys  # noqa: PLC0415

    keys = name_keys("张伟")
    if "zhang" not in keys.full or not keys.initials.startswith("z"):
        raise RuntimeError(f"unexpected keys {keys}")
    return f"张伟 -> {keys.full} / {keys.initials}"


def _openpyxl() -> str:
    import io  # noqa: PLC0415

    import openpyxl  # noqa: PLC0415

    wb = openpyxl.Workbook()
    wb.active.append(["户主", "电话"])
    buf = io.BytesIO()
    wb.save(buf)
    back = openpyxl.load_workbook(io.BytesIO(buf.getvalue()))
    if back.active["A1"].value != "户主":
        raise RuntimeError("round trip lost the cell")
    return f"openpyxl {openpyxl.__version__}"


def _psycopg() -> Check:
    import psycopg  # noqa: PLC0415

    impl = psycopg.pq.__impl__
    # "python" would need a libpq on the machine; the build ships psycopg-binary's own.
    return Check("psycopg (PostgreSQL server)", impl in ("binary", "c"),
                 f"psycopg {psycopg.__version__}, libpq {psycopg.pq.version()}, {impl} implementation")


def _embedded_server(db_path: Path) -> str:
    import requests  # noqa: PLC0415

    from .sync import wire  # noqa: PLC0415
    from .embedded import EmbeddedServer  # noqa: PLC0415 - the class the demo uses

    server = EmbeddedServer(db_path).start()
    try:
        reply = requests.get(f"{server.url}{wire.API}/health", timeout=10)
        reply.raise_for_status()
        if reply.json().get("ok") is not True:
            raise RuntimeError(f"health says {reply.text}")
    finally:
        server.stop()
    return f"uvicorn answered /health on {server.url}"


# ---------------------------------------------------------------------- database
def check_database(folder: Path) -> list[Check]:
    """A fresh laptop data folder: created, migrated to head, one write with its outbox entry."""
    from .store.database import Database  # noqa: PLC0415
    from .store.migrate import current_revision, head_revision  # noqa: PLC0415

    from .store.connect import is_encrypted  # noqa: PLC0415
    from .store.keyslots import KeySlots  # noqa: PLC0415

    path = folder / "gridworker.db"
    checks: list[Check] = []
    try:
        # As every laptop's: encrypted (SQLCipher) with a random key sealed in a key slot.
        slots, key = KeySlots.create(path)
        slots.add_user(key, user_id="self-check", username="self-check", display_name="自检", role="admin",
                       org_id=None, password="self-check", online=False)
        db = Database.open(path, key=key)
    except Exception as exc:  # noqa: BLE001
        log.exception("self-check: opening a fresh database failed")
        return [Check("fresh database", False, f"{type(exc).__name__}: {exc}")]
    try:
        def encrypted() -> str:
            if not is_encrypted(path):
                raise RuntimeError(f"{path} is plain SQLite")
            Database.open(path, key=slots.unlock("self-check", "self-check"), check=True).close()
            return f"SQLCipher; the key slot in {KeySlots.path_for(path).name} opens it"

        checks.append(guard("encrypted database", encrypted))
        with db.engine.connect() as conn:
            current = current_revision(conn)
            tables = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'")}
        head = head_revision("client")
        checks.append(Check("fresh database migrated", current == head,
                            f"{path} at {current}" + ("" if current == head else f", head is {head}")))
        missing = sorted({"household", "resident", "outbox", "local_state", "local_user"} - tables)
        checks.append(Check("laptop tables", not missing, f"{len(tables)} tables"
                            + (f", missing {missing}" if missing else "")))
        checks.append(guard("write with outbox", lambda: _write(db)))
    finally:
        db.close()
    return checks


def _write(db) -> str:
    from .store import local  # noqa: PLC0415
    from .domain.ids import new_id  # noqa: PLC0415

    community = new_id()
    db.set_state("community_id", community)
    with db.write(db.actor("self-check", "自检")) as uow:
        uow.insert("org_unit", {"code": "000000000", "name": "自检社区", "level": "community"}, row_id=community)
    with db.read() as conn:
        name = conn.exec_driver_sql("SELECT name FROM org_unit WHERE id = ?", (community,)).scalar()
        pending = local.pending_count(conn)
    if name != "自检社区" or not pending:
        raise RuntimeError(f"read back {name!r}, {pending} outbox entries")
    return f"row and {pending} outbox entry written"


# ---------------------------------------------------------------------- running
def run_checks(workdir: Path, *, ui: bool = True) -> Iterator[Check]:
    """Every check, in order, against a data folder under ``workdir`` (which must be empty or new)."""
    yield from check_resources()
    yield from check_libraries(workdir)
    yield from check_database(workdir / "data")
    if ui:
        try:
            from .ui.selfcheck_window import check_ui  # noqa: PLC0415
        except Exception as exc:  # noqa: BLE001 - Qt missing from the build is a finding
            log.exception("self-check: Qt part did not import")
            yield Check("Qt", False, f"{type(exc).__name__}: {exc}")
            return
        yield from check_ui(workdir / "ui")


def run(*, ui: bool = True, out: Callable[[str], None] | None = None) -> int:
    """Run the self-check in a temporary directory, print each result; 0 if nothing failed."""
    write = out or _print
    started = time.monotonic()
    frozen = "frozen" if getattr(sys, "frozen", False) else "source"
    write(f"gridworker {__version__} self-check ({frozen}, Python {sys.version.split()[0]}, {sys.platform})")
    failed = 0
    with tempfile.TemporaryDirectory(prefix="gridworker-selfcheck-", ignore_cleanup_errors=True) as tmp:
        for check in run_checks(Path(tmp), ui=ui):
            write(check.line())
            (log.info if check.ok else log.error)("self-check %s", check.line())
            failed += not check.ok
    write(f"self-check {'FAILED' if failed else 'passed'}: {failed} failed, "
          f"{time.monotonic() - started:.1f} s")
    return 1 if failed else 0


def _print(line: str) -> None:
    if sys.stdout is not None:  # a windowed Windows build has no console
        print(line, flush=True)


def main(argv: list[str] | None = None) -> int:
    """``--self-check [--no-ui]``: the entry point's hand-off (arguments after ``--self-check``)."""
    args = list(argv or [])
    unknown = [a for a in args if a != "--no-ui"]
    if unknown:
        _print(f"self-check: unknown option(s) {' '.join(unknown)}; only --no-ui")
        return 2
    return run(ui="--no-ui" not in args)
