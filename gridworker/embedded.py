"""The sync server in a background thread: uvicorn serving ``create_app`` on 127.0.0.1.

    with EmbeddedServer("/tmp/server.db") as srv:        # a free port, plain HTTP
        enroll(db, srv.url, "gw1", "secret-pass")

The one in-thread server of the demo, the self-check, the benchmarks and the tests (a real server
on a real socket: the laptop's HTTP behaviour is what it would be against `gridworker server run`).
``start_demo_server`` seeds a demo city on first use, for the app's demo (gridworker/ui/demo_env.py).
"""
from __future__ import annotations

import socket
import threading
import time
from pathlib import Path
from typing import Any

from .server.app import create_app
from .server.db import ServerDB, open_server_db


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class EmbeddedServer:
    """uvicorn serving ``create_app(db)`` on 127.0.0.1, in a daemon thread, until stopped.

    ``db``: a server database URL or path, or an open :class:`ServerDB` (then the caller disposes
    it). ``port`` 0 takes a free one; ``certfile``/``keyfile`` serve HTTPS. ``log_config``,
    ``log_level`` and ``access_log`` as for ``uvicorn.Config`` (warnings only by default).
    """

    def __init__(self, db: str | Path | ServerDB, *, port: int = 0, certfile: str | Path | None = None,
                 keyfile: str | Path | None = None, log_config: dict | None = None, log_level: str = "warning",
                 access_log: bool = False):
        import uvicorn  # noqa: PLC0415 - keep `gridworker --help` fast

        self._owns_db = not isinstance(db, ServerDB)
        self.sdb = open_server_db(str(db)) if self._owns_db else db
        self.app = create_app(self.sdb)
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", port))
        self.port = int(self._sock.getsockname()[1])
        scheme = "https" if certfile else "http"
        self.url = f"{scheme}://127.0.0.1:{self.port}"
        self.console_url = f"{self.url}/console"  # the city console (#16), same server
        options: dict[str, Any] = {"log_config": log_config} if log_config is not None else {}
        if certfile:
            options.update(ssl_certfile=str(certfile), ssl_keyfile=str(keyfile))
        config = uvicorn.Config(self.app, log_level=log_level, access_log=access_log, timeout_keep_alive=30,
                                lifespan="off", **options)
        self.server = uvicorn.Server(config)
        self.server.install_signal_handlers = lambda: None  # not the main thread; the app owns signals
        self._thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self._sock]},
                                        name="gridworker-embedded-server", daemon=True)

    def start(self, timeout: float = 20.0) -> "EmbeddedServer":
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"内置同步服务器没有启动（端口 {self.port}）")
            time.sleep(0.02)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self.server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout)
        self._sock.close()
        if self._owns_db:
            self.sdb.dispose()

    def __enter__(self) -> "EmbeddedServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def seed_demo_server(db_path: str | Path, households: int, seed: int = 1) -> dict[str, Any]:
    """Write a demo city and its demo users into a new server database (see server/seed.py)."""
    from .server.seed import seed_demo  # noqa: PLC0415

    sdb = open_server_db(str(db_path))
    try:
        return seed_demo(sdb, households, seed)
    finally:
        sdb.dispose()
