"""Work around PySide6 6.12 on Python 3.11: every call of a Qt method that returns nothing drops
one reference to ``None`` without having taken it (shiboken relies on ``None`` being immortal,
which it is only from Python 3.12). After a few thousand calls Python aborts with
"none_dealloc: deallocating None". Giving ``None`` an enormous reference count makes it as
immortal as 3.12 does; ``None`` is never freed anyway, so nothing else changes.

Imported first by ``gridworker.ui``; does nothing on Python 3.12 and later. The real fix is a
Python >= 3.12 runtime or PySide6 < 6.12.
"""
from __future__ import annotations

import ctypes
import sys

_PINNED = False


def pin_none() -> None:
    global _PINNED
    if _PINNED or sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    ctypes.c_ssize_t.from_address(id(None)).value += 1 << 48
    _PINNED = True


pin_none()
