"""Plain helpers for the UI tests (a module with its own name: `conftest` is ambiguous on sys.path)."""
from __future__ import annotations

PASSWORD = "mima-2024"


def wait_tasks(qtbot, tasks, timeout: int = 20_000) -> None:
    """Wait until every background task has ended and delivered its result (twice: a result may start more)."""
    for _ in range(3):
        qtbot.waitUntil(lambda: not tasks.active, timeout=timeout)
        qtbot.wait(20)
