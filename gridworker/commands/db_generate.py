"""`gridworker db generate`: fill a new laptop database with a reproducible demo city."""
from __future__ import annotations

import sys
import time

import click

from .common import data_dir_option, db_path, emit, friendly_errors, json_option, open_db


@click.command("generate")
@data_dir_option
@click.option("--households", "-n", required=True, type=click.IntRange(1, 2_000_000),
              help="How many households: about 5,000 make one community; 578200 is the whole city.")
@click.option("--seed", default=1, show_default=True, type=int,
              help="Random seed: the same seed and size give the same rows, ids included.")
@json_option
@friendly_errors
def command(data_dir, households, seed, as_json):
    """Generate a demo city (无锡-shaped) into a new laptop database in DATA_DIR.

    Households with residents, party members and 1+10+N links, a year of visits, cases in
    every state of the 吹哨报到 loop and ballots. The same --seed and --households always give
    the same data. With a single community (fewer than 8,000 households) the laptop is set to
    that community. Refuses a database that already holds households.

    Example: gridworker db generate --data-dir ./demo --households 5000
    """
    from ..demo import write_laptop  # noqa: PLC0415 - keep --help fast

    db = open_db(data_dir, must_exist=False)
    started = time.perf_counter()
    shown = [0.0]

    def progress(done: int, total: int) -> None:
        # A line every few seconds on stderr, never with --json (stdout stays one JSON object).
        if not as_json and time.perf_counter() - shown[0] > 2:
            shown[0] = time.perf_counter()
            click.echo(f"  {done:,} / {total:,} households", err=True)

    try:
        counts = write_laptop(db, households, seed, progress)
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
