"""A loopback TCP proxy that breaks HTTP requests on purpose, between laptops and a sync server.

    proxy = FaultProxy(server_port, seed=7, rate=0.3).start()
    ... laptops use proxy.url ...
    proxy.counts   # faults injected, by kind

Real sockets and threads: each client connection is read as one HTTP/1.1 request (head, then a
``Content-Length`` body), and with probability ``rate`` (a seeded RNG) one fault is applied to it:

- ``drop_request``: the connection is closed before anything reaches the server;
- ``drop_reply``: the server gets the request and answers (it committed), the client hears nothing;
- ``duplicate``: the request is sent to the server twice at once; the client gets one of the replies;
- ``delay``: the request waits (``max_delay`` at most) before it is forwarded;
- ``cut_reply``: the reply's head and half of its body are sent, then the connection is closed.

Otherwise the request passes through. Every reply goes out with ``Connection: close`` (one request
per connection), so a fault never leaves a half-used connection in the client's pool. Only paths
starting with one of ``paths`` are faulted (the rest always pass).
"""
from __future__ import annotations

import random
import socket
import threading
import time
from collections import Counter

KINDS = ("drop_request", "drop_reply", "duplicate", "delay", "cut_reply")
MAX_HEAD = 64 * 1024


class ProxyError(Exception):
    pass


def _read_request(sock: socket.socket) -> bytes | None:
    """One whole HTTP request (head and body) from the client, or None if it closed first."""
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        buf += chunk
        if len(buf) > MAX_HEAD and b"\r\n\r\n" not in buf:
            raise ProxyError("request head too long")
    head, _, body = buf.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
        elif name.strip().lower() == b"transfer-encoding":
            raise ProxyError("chunked request bodies are not supported by this proxy")
    while len(body) < length:
        chunk = sock.recv(min(1 << 20, length - len(body)))
        if not chunk:
            return None
        body += chunk
    return head + b"\r\n\r\n" + body


def _with_close(message: bytes) -> bytes:
    """The same message with its Connection header replaced by ``Connection: close``."""
    head, _, body = message.partition(b"\r\n\r\n")
    lines = [ln for ln in head.split(b"\r\n") if not ln.lower().startswith(b"connection:")]
    lines.append(b"Connection: close")
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def _path(request: bytes) -> str:
    try:
        return request.split(b"\r\n", 1)[0].split(b" ")[1].decode("latin-1")
    except IndexError:
        return ""


class FaultProxy:
    def __init__(self, upstream_port: int, *, seed: int | str, rate: float = 0.3, max_delay: float = 0.3,
                 kinds: tuple[str, ...] = KINDS, paths: tuple[str, ...] = ("/",),
                 upstream_host: str = "127.0.0.1"):
        self.upstream = (upstream_host, upstream_port)
        self.rate = rate
        self.max_delay = max_delay
        self.kinds = kinds
        self.paths = paths
        self.enabled = True
        self.counts: Counter[str] = Counter()
        self.requests = 0
        self.upstream_sends = 0
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self._listener.settimeout(0.2)
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._acceptor = threading.Thread(target=self._accept_loop, name="fault-proxy", daemon=True)
        self.errors: list[str] = []

    # ------------------------------------------------------------------ life
    def start(self) -> "FaultProxy":
        self._acceptor.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._acceptor.join(timeout=10)
        self._listener.close()
        for t in list(self._threads):
            t.join(timeout=10)

    def __enter__(self) -> "FaultProxy":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            t = threading.Thread(target=self._serve, args=(client,), daemon=True)
            self._threads = [x for x in self._threads if x.is_alive()] + [t]
            t.start()

    # ------------------------------------------------------------------ one request
    def _choose(self, path: str) -> tuple[str | None, float, bool]:
        with self._lock:
            self.requests += 1
            if not self.enabled or not path.startswith(self.paths) or self._rng.random() >= self.rate:
                return None, 0.0, False
            kind = self._rng.choice(self.kinds)
            self.counts[kind] += 1
            return kind, self._rng.uniform(0.02, self.max_delay), self._rng.random() < 0.5

    def _forward(self, request: bytes) -> bytes:
        with self._lock:
            self.upstream_sends += 1
        with socket.create_connection(self.upstream, timeout=120) as up:
            up.sendall(_with_close(request))
            chunks = []
            while True:
                chunk = up.recv(1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
        return b"".join(chunks)

    def _serve(self, client: socket.socket) -> None:
        try:
            client.settimeout(120)
            request = _read_request(client)
            if request is None:
                return
            kind, delay, second_wins = self._choose(_path(request))
            if kind == "drop_request":
                return
            if kind == "delay":
                time.sleep(delay)
            if kind == "duplicate":
                replies: list[bytes | None] = [None, None]

                def send(i: int) -> None:
                    replies[i] = self._forward(request)

                twins = [threading.Thread(target=send, args=(i,)) for i in (0, 1)]
                for t in twins:
                    t.start()
                for t in twins:
                    t.join()
                reply = replies[1 if second_wins else 0]
            else:
                reply = self._forward(request)
            if not reply:
                return
            if kind == "drop_reply":
                return
            reply = _with_close(reply)
            if kind == "cut_reply":
                head, _, body = reply.partition(b"\r\n\r\n")
                client.sendall(head + b"\r\n\r\n" + body[:len(body) // 2])
                return
            client.sendall(reply)
        except (OSError, ProxyError) as exc:
            self.errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            try:
                client.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            client.close()

    def summary(self) -> dict:
        with self._lock:
            return {"requests": self.requests, "upstream_sends": self.upstream_sends,
                    **{k: self.counts.get(k, 0) for k in KINDS}}
