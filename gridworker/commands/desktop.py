"""`gridworker demo`, `gridworker app`, `gridworker screenshots`: the desktop app."""
from __future__ import annotations

from pathlib import Path

import click

from ..logsetup import setup_logging


def _default_data_dir() -> Path:
    import platformdirs  # noqa: PLC0415

    return Path(platformdirs.user_data_dir("gridworker", "gridworker"))


def _default_demo_dir() -> Path:
    return _default_data_dir().parent / "gridworker-demo"


@click.command("demo")
@click.option("--data-dir", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for the demo server and laptop (default: a gridworker-demo folder in your user data).")
@click.option("--households", default=2000, show_default=True, help="Households of the demo community.")
@click.option("--seed", default=1, show_default=True, help="Seed of the demo data generator.")
def demo(data_dir: Path | None, households: int, seed: int) -> None:
    """Start the desktop app on a demo community (the first command to try).

    Starts an embedded sync server on SQLite (on a free loopback port), seeds a demo community,
    enrols a laptop (encrypted, a key slot for each demo user of its community) and opens the app
    logged in as the demo grid worker. A second run on the same folder reuses both.
    Example: gridworker demo --data-dir ./demo
    """
    from ..ui.app import configure_application, start  # noqa: PLC0415
    from ..ui.demo_env import DemoEnvironment  # noqa: PLC0415

    setup_logging()
    folder = data_dir or _default_demo_dir()
    configure_application()
    env = DemoEnvironment.create(folder, households=households, seed=seed, progress=click.echo)
    click.echo(f"demo server: {env.server.url}   laptop: {env.laptop_dir}")
    click.echo("demo users of this laptop (username / password / role); Ctrl+L in the app switches to one:")
    for u in env.laptop_users:
        click.echo(f"  {u['username']} / {u['password']} / {u.get('label') or u['role']}")
    console_users = env.console_users
    if console_users:
        click.echo(f"city console (a browser): {env.console_url}   users (username / password / role):")
        for u in console_users:
            click.echo(f"  {u['username']} / {u['password']} / {u.get('display_name') or u['role']}")
    try:
        code = start(env.laptop_dir, session=env.session, key=env.key, demo_users=env.laptop_users)
    finally:
        env.stop()
    raise SystemExit(code)


@click.command("app")
@click.option("--data-dir", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The laptop's data folder (default: your user data folder).")
def app(data_dir: Path | None) -> None:
    """Open the desktop app on this laptop's data folder (log in, or enrol on first run).

    Example: gridworker app --data-dir ./demo/laptop
    """
    from ..ui.app import configure_application, start  # noqa: PLC0415
    from ..ui.settings import Settings  # noqa: PLC0415

    setup_logging()
    configure_application()
    settings = Settings()
    folder = data_dir or (Path(settings.data_dir) if settings.data_dir else _default_data_dir())
    holder: dict = {}

    def open_demo():
        from ..ui.demo_env import DemoEnvironment  # noqa: PLC0415

        env = DemoEnvironment.create(_default_demo_dir())
        holder["env"] = env
        return env.laptop_dir, env.session, env.key

    try:
        code = start(folder, settings=settings, open_demo=open_demo)
    finally:
        if "env" in holder:
            holder["env"].stop()
    raise SystemExit(code)


@click.command("screenshots")
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), default=Path("docs/screenshots"),
              show_default=True, help="Folder for the PNG files.")
@click.option("--data-dir", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Demo folder to use (default: a new temporary one).")
@click.option("--households", default=600, show_default=True, help="Households of the demo community.")
def screenshots(out: Path, data_dir: Path | None, households: int) -> None:
    """Render every workspace with demo data, in Chinese, to PNG files (for the README).

    Example: gridworker screenshots --out docs/screenshots
    """
    import tempfile  # noqa: PLC0415

    from ..ui.screenshots import offscreen  # noqa: PLC0415

    offscreen()
    from ..store.database import Database  # noqa: PLC0415
    from ..ui.app import Translator, configure_application  # noqa: PLC0415
    from ..ui.demo_env import DemoEnvironment  # noqa: PLC0415
    from ..ui.main_window import MainWindow  # noqa: PLC0415
    from ..ui.screenshots import conflict_shot, household_page_shot, login_shot, render_all  # noqa: PLC0415
    from ..ui.settings import Settings  # noqa: PLC0415

    qapp = configure_application(["gridworker"])
    with tempfile.TemporaryDirectory() as tmp:
        folder = data_dir or Path(tmp) / "demo"
        settings = Settings.at(Path(tmp) / "settings.ini")
        settings.language = "zh_CN"
        settings.idle_lock_minutes = 0
        translator = Translator(qapp)
        translator.install("zh_CN")
        env = DemoEnvironment.create(folder, households=households, progress=click.echo)
        db = Database.open(env.db_path, key=env.key)
        try:
            window = MainWindow(db, env.session, settings=settings, translator=translator, data_dir=env.laptop_dir)
            written = render_all(window, out, extra=household_page_shot)
            written.append(login_shot(db, out, settings))
            if data_dir is None:  # makes a second demo laptop: only in a throwaway folder
                written.append(conflict_shot(window, env, out))
            window.close()
            window.tasks.wait_all()
        finally:
            db.close()
            env.stop()
    for p in written:
        click.echo(str(p))


COMMANDS = [demo, app, screenshots]
