"""Hybrid logical clock stamps for the audit trail. They never decide a winner."""
from __future__ import annotations

import threading
import time


class HybridClock:
    """Issues stamps ``"<ms:013d>-<counter:04d>-<node>"`` that sort in causal order."""

    def __init__(self, node: str, wall=lambda: time.time_ns() // 1_000_000):
        self.node = node
        self._wall = wall
        self._ms = 0
        self._counter = 0
        self._lock = threading.Lock()

    def now(self) -> str:
        with self._lock:
            wall = self._wall()
            if wall > self._ms:
                self._ms, self._counter = wall, 0
            else:
                self._counter += 1
            return f"{self._ms:013d}-{self._counter:04d}-{self.node}"

