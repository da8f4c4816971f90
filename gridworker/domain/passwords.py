"""The password rule, one for the server's users and the laptop's: at least 10 characters, not a
common password (nor one with digits or signs stuck on), not one character repeated, not a
keyboard or counting run, not the user name. Pure: no I/O but reading the shipped list once.

``check_password(password, username)`` returns None or raises ValidationError with a Chinese
message; the refused password itself is never put into the error (it could reach a log).
"""
from __future__ import annotations

import functools
import re
from pathlib import Path

from .errors import ValidationError

MIN_LENGTH = 10
COMMON_FILE = Path(__file__).resolve().parent.parent / "resources" / "common_passwords.txt"

# Runs people type: digits, the alphabet, keyboard rows and columns (each also backwards).
_RUNS = ("01234567890", "abcdefghijklmnopqrstuvwxyz", "qwertyuiop", "asdfghjkl", "zxcvbnm",
         "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p", "qazwsxedcrfvtgbyhnujmikolp", "!@#$%^&*()")
_EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")


@functools.lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, lower case."""
    lines = COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))


def _refuse(code: str, message: str) -> ValidationError:
    return ValidationError("password", None, code, message)


def _is_run(s: str) -> bool:
    """Part of a run (or several runs joined: '1234567890qwerty'), or one short unit repeated."""
    if len(s) < 2:
        return True
    if len(s) > 64:
        return False  # a long passphrase is not a run (and the search below is quadratic)
    for unit in range(1, len(s) // 2 + 1):
        if len(s) % unit == 0 and s[:unit] * (len(s) // unit) == s:
            return True
    runs = _RUNS + tuple(r[::-1] for r in _RUNS)
    i = 0
    while i < len(s):
        # The longest piece from i that lies inside one run; pieces shorter than 3 do not count.
        best = max((k for k in range(len(s), i, -1) if any(s[i:k] in r for r in runs)), default=i)
        if best - i < 3:
            return False
        i = best
    return True


def _padded_common(low: str, common: frozenset[str]) -> bool:
    """A common password (6+ characters) with digits or signs, or another common word, before or after it."""
    for k in range(len(low) - 1, 5, -1):
        for word, rest in ((low[:k], low[k:]), (low[-k:], low[:-k])):
            if word in common and (not any(c.isalpha() for c in rest) or rest in common):
                return True
    return False


def check_password(password: str, username: str | None = None) -> None:
    """None when the password may be used; ValidationError (code ``weak_password``) when not."""
    if not isinstance(password, str) or len(password) < MIN_LENGTH:
        raise _refuse("weak_password", f"密码至少 {MIN_LENGTH} 位")
    low = password.lower()
    if len(set(low)) < 4:
        raise _refuse("weak_password", "密码不能是同一个或少数几个字符的重复，请换一个不易猜到的密码")
    if _is_run(low):
        raise _refuse("weak_password", "密码不能是连续的数字、字母或键盘上相邻的按键，请换一个不易猜到的密码")
    common = common_passwords()
    core = _EDGES.sub("", low)
    if low in common or (len(core) >= 4 and (core in common or _is_run(core))) or _padded_common(low, common):
        raise _refuse("weak_password", "这是常见密码（或在常见密码前后加了数字、符号），很容易被猜到，请换一个")
    name = (username or "").strip().lower()
    if len(name) >= 3 and (name in low or name[::-1] in low):
        raise _refuse("weak_password", "密码不能包含用户名")
