"""`gridworker db generate`: fill a new laptop database with a reproducible demo city."""
from __future__ import annotations

import sys
import time

import click

from .common import TerminalProgress, data_dir_option, db_path, emit, friendly_errors, json_option, laptop_for, read_password


def _open_or_create(data_dir, user: str, password_stdin: bool):
    """The laptop unlocked by ``user``, or a new encrypted one with ``user`` as its only user."""
    from ..domain.ids import deterministic_id  # noqa: PLC0415
    from ..sync.laptop import NEW, remember_local_user  # noqa: PLC0415
    from ..store.keyslots import KeySlots  # noqa: PLC0415

    laptop = laptop_for(data_dir)
    password = read_password(password_stdin, f"Password for {user}")
    if laptop.state != NEW:
        return laptop.login(user, password, online_check=False).db
    if not password:
        raise click.UsageError("the new laptop's user needs a password")
    slots, key = KeySlots.create(laptop.db_path)
    db = laptop.open(key)
    person = {"id": deterministic_id("local_user", user), "username": user, "display_name": user, "role": "admin",
              "org_id": None}
    slots.add_user(key, user_id=person["id"], username=user, display_name=user, role="admin", org_id=None,
                   password=password, online=False)
    remember_local_user(db, person, password)
    return db


@click.command("generate")
@data_dir_option
@click.option("--households", "-n", required=True, type=click.IntRange(1, 2_000_000),
              help="How many households: about 5,000 make one community; 578200 is the whole city.")
@click.option("--seed", default=1, show_default=True, type=int,
              help="Random seed: the same seed and size give the same rows, ids included.")
@click.option("--user", "user", required=True, metavar="NAME",
              help="The local user who can open the new (encrypted) database; an administrator of this laptop.")
@click.option("--password-stdin", "password_stdin", is_flag=True,
              help="Read that user's new password from standard input (else you are asked for it).")
@json_option
@friendly_errors
def command(data_dir, households, seed, user, password_stdin, as_json):
    """Generate a demo city (无锡-shaped) into a new laptop database in DATA_DIR.

    Households with residents, party members and 1+10+N links, a year of visits, cases in
    every state of the 吹哨报到 loop and ballots. The same --seed and --households always give
    the same data. With a single community (fewer than 8,000 households) the laptop is set to
    that community. Refuses a database that already holds households.

    The database is encrypted like every laptop's: --user NAME gets a key slot with the password
    read from --password-stdin (a local administrator; there is no server to ask).

    Example: echo "$PASSWORD" | gridworker db generate --data-dir ./demo --households 5000 --user wang --password-stdin
    """
    from ..demo import write_laptop  # noqa: PLC0415 - keep --help fast

    db = _open_or_create(data_dir, user, password_stdin)
    started = time.perf_counter()
    try:
        # A bar on a terminal, a line every few seconds otherwise, nothing with --json (stderr only).
        with TerminalProgress("households", enabled=not as_json) as bar:
            counts = write_laptop(db, households, seed, bar.update)
        community = db.community_id
    finally:
        db.close()
    seconds = time.perf_counter() - started
    path = db_path(data_dir)
    result = {"path": str(path), "households": households, "seed": seed, "seconds": round(seconds, 2),
              "size_bytes": path.stat().st_size, "community_id": community, "rows": counts}
    text = "\n".join([f"generated {households:,} households (seed {seed}) in {seconds:.1f} s",
                      f"file: {path} ({result['size_bytes'] / 1e6:.1f} MB)",
                      f"community: {community or '(several: not enrolled)'}"]
                     + [f"  {t:14s} {n:>9,d}" for t, n in counts.items()])
    emit(result, as_json, text)
    sys.stdout.flush()
