"""`gridworker client …`: the laptop's side of sync (enrol, sync, status, verify).

``client_group`` is importable so other modules can attach commands (import / export).
"""
from __future__ import annotations

import functools
import sys

import click

from .common import data_dir_option, emit, exit_code_of, json_option, unlock_laptop, unlock_options


@click.group("client")
def client_group() -> None:
    """This laptop and the sync server: enrol, sync, status, verify."""


def _pending(db) -> int:
    try:
        from ..store import local  # noqa: PLC0415 - keep `gridworker --help` fast

        with db.read() as conn:
            return local.pending_count(conn)
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
            if isinstance(exc, DeviceRevoked) and state.get("data_dir") is not None and db is not None:
                click.echo(f"error: {_revoked(state, db)}", err=True)
                sys.exit(2)
            click.echo(f"error: {_sentence(exc, db, state.get('server'))}", err=True)
            sys.exit(2 if isinstance(exc, DeviceRevoked) else 1)
        except GridworkerError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(exit_code_of(exc))
        finally:
            if state.get("db") is not None:
                state["db"].close()
    return wrapper


def _revoked(state: dict, db) -> str:
    """A revoked laptop, as the app does: unsent changes sealed for the admin, then the key slots wiped.
    Where that cannot be done safely (no export key yet, disk full), nothing is wiped and it says why."""
    from ..domain.errors import GridworkerError  # noqa: PLC0415
    from ..sync.laptop import Laptop  # noqa: PLC0415

    try:
        done = Laptop(state["data_dir"]).revoked(db)
    except GridworkerError as exc:
        return f"this laptop's access was revoked by an administrator (HTTP 401). {exc}"
    state["db"] = None  # closed by the wipe
    return f"this laptop's access was revoked by an administrator (HTTP 401). {done}"


def _open(data_dir, state: dict, user: str | None, password_stdin: bool):
    """Unlock the laptop (``--user``, password); a plain data folder is encrypted on its first unlock."""
    login = unlock_laptop(data_dir, user, password_stdin)
    state["data_dir"] = data_dir
    state["db"] = login.db
    state["login"] = login
    state["server"] = login.db.get_state("server_url")
    return login.db


def _contact(state: dict) -> None:
    """The server answered: the laptop's offline-days clock starts again."""
    from ..sync.laptop import Laptop  # noqa: PLC0415

    db = state.get("db")
    if db is not None:
        slots = Laptop(db.path.parent).slots
        if slots is not None:
            slots.record_server_contact()


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

    A new laptop's database is created encrypted with a random key, which is sealed with this
    user's password (gridworker.keys beside gridworker.db).

    Example: echo 'secret' | gridworker client enroll --data-dir ./laptop --server http://127.0.0.1:8765
    --username gw320213001001 --password-stdin
    """
    from ..sync.laptop import Laptop  # noqa: PLC0415

    password = sys.stdin.readline().rstrip("\r\n")
    _state["server"] = server
    login = Laptop(data_dir).enroll(server, username, password, community=community, device_name=device_name,
                                    verify=ca or True, first_sync=False)
    db = _state["db"] = login.db
    from ..sync.engine import SyncEngine, status  # noqa: PLC0415

    report = SyncEngine(db, progress=_progress(not as_json)).sync().as_dict()
    _contact(_state)
    info = status(db)
    out = {"device_id": db.device_id, "community": info["community"], "community_code": db.get_state("community_code"),
           "community_name": info["community_name"], "user": login.slot.username, "role": login.slot.role,
           "sync": report}
    s = report
    emit(out, as_json, f"enrolled as {out['user']} ({out['role']}) for {out['community_name']} "
                       f"[{out['community_code']}], device {out['device_id']}; first sync: "
                       f"{s.get('pulled', 0):,} rows")


@client_group.command("sync")
@data_dir_option
@unlock_options
@json_option
@sync_errors
def sync(data_dir, user, password_stdin, as_json, _state):
    """Send this laptop's changes, then receive the community's.

    If an administrator revoked this laptop, its unsent changes are sealed for the administrator into
    unsent-DEVICE-TIME.gwx in the data folder (read with `gridworker server read-export`) and the
    laptop is locked (exit code 2).

    Example: echo "$PASSWORD" | gridworker client sync --data-dir ./laptop --user wang --password-stdin --json
    """
    from ..sync.engine import SyncEngine  # noqa: PLC0415

    db = _open(data_dir, _state, user, password_stdin)
    result = SyncEngine(db, progress=_progress(not as_json),
                        waiting=lambda text: click.echo(f"  {text}", err=True)).sync()
    report = result.as_dict()
    _contact(_state)
    waiting = result.waiting_message()
    clock = result.clock_message()
    if clock:
        click.echo(f"warning: {clock}", err=True)
    emit(report, as_json, f"pushed {report['pushed']}, pulled {report['pulled']}, conflicts {report['conflicts']}, "
                          f"rejected {report['rejected']}, flagged {report['flagged']}; cursor {report['cursor']}"
                          + (f"\n{waiting}" if waiting else ""))


@client_group.command("status")
@data_dir_option
@unlock_options
@json_option
@sync_errors
def status(data_dir, user, password_stdin, as_json, _state):
    """Pending changes, last sync, open conflicts and rejections (no network).

    Example: gridworker client status --data-dir ./laptop --user wang
    """
    from ..sync.engine import status as get_status  # noqa: PLC0415

    db = _open(data_dir, _state, user, password_stdin)
    out = get_status(db)
    emit(out, as_json, f"device {out['device_id']} · community {out['community_name'] or out['community']}\n"
                       f"pending changes: {out['pending']}\nlast sync: {out['last_sync'] or 'never'}\n"
                       f"open conflicts: {out['conflicts']} · rejected: {out['rejected']} · "
                       f"flagged: {out['flagged']}")


@client_group.command("verify")
@data_dir_option
@unlock_options
@click.option("--no-repair", is_flag=True, help="Only compare; do not re-fetch differing rows.")
@json_option
@sync_errors
def verify(data_dir, user, password_stdin, no_repair, as_json, _state):
    """Compare this laptop with the server (checksums, then buckets, then rows). Exit 1 on mismatch.

    Example: echo "$PASSWORD" | gridworker client verify --data-dir ./laptop --user wang --password-stdin --json
    """
    from ..sync.engine import SyncEngine  # noqa: PLC0415

    db = _open(data_dir, _state, user, password_stdin)
    out = SyncEngine(db, progress=_progress(not as_json)).verify(repair=not no_repair)
    _contact(_state)
    emit(out, as_json, f"{'match' if out['match'] else 'MISMATCH'}: laptop {out['local_checksum']} / server "
                       f"{out['server_checksum']} (differing rows: {out['differing_rows']}, repaired: "
                       f"{out['repaired']})")
    if not out["match"]:
        sys.exit(1)


COMMANDS = [client_group]
