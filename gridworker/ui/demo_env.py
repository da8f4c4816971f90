"""A demo to try the app on: an embedded sync server on SQLite, a seeded community, an enrolled laptop.

    env = DemoEnvironment.create(Path("~/gridworker-demo"), households=2000)
    env.session          # logged in as the demo grid worker
    env.server.url       # http://127.0.0.1:<free port>
    env.stop()

The server is uvicorn in a background thread on a free loopback port, so the app's sync (and its
progress bar, conflicts, offline indicator) works exactly as against a real server. A second run on
the same folder reuses the server database and the laptop (the demo users' passwords are kept in
``demo.json`` in the folder: they are demo accounts on a local server, nothing else).
"""
from __future__ import annotations

import json
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from .context import Session

SERVER_DB = "server.db"
LAPTOP_DIR = "laptop"
INFO_FILE = "demo.json"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class EmbeddedServer:
    """The sync server (FastAPI under uvicorn) in a daemon thread on 127.0.0.1."""

    def __init__(self, db_path: Path, port: int | None = None):
        import uvicorn  # noqa: PLC0415

        from ..server.app import create_app  # noqa: PLC0415

        self.db_path = Path(db_path)
        self.port = port or free_port()
        self.app = create_app(str(self.db_path))
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning",
                                lifespan="off")
        self.server = uvicorn.Server(config)
        self.server.install_signal_handlers = lambda: None  # not the main thread; Qt owns signals
        self.thread = threading.Thread(target=self.server.run, name="gridworker-demo-server", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 20.0) -> "EmbeddedServer":
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"演示服务器没有启动（端口 {self.port}）")
            time.sleep(0.02)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self.server.should_exit = True
        self.thread.join(timeout)
        sdb = getattr(self.app.state, "sdb", None)
        if sdb is not None:
            sdb.dispose()


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
    def db_path(self) -> Path:
        return self.laptop_dir / "gridworker.db"

    @classmethod
    def create(cls, folder: Path, households: int = 2000, seed: int = 1,
               progress: Callable[[str], None] | None = None) -> "DemoEnvironment":
        """Start (seeding and enrolling on first use) the demo in ``folder``.

        The demo laptop is encrypted like a real one; every demo user of its community (passwords in
        ``users``) has a key slot, so each can log in on it.
        """
        from ..server.db import open_server_db  # noqa: PLC0415
        from ..server.seed import seed_demo  # noqa: PLC0415
        from ..sync.laptop import LOCKED, Laptop  # noqa: PLC0415

        say = progress or (lambda _m: None)
        folder = Path(folder).expanduser()
        folder.mkdir(parents=True, exist_ok=True)
        info_path = folder / INFO_FILE
        info: dict[str, Any] = json.loads(info_path.read_text("utf-8")) if info_path.exists() else {}
        if not info.get("users"):
            say(f"seeding a demo community of {households} households on the embedded server…")
            sdb = open_server_db(str(folder / SERVER_DB))
            try:
                seeded = seed_demo(sdb, households, seed)
            finally:
                sdb.dispose()
            info = {"users": seeded["users"], "communities": seeded["communities"]}
            info_path.write_text(json.dumps(info, ensure_ascii=False, indent=1), "utf-8")
        server = EmbeddedServer(folder / SERVER_DB, port=info.get("port")).start()
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


def _add_demo_users(laptop, login, users: list[dict], worker: dict) -> None:
    """The community's other demo users and the admin get a slot too (their passwords checked by the
    server, as the app's 添加本机用户 does), so each of them can log in on the demo laptop."""
    for u in users:
        if u["username"] != worker["username"] and (u["org"] == worker["org"] or u["role"] == "admin"):
            laptop.add_user(login.db, login.key, u["username"], u["password"])
