"""`gridworker client …`: the laptop's side of sync (enrol, sync, status, verify).

``client_group`` is importable so other modules can attach commands (import / export).
"""
from __future__ import annotations

import functools
import sys

import click

from .common import data_dir_option, db_path, emit, json_option


@click.group("client")
def client_group() -> None:
    """This laptop and the sync server: enrol, sync, status, verify."""


def _pending(db) -> int:
    try:
        with db.read() as conn:
            return int(conn.exec_driver_sql("SELECT count(*) FROM outbox").scalar() or 0)
    except Exception:  # noqa: BLE001 - only for the message
        return -1


def _sentence(exc, db, server: str | None) -> str:
    """What went wrong, in words a person can act on, always saying what happened to her changes."""
    from ..sync import transport as T  # noqa: PLC0415

    n = _pending(db) if db is not None else -1
    kept = f"your {n} unsent changes are kept on this laptop" if n >= 0 else "your unsent changes are kept"
    if isinstance(exc, T.ServerUnreachable):
        return f"server unreachable at {server or '?'}; {kept} and will be sent next time ({exc.message})"
    if isinstance(exc, T.DeviceRevoked):
        return (f"this laptop's access was revoked by an administrator (HTTP 401); {kept}. "
                f"Ask your administrator to enrol this laptop again ({exc.message})")
    if isinstance(exc, T.Unauthorized):
        return f"the server refused this laptop's credentials (HTTP 401); {kept}. Enrol it again ({exc.message})"
    if isinstance(exc, T.ClientOutdated):
        return f"please update gridworker: the server no longer accepts this version; {kept} ({exc.message})"
    if isinstance(exc, T.Cancelled):
        return f"sync cancelled; what was already synced is saved and {kept}"
    return f"{exc.message}; {kept}"


def sync_errors(fn):
    """Sync errors become one sentence on stderr and exit code 1 (2 for a revoked device)."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from ..domain.errors import GridworkerError  # noqa: PLC0415
        from ..sync.transport import DeviceRevoked, SyncError  # noqa: PLC0415

        state: dict = {}
        kwargs["_state"] = state
        try:
            return fn(*args, **kwargs)
        except SyncError as exc:
            db = state.get("db")
            click.echo(f"error: {_sentence(exc, db, state.get('server'))}", err=True)
            sys.exit(2 if isinstance(exc, DeviceRevoked) else 1)
        except GridworkerError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)
        finally:
            if state.get("db") is not None:
                state["db"].close()
    return wrapper


def _open(data_dir, state: dict, must_exist: bool = True):
    from ..store.database import Database  # noqa: PLC0415

    path = db_path(data_dir)
    if must_exist and not path.exists():
        raise click.ClickException(f"no laptop database in {data_dir}; enrol first with `gridworker client enroll`")
    db = Database.open(path)
    state["db"] = db
    state["server"] = db.get_state("server_url")
    return db


def _progress(enabled: bool):
    if not enabled:
        return None

    def report(phase: str, rows: int, nbytes: int) -> None:
        click.echo(f"  {phase}: {rows:,} rows, {nbytes / 1e6:.1f} MB", err=True)
    return report


@client_group.command("enroll")
@data_dir_option
@click.option("--server", "server", required=True, help="Sync server URL, e.g. https://sync.example.gov.cn")
@click.option("--username", required=True)
@click.option("--password-stdin", is_flag=True, required=True, help="Read the password from standard input.")
@click.option("--community", default=None, help="Community code, when your account covers several.")
@click.option("--device-name", default=None)
@click.option("--ca", "ca", default=None, type=click.Path(exists=True, dir_okay=False),
              help="CA bundle or pinned server certificate for TLS verification.")
@json_option
@sync_errors
def enroll(data_dir, server, username, password_stdin, community, device_name, ca, as_json, _state):
    """Register this laptop with the server and run the first sync.

    Example: echo 'secret' | gridworker client enroll --data-dir ./laptop --server http://127.0.0.1:8765
    --username gw320213001001 --password-stdin
    """
    from ..sync.engine import enroll as do_enroll  # noqa: PLC0415

    password = sys.stdin.readline().rstrip("\r\n")
    db = _open(data_dir, _state, must_exist=False)
    _state["server"] = server
    out = do_enroll(db, server, username, password, community=community, device_name=device_name,
                    verify=ca or True, progress=_progress(not as_json))
    s = out.get("sync", {})
    emit(out, as_json, f"enrolled as {out['user']} ({out['role']}) for {out['community_name']} "
                       f"[{out['community_code']}], device {out['device_id']}; first sync: "
                       f"{s.get('pulled', 0):,} rows")


@client_group.command("sync")
@data_dir_option
@json_option
@sync_errors
def sync(data_dir, as_json, _state):
    """Send this laptop's changes, then receive the community's.

    Example: gridworker client sync --data-dir ./laptop --json
    """
    from ..sync.engine import SyncEngine  # noqa: PLC0415

    db = _open(data_dir, _state)
    report = SyncEngine(db, progress=_progress(not as_json)).sync().as_dict()
    emit(report, as_json, f"pushed {report['pushed']}, pulled {report['pulled']}, conflicts {report['conflicts']}, "
                          f"rejected {report['rejected']}, flagged {report['flagged']}; cursor {report['cursor']}")


@client_group.command("status")
@data_dir_option
@json_option
@sync_errors
def status(data_dir, as_json, _state):
    """Pending changes, last sync, open conflicts and rejections (no network).

    Example: gridworker client status --data-dir ./laptop
    """
    from ..sync.engine import status as get_status  # noqa: PLC0415

    db = _open(data_dir, _state)
    out = get_status(db)
    emit(out, as_json, f"device {out['device_id']} · community {out['community_name'] or out['community']}\n"
                       f"pending changes: {out['pending']}\nlast sync: {out['last_sync'] or 'never'}\n"
                       f"open conflicts: {out['conflicts']} · rejected: {out['rejected']} · "
                       f"flagged: {out['flagged']}")


@client_group.command("verify")
@data_dir_option
@click.option("--no-repair", is_flag=True, help="Only compare; do not re-fetch differing rows.")
@json_option
@sync_errors
def verify(data_dir, no_repair, as_json, _state):
    """Compare this laptop with the server (checksums, then buckets, then rows). Exit 1 on mismatch.

    Example: gridworker client verify --data-dir ./laptop --json
    """
    from ..sync.engine import SyncEngine  # noqa: PLC0415

    db = _open(data_dir, _state)
    out = SyncEngine(db, progress=_progress(not as_json)).verify(repair=not no_repair)
    emit(out, as_json, f"{'match' if out['match'] else 'MISMATCH'}: laptop {out['local_checksum']} / server "
                       f"{out['server_checksum']} (differing rows: {out['differing_rows']}, repaired: "
                       f"{out['repaired']})")
    if not out["match"]:
        sys.exit(1)


COMMANDS = [client_group]
