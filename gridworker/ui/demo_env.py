"""A demo to try the app on: an embedded sync server on SQLite, a seeded community, an enrolled laptop.

    env = DemoEnvironment.create(Path("~/gridworker-demo"), households=2000)
    env.session          # logged in as the demo grid worker
    env.server.url       # http://127.0.0.1:<free port>
    env.stop()

The server is :class:`gridworker.embedded.EmbeddedServer`, uvicorn in a background thread on a free loopback port, so the app's sync (and its
progress bar, conflicts, offline indicator) works exactly as against a real server. A second run on
the same folder reuses the server database and the laptop (the demo users' passwords are kept in
``demo.json`` in the folder: they are demo accounts on a local server, nothing else).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from ..embedded import EmbeddedServer, seed_demo_server
from .context import Session

SERVER_DB = "server.db"
LAPTOP_DIR = "laptop"
INFO_FILE = "demo.json"


@dataclass
class DemoEnvironment:
    """``key`` opens the demo laptop's encrypted database (``Database.open(path, key=env.key)``)."""

    folder: Path
    server: EmbeddedServer
    laptop_dir: Path
    session: Session
    users: list[dict]
    key: bytes

    @property
    def laptop_users(self) -> list[dict]:
        """The demo users with a key slot on the demo laptop (its community's, and the admin)."""
        worker = next(u for u in self.users if u["role"] == "grid_worker")
        return [u for u in self.users if u["org"] == worker["org"] or u["role"] == "admin"]

    @property
    def console_users(self) -> list[dict]:
        """The demo accounts of the city console (street, district, city, department; #16)."""
        return console_users(self.users)

    @property
    def console_url(self) -> str:
        return f"{self.server.url}/console"

    @property
    def db_path(self) -> Path:
        return self.laptop_dir / "gridworker.db"

    @classmethod
    def create(cls, folder: Path, households: int = 2000, seed: int = 1,
               progress: Callable[[str], None] | None = None) -> "DemoEnvironment":
        """Start (seeding and enrolling on first use) the demo in ``folder``.

        The demo laptop is encrypted like a real one; every demo user of its community (passwords in
        ``users``) has a key slot, so each can log in on it.
        """
        from ..sync.laptop import LOCKED, Laptop  # noqa: PLC0415

        say = progress or (lambda _m: None)
        folder = Path(folder).expanduser()
        folder.mkdir(parents=True, exist_ok=True)
        info_path = folder / INFO_FILE
        info: dict[str, Any] = json.loads(info_path.read_text("utf-8")) if info_path.exists() else {}
        if not info.get("users"):
            say(f"seeding a demo community of {households} households on the embedded server…")
            seeded = seed_demo_server(folder / SERVER_DB, households, seed)
            info = {"users": seeded["users"], "communities": seeded["communities"]}
            info_path.write_text(json.dumps(info, ensure_ascii=False, indent=1), "utf-8")
        server = EmbeddedServer(folder / SERVER_DB, port=info.get("port") or 0).start()
        users = info["users"]
        worker = next(u for u in users if u["role"] == "grid_worker")
        laptop_dir = folder / LAPTOP_DIR
        laptop = Laptop(laptop_dir)
        try:
            if laptop.state == LOCKED:
                login = laptop.login(worker["username"], worker["password"], online_check=False)
                # The port changes between runs: point the laptop at this run's server.
                login.db.set_state("server_url", server.url)
            else:
                say(f"enrolling the demo laptop as {worker['username']} (first sync)…")
                login = laptop.enroll(server.url, worker["username"], worker["password"])
                _add_demo_users(laptop, login, users, worker)
            login.db.close()
        except BaseException:
            server.stop()
            raise
        return cls(folder, server, laptop_dir, Session.from_slot(login.slot), users, login.key)

    def stop(self) -> None:
        self.server.stop()


def console_users(users: list[dict]) -> list[dict]:
    return [u for u in users if u.get("console")]


def _add_demo_users(laptop, login, users: list[dict], worker: dict) -> None:
    """The community's other demo users and the admin get a slot too (their passwords checked by the
    server, as the app's 添加本机用户 does), so each of them can log in on the demo laptop."""
    for u in users:
        if u["username"] != worker["username"] and (u["org"] == worker["org"] or u["role"] == "admin"):
            laptop.add_user(login.db, login.key, u["username"], u["password"])
