"""`gridworker server …`: create, run, seed and administer the sync server."""
from __future__ import annotations

import sys

import click

from .common import emit, friendly_errors, json_option


def db_option(fn):
    return click.option("--db", "db_url", required=True,
                        help="Server database: a file path / sqlite:/// URL, or postgresql+psycopg://…")(fn)


def _open(db_url: str):
    from ..server.db import open_server_db  # noqa: PLC0415 - keep --help fast

    return open_server_db(db_url)


def _auth_errors(fn):
    import functools  # noqa: PLC0415

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from ..server.errors import ServerError  # noqa: PLC0415

        try:
            return fn(*args, **kwargs)
        except ServerError as exc:
            click.echo(f"error: {exc.message}", err=True)
            sys.exit(1)
    return wrapper


@click.group("server")
def server_group() -> None:
    """The central sync server (admins): database, users, devices, demo data."""


@server_group.command("init")
@db_option
@friendly_errors
def init(db_url):
    """Create or upgrade the server database.

    Example: gridworker server init --db ./server.db
    """
    sdb = _open(db_url)
    click.echo(f"server database ready: {sdb.url.split('@')[-1]}")
    sdb.dispose()


@server_group.command("run")
@db_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8765, show_default=True, type=int)
@click.option("--ssl-certfile", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Serve HTTPS with this certificate (PEM, full chain); needs --ssl-keyfile.")
@click.option("--ssl-keyfile", type=click.Path(exists=True, dir_okay=False), default=None,
              help="The certificate's private key (PEM).")
@click.option("--log-file", type=click.Path(dir_okay=False), default=None,
              help="Also write the log to this file (rotating); phone and ID numbers are masked in every log.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes (uvicorn's process manager). More than one wants PostgreSQL; the database "
                   "is migrated once before they start.")
@click.option("--trust-proxy", "trust_proxy", default=None, envvar="GRIDWORKER_TRUST_PROXY", show_envvar=True,
              help="Addresses of a reverse proxy whose X-Forwarded-For is believed (comma-separated, e.g. "
                   "127.0.0.1). Without it the client's own address counts for login throttling.")
@friendly_errors
def run(db_url, host, port, ssl_certfile, ssl_keyfile, log_file, workers, trust_proxy):
    """Serve the sync API (OpenAPI docs at /docs); HTTPS with --ssl-certfile and --ssl-keyfile.

    Example: gridworker server run --db ./server.db --port 8765

    Example (TLS): gridworker server run --db ./server.db --host 0.0.0.0 --port 8443
    --ssl-certfile /etc/gridworker/tls/sync.crt --ssl-keyfile /etc/gridworker/tls/sync.key

    Example (a city, behind nginx): gridworker server run --db postgresql+psycopg://gw@/gridworker
    --workers 4 --trust-proxy 127.0.0.1
    """
    if bool(ssl_certfile) != bool(ssl_keyfile):
        raise click.UsageError("--ssl-certfile 和 --ssl-keyfile 须同时给出（证书和它的私钥），或都不给")
    # X-Forwarded-For is believed only from a proxy named here: otherwise anyone could rotate it and
    # slip past the per-address login throttle.
    proxy = {"proxy_headers": bool(trust_proxy), "forwarded_allow_ips": trust_proxy or ""}
    if workers > 1:
        _run_workers(db_url, host, port, workers, ssl_certfile, ssl_keyfile, log_file, proxy)
        return
    if not ssl_certfile:
        from ..server.app import run as serve  # noqa: PLC0415

        serve(db_url, host, port, log_file=log_file, **proxy)
        return
    import ssl  # noqa: PLC0415

    import uvicorn  # noqa: PLC0415

    from ..server.app import create_app  # noqa: PLC0415

    # A certificate or key that does not load is refused here, before the port is opened.
    try:
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(ssl_certfile, ssl_keyfile)
    except (ssl.SSLError, OSError) as exc:
        raise click.ClickException(f"TLS 证书或私钥无法使用（{ssl_certfile}，{ssl_keyfile}）：{exc}；"
                                   "请检查两个文件是否配对、是否为 PEM 格式") from None
    from ..server.logconfig import log_config  # noqa: PLC0415

    uvicorn.run(create_app(db_url), host=host, port=port, log_level="info", log_config=log_config(log_file=log_file),
                ssl_certfile=ssl_certfile, ssl_keyfile=ssl_keyfile, **proxy)


def _run_workers(db_url, host, port, workers, ssl_certfile, ssl_keyfile, log_file, proxy) -> None:
    """``--workers N``: uvicorn starts N processes, each building the app over the same database
    (gridworker.server.asgi); the schema is brought to head here, once, so they do not race."""
    import os  # noqa: PLC0415

    import uvicorn  # noqa: PLC0415

    from ..server.asgi import ENV  # noqa: PLC0415
    from ..server.logconfig import log_config  # noqa: PLC0415

    _open(db_url).dispose()  # migrate once
    os.environ[ENV] = str(db_url)
    tls = {"ssl_certfile": ssl_certfile, "ssl_keyfile": ssl_keyfile} if ssl_certfile else {}
    uvicorn.run("gridworker.server.asgi:app", factory=True, workers=workers, host=host, port=port,
                log_level="info", log_config=log_config(log_file=log_file), **tls, **proxy)


@server_group.command("seed-demo")
@db_option
@click.option("--households", required=True, type=int, help="Households in the whole demo city.")
@click.option("--seed", default=1, show_default=True, type=int)
@json_option
@friendly_errors
def seed_demo(db_url, households, seed, as_json):
    """Write a demo city and demo users (their passwords are printed once).

    Example: gridworker server seed-demo --db ./server.db --households 5000 --json
    """
    from ..server.seed import seed_demo as seed_city  # noqa: PLC0415

    sdb = _open(db_url)

    def progress(table: str, rows: int) -> None:  # stderr, and never with --json
        if not as_json:
            click.echo(f"  {table}: {rows:,} rows", err=True)

    try:
        result = seed_city(sdb, households, seed, progress=progress)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        sdb.dispose()
    out = {"communities": [{k: c[k] for k in ("code", "name", "households", "id")} for c in result["communities"]],
           "users": result["users"], "rows": result["rows"]}
    lines = [f"{sum(result['rows'].values()):,} rows in {len(out['communities'])} communities"]
    lines += [f"  {c['code']}  {c['name']}  {c['households']:,} households" for c in out["communities"]]
    lines += ["users (write these passwords down; they are not shown again):"]
    lines += [f"  {u['username']:<20} {u['password']:<22} {u['role']:<13} {u['org']}" for u in out["users"]
              if not u.get("console")]
    lines += ["console users (the city console: http://HOST:PORT/console once `server run` serves it):"]
    lines += [f"  {u['username']:<20} {u['password']:<22} {u['role']:<13} {u['org']}  {u['display_name']}"
              for u in out["users"] if u.get("console")]
    emit(out, as_json, "\n".join(lines))


@server_group.command("add-user")
@db_option
@click.option("--username", required=True)
@click.option("--role", required=True, type=click.Choice(["admin", "grid_worker", "party_member"]))
@click.option("--org", "org", required=True, help="Org unit code (or id) of the user's scope.")
@click.option("--display-name", default=None)
@click.option("--party-member", "party_member_id", default=None,
              help="For a party member: the id of their party_member record "
                   "(else matched by display name at enrolment).")
@click.option("--password-stdin", is_flag=True, required=True, help="Read the password from standard input.")
@json_option
@_auth_errors
@friendly_errors
def add_user(db_url, username, role, org, display_name, party_member_id, password_stdin, as_json):
    """Create a user (Argon2id password hash). The password: at least 10 characters, not a common
    password, not the user name.

    Example: echo 'Tea-kettle-on-Tuesday' | gridworker server add-user --db ./server.db --username wang
    --role grid_worker --org 320213001001 --password-stdin
    """
    from sqlalchemy import text  # noqa: PLC0415

    from ..server.auth import add_user as create  # noqa: PLC0415
    from ..server.auth import require_strong_password  # noqa: PLC0415

    password = sys.stdin.readline().rstrip("\r\n")
    require_strong_password(password, username)
    if party_member_id and role != "party_member":
        raise click.UsageError("--party-member 只用于党员账号（--role party_member）")
    sdb = _open(db_url)
    try:
        with sdb.write() as conn:
            user = create(conn, username, password, role, org, display_name)
            if party_member_id:
                conn.execute(text("UPDATE server_user SET party_member_id = :m WHERE id = :i"),
                             {"m": party_member_id, "i": user.id})
    finally:
        sdb.dispose()
    emit(user.as_dict(), as_json, f"user {user.username} ({user.role}) created")


@server_group.command("access-log")
@db_option
@click.option("--limit", default=200, show_default=True, type=int)
@json_option
@friendly_errors
def access_log(db_url, limit, as_json):
    """Who pulled a community's full (unmasked) data and which unmasks laptops reported, newest first.

    Example: gridworker server access-log --db ./server.db --limit 50
    """
    from ..server.access_log import entries  # noqa: PLC0415

    sdb = _open(db_url)
    try:
        with sdb.read() as conn:
            rows = entries(conn, limit)
    finally:
        sdb.dispose()
    emit(rows, as_json, "\n".join(f"{r['at']}  {r['action']:<9}  user {r['user_id']}  device {r['device_id']}  "
                                  f"community {r['community_id']}  {r['detail']}" for r in rows) or "(none)")


@server_group.command("devices")
@db_option
@click.option("--stale-days", default=3.0, show_default=True, type=click.FloatRange(0, 3650),
              help="A laptop silent for more than this many days is marked stale.")
@json_option
@friendly_errors
def devices(db_url, stale_days, as_json):
    """The fleet: every laptop's community, users, last contact with the server, and what it reported
    on its last sync (app and schema version, unsent changes, checksum agreement of its last verify,
    open conflicts and rejections); STALE when silent more than --stale-days.

    Example: gridworker server devices --db ./server.db --stale-days 7 --json
    """
    from ..server.fleet import fleet, fleet_line  # noqa: PLC0415

    sdb = _open(db_url)
    try:
        with sdb.read() as conn:
            rows = fleet(conn, stale_days=stale_days)
    finally:
        sdb.dispose()
    emit({"stale_days": stale_days, "devices": rows}, as_json, "\n".join(fleet_line(d) for d in rows) or "(none)")


@server_group.command("revoke-device")
@db_option
@click.option("--device", "device_id", required=True)
@json_option
@_auth_errors
@friendly_errors
def revoke_device(db_url, device_id, as_json):
    """Revoke a device: its next sync is refused (401); its unsent changes stay on that laptop.

    Example: gridworker server revoke-device --db ./server.db --device 0190…
    """
    from ..server.auth import revoke_device as revoke  # noqa: PLC0415

    sdb = _open(db_url)
    try:
        with sdb.write() as conn:
            result = revoke(conn, device_id)
    finally:
        sdb.dispose()
    emit(result, as_json, f"device {device_id} revoked at {result['revoked_at']}")


@server_group.command("unrevoke-device")
@db_option
@click.option("--device", "device_id", required=True)
@json_option
@_auth_errors
@friendly_errors
def unrevoke_device(db_url, device_id, as_json):
    """Let a revoked (recovered) laptop enrol again; its old token stays void, so it enrols again
    with a user's password.

    Example: gridworker server unrevoke-device --db ./server.db --device 0190…
    """
    from ..server.auth import unrevoke_device as unrevoke  # noqa: PLC0415

    sdb = _open(db_url)
    try:
        with sdb.write() as conn:
            result = unrevoke(conn, device_id, None)
    finally:
        sdb.dispose()
    emit(result, as_json, f"device {device_id} may enrol again")


@server_group.command("move-household")
@db_option
@click.option("--household", "household_id", required=True)
@click.option("--to", "to_community", required=True, help="Target community code (or id).")
@json_option
@_auth_errors
@friendly_errors
def move_household(db_url, household_id, to_community, as_json):
    """Move a household and its residents to another community (laptops of both follow on their
    next sync).

    Example: gridworker server move-household --db ./server.db --household 0190… --to 320213001002
    """
    from ..server.auth import User, ancestors  # noqa: PLC0415
    from ..server.moves import move_household as move  # noqa: PLC0415

    sdb = _open(db_url)
    try:
        with sdb.write() as conn:
            source = conn.exec_driver_sql("SELECT community_id FROM household WHERE id = ?"
                                          if sdb.dialect == "sqlite" else
                                          "SELECT community_id FROM household WHERE id = %s",
                                          (household_id,)).scalar()
            if source is None:
                raise click.ClickException(f"no household {household_id}")
            # Whoever holds the database is the top admin: scope = the root of the household's tree.
            root = ancestors(conn, source)[-1]
            result = move(conn, household_id, to_community, User("server-cli", "server-cli", None, "admin", root, True))
    finally:
        sdb.dispose()
    emit(result, as_json, f"moved {result['moved_rows']} rows to {result['to_community']}")


@server_group.command("prune")
@db_option
@click.option("--days", default=180, show_default=True, type=int,
              help="Keep change-log entries and tombstones younger than this.")
@json_option
@friendly_errors
def prune(db_url, days, as_json):
    """Drop change-log entries and tombstones older than --days (laptops further behind re-sync
    from a snapshot).

    Example: gridworker server prune --db ./server.db --days 180
    """
    from ..server.prune import prune as do_prune  # noqa: PLC0415

    sdb = _open(db_url)
    try:
        with sdb.write() as conn:
            result = do_prune(conn, days)
    finally:
        sdb.dispose()
    emit({"communities": result}, as_json, "\n".join(
        f"{r['community_id']}: {r['pruned_changes']} changes, {r['purged_tombstones']} tombstones pruned"
        for r in result) or "(nothing)")


@server_group.command("new-epoch")
@db_option
@json_option
@friendly_errors
def new_epoch(db_url, as_json):
    """After restoring the server database from a backup: start a new epoch, so every laptop
    re-sends the changes the lost part had acknowledged and re-syncs (docs/deploy.md).

    Example: gridworker server new-epoch --db ./server.db
    """
    from ..server import epoch  # noqa: PLC0415

    sdb = _open(db_url)
    try:
        with sdb.write() as conn:
            value = epoch.new_epoch(conn)
    finally:
        sdb.dispose()
    emit({"epoch": value}, as_json, f"new epoch {value}: laptops re-send what the backup lacks at their next sync")


@server_group.group("hotline")
def hotline_group() -> None:
    """12345 hotline work orders: import, the unmatched list, assignment, the API token."""


def _problem_lines(problems: list[dict]) -> list[str]:
    return [f"  第 {p['row']} 行" + (f" [{p['column']}]" if p.get("column") else "") +
            (f" “{p['value']}”" if p.get("value") else "") + f"：{p['reason']}" for p in problems]


@hotline_group.command("import")
@db_option
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check the file and report its bad rows; write nothing.")
@json_option
@_auth_errors
@friendly_errors
def hotline_import(db_url, file, dry_run, as_json):
    """Import work orders from a .csv or .xlsx file (columns 工单编号, 来电时间, 来电内容, 地址, and
    optionally 类别, 时限, 诉求类型). Each order is matched to a community by its address and becomes a
    case there (the community's laptops get it on their next sync); bad rows are listed with their
    row and column and not imported; an order imported before is not imported twice.

    Example: gridworker server hotline import --db ./server.db 工单2026-11.xlsx
    """
    from ..server.hotline import read_orders, receive_orders  # noqa: PLC0415

    parsed = read_orders(file)
    results: list[dict] = []
    if not dry_run and parsed.orders:
        sdb = _open(db_url)
        try:
            results = receive_orders(sdb, [o for _, o in parsed.orders], origin="upload", received_by="server-cli")
        finally:
            sdb.dispose()
    rows = {o.number: r for r, o in parsed.orders}
    for res in results:
        res["row"] = rows.get(res["number"])
    out = {"orders": len(parsed.orders), "problems": parsed.problems, "results": results,
           "created": sum(1 for r in results if not r["duplicate"] and r["issue_id"]),
           "unmatched": sum(1 for r in results if r["status"] == "unmatched" and not r["duplicate"]),
           "duplicates": sum(1 for r in results if r["duplicate"]), "dry_run": dry_run}
    lines = [f"{out['orders']} good orders, {len(parsed.problems)} bad rows" + (" (dry run: nothing written)" if dry_run else
             f"; {out['created']} cases created, {out['unmatched']} unmatched, {out['duplicates']} already imported")]
    lines += [f"  {r['number']}  {r['status']:<9} {r.get('community_name') or '-':<10} {r['match_reason']}"
              for r in results]
    if parsed.problems:
        lines += ["bad rows (not imported):", *_problem_lines(parsed.problems)]
    emit(out, as_json, "\n".join(lines))
    if parsed.problems:
        sys.exit(2)


@hotline_group.command("unmatched")
@db_option
@json_option
@friendly_errors
def hotline_unmatched(db_url, as_json):
    """Work orders no community was found for, oldest first; give one to a community with
    `server hotline assign`.

    Example: gridworker server hotline unmatched --db ./server.db
    """
    from ..server.hotline import unmatched  # noqa: PLC0415

    sdb = _open(db_url)
    try:
        with sdb.read() as conn:
            rows = unmatched(conn)
    finally:
        sdb.dispose()
    emit({"orders": rows}, as_json, "\n".join(
        f"{r['number']}  {r['called_at']}  {r['address']}  ({r['match_reason']})" for r in rows) or "(none)")


@hotline_group.command("assign")
@db_option
@click.option("--order", "number", required=True, help="The work-order number.")
@click.option("--community", required=True, help="Community code (or id).")
@json_option
@_auth_errors
@friendly_errors
def hotline_assign(db_url, number, community, as_json):
    """Give an unmatched work order to a community: its case is written there.

    Example: gridworker server hotline assign --db ./server.db --order GD20261103001 --community 320213001001
    """
    from ..server.hotline import assign_order  # noqa: PLC0415

    sdb = _open(db_url)
    try:
        with sdb.write() as conn:
            result = assign_order(conn, number, community)
    finally:
        sdb.dispose()
    emit(result, as_json, f"order {number} -> {result.get('community_name')} (case {result['issue_id']})")


@hotline_group.command("token")
@db_option
@friendly_errors
def hotline_token(db_url):
    """Make a new API token for the 12345 system (printed once; the previous one stops working).
    It posts orders to /api/v1/hotline/orders with "Authorization: Bearer TOKEN".

    Example: gridworker server hotline token --db ./server.db
    """
    from ..server.hotline import new_hotline_token  # noqa: PLC0415

    sdb = _open(db_url)
    try:
        with sdb.write() as conn:
            token = new_hotline_token(conn, "server-cli")
    finally:
        sdb.dispose()
    click.echo(token)


def _pct(v) -> str:
    return "-" if v is None else f"{float(v) * 100:.1f}%"


@server_group.command("assess")
@db_option
@click.option("--period", required=True, help="2026-11 (a month), 2026-Q4 or 2026, in China time.")
@click.option("--by", "by", default="community", show_default=True,
              type=click.Choice(["community", "grid", "department", "level"]))
@click.option("--xlsx", "xlsx", type=click.Path(dir_okay=False), default=None, help="Also write the assessment here.")
@json_option
@friendly_errors
def assess(db_url, period, by, xlsx, as_json):
    """考核评价: cases, 响应率, 结案率, 按期率, 满意率 and overdue cases per community, grid,
    department or level for a period (by the server's times of receipt), 红绿 by the city's
    thresholds, and the 黑榜 of departments with the most overdue cases.

    Example: gridworker server assess --db ./server.db --period 2026-11 --by department --xlsx 考核2026-11.xlsx
    """
    from ..server.assessment import as_json as plain  # noqa: PLC0415
    from ..server.assessment import assessment, parse_period, write_xlsx  # noqa: PLC0415

    try:
        p = parse_period(period)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--period") from None
    sdb = _open(db_url)
    try:
        with sdb.read() as conn:
            result = assessment(conn, p, by=by)
    finally:
        sdb.dispose()
    if xlsx:
        write_xlsx(result, xlsx)
    mark = {"green": "绿", "amber": "黄", "red": "红", None: ""}
    lines = [f"考核评价 {result['period']} (by {by}, as of {result['as_of']})",
             "name | cases | 响应率 | 结案率 | 按期率 | 满意率 | overdue"]
    for r in [*result["rows"], {**result["total"], "name": "合计"}]:
        lines.append(f"{r['name']} | {r['cases']} | " + " | ".join(
            f"{_pct(r[k])}{mark[r['colours'][k]]}" for k in ("response_rate", "closure_rate", "on_time_rate",
                                                              "satisfaction_rate")) + f" | {r['overdue']}")
    if result["blacklist"]:
        lines += ["黑榜:"] + [f"  {i}. {b['department']}  {b['overdue']}" for i, b in enumerate(result["blacklist"], 1)]
    emit(plain(result), as_json, "\n".join(lines))


@server_group.command("assess-settings")
@db_option
@click.option("--response-hours", type=float, default=None, help="Hours a case may wait for acceptance (响应).")
@click.option("--threshold", "thresholds", multiple=True, metavar="RATE=GREEN,RED",
              help="e.g. closure_rate=0.9,0.75 (rates: response_rate, closure_rate, on_time_rate, satisfaction_rate)")
@json_option
@friendly_errors
def assess_settings(db_url, response_hours, thresholds, as_json):
    """Show or set the city's assessment settings: the response limit and the 红绿 thresholds.

    Example: gridworker server assess-settings --db ./server.db --threshold closure_rate=0.92,0.8
    """
    from ..server.assessment import load_settings, save_settings  # noqa: PLC0415

    values: dict = {}
    if response_hours is not None:
        values["response_hours"] = response_hours
    parsed = {}
    for t in thresholds:
        try:
            rate, pair = t.split("=", 1)
            green, red = (float(x) for x in pair.split(","))
        except ValueError:
            raise click.BadParameter(f"{t}: 应为 指标=绿,红，例：closure_rate=0.9,0.75", param_hint="--threshold") from None
        parsed[rate.strip()] = {"green": green, "red": red}
    if parsed:
        values["thresholds"] = parsed
    sdb = _open(db_url)
    try:
        with sdb.write() as conn:
            try:
                result = save_settings(conn, values, "server-cli") if values else load_settings(conn)
            except ValueError as exc:
                raise click.ClickException(str(exc)) from None
    finally:
        sdb.dispose()
    emit(result, as_json, f"response within {result['response_hours']} h\n" + "\n".join(
        f"  {k}: green >= {v['green']}, red < {v['red']}" for k, v in result["thresholds"].items()))


COMMANDS = [server_group]


# --------------------------------------------------------------------------- the city console's accounts (#16)
@server_group.group("console-user")
def console_user_group() -> None:
    """Accounts of the city console (street / district / city / department staff)."""


@console_user_group.command("add")
@db_option
@click.option("--username", required=True)
@click.option("--role", required=True, type=click.Choice(["street", "district", "city", "department"]))
@click.option("--org", "org", required=True, help="Code (or id) of the street / district / city the account serves.")
@click.option("--department", default=None, help="For --role department: a department of that level's list "
                                                 "(gridworker server departments).")
@click.option("--display-name", default=None)
@click.option("--password-stdin", is_flag=True, required=True, help="Read the password from standard input.")
@json_option
@_auth_errors
@friendly_errors
def console_user_add(db_url, username, role, org, department, display_name, password_stdin, as_json):
    """Create a console account (Argon2id password hash; the password rule applies).

    Example: echo 'Tea-kettle-on-Tuesday' | gridworker server console-user add --db ./server.db
    --username jd_li --role street --org 320213001 --password-stdin

    Example: echo 'Lamp-post-at-noon-7' | gridworker server console-user add --db ./server.db
    --username cg_wang --role department --org 320213001 --department 街道城管中队 --password-stdin
    """
    from ..server.auth import CONSOLE_ROLES  # noqa: PLC0415
    from ..server.auth import add_user as create  # noqa: PLC0415
    from ..server.auth import require_strong_password  # noqa: PLC0415

    password = sys.stdin.readline().rstrip("\r\n")
    require_strong_password(password, username)
    sdb = _open(db_url)
    try:
        with sdb.write() as conn:
            user = create(conn, username, password, role, org, display_name, department=department,
                          roles=CONSOLE_ROLES)
    finally:
        sdb.dispose()
    emit({**user.as_dict(), "department": user.department}, as_json,
         f"console user {user.username} ({user.role}{' · ' + user.department if user.department else ''}) created")


@console_user_group.command("list")
@db_option
@json_option
@friendly_errors
def console_user_list(db_url, as_json):
    """The console accounts: name, role, org unit, department, active.

    Example: gridworker server console-user list --db ./server.db --json
    """
    from sqlalchemy import text  # noqa: PLC0415

    sdb = _open(db_url)
    try:
        with sdb.read() as conn:
            rows = [dict(r) for r in conn.execute(text(
                "SELECT u.username, u.display_name, u.role, o.code AS org, u.department, u.active FROM server_user u "
                "LEFT JOIN org_unit o ON o.id = u.org_id WHERE u.role IN ('street', 'district', 'city', 'department') "
                "ORDER BY u.role, u.username")).mappings()]
    finally:
        sdb.dispose()
    for r in rows:
        r["active"] = bool(r["active"])
    emit(rows, as_json, "\n".join(f"{r['username']:<20} {r['role']:<11} {r['org'] or '':<14} {r['department'] or '':<12} "
                                  f"{'active' if r['active'] else 'disabled'}" for r in rows) or "no console users")


def _console_change(db_url, username, fn, *args):
    sdb = _open(db_url)
    try:
        with sdb.write() as conn:
            return fn(conn, None, username, *args)
    finally:
        sdb.dispose()


@console_user_group.command("disable")
@db_option
@click.option("--username", required=True)
@json_option
@_auth_errors
@friendly_errors
def console_user_disable(db_url, username, as_json):
    """Disable a console account (its sessions end at once).

    Example: gridworker server console-user disable --db ./server.db --username jd_li
    """
    from ..server.console import set_active  # noqa: PLC0415

    emit(_console_change(db_url, username, set_active, False), as_json, f"{username} disabled")


@console_user_group.command("enable")
@db_option
@click.option("--username", required=True)
@json_option
@_auth_errors
@friendly_errors
def console_user_enable(db_url, username, as_json):
    """Enable a disabled console account again.

    Example: gridworker server console-user enable --db ./server.db --username jd_li
    """
    from ..server.console import set_active  # noqa: PLC0415

    emit(_console_change(db_url, username, set_active, True), as_json, f"{username} enabled")


@console_user_group.command("reset-password")
@db_option
@click.option("--username", required=True)
@click.option("--password-stdin", is_flag=True, required=True, help="Read the new password from standard input.")
@json_option
@_auth_errors
@friendly_errors
def console_user_reset(db_url, username, password_stdin, as_json):
    """Set a console account's password (its sessions end; the password rule applies).

    Example: echo 'Kettle-on-a-Wednesday' | gridworker server console-user reset-password --db ./server.db
    --username jd_li --password-stdin
    """
    from ..server.console import reset_password  # noqa: PLC0415

    password = sys.stdin.readline().rstrip("\r\n")
    emit(_console_change(db_url, username, reset_password, password), as_json, f"{username}: password reset")


@server_group.command("departments")
@db_option
@click.option("--add", "add", default=None, help="Add a department: LEVEL:NAME (level street / district / city).")
@json_option
@_auth_errors
@friendly_errors
def departments_cmd(db_url, add, as_json):
    """The departments per level a case may be dispatched to (城管, 市场监管, 住建, 公安 …).

    Example: gridworker server departments --db ./server.db --add street:街道环卫所
    """
    from ..server.console import add_department, departments  # noqa: PLC0415

    sdb = _open(db_url)
    try:
        with sdb.write() as conn:
            if add:
                level, _, name = add.partition(":")
                add_department(conn, level.strip(), name)
            rows = departments(conn)
    finally:
        sdb.dispose()
    for r in rows:
        r["active"] = bool(r["active"])
    emit(rows, as_json, "\n".join(f"{r['level']:<9} {r['name']}" for r in rows))
