"""Failed-login bookkeeping, in memory, one guard per server database: a lock per (account,
address) and a ceiling per account that slows rather than locks out.

- After ``MAX_FAILURES`` failures of one account from one address, that pair is locked for
  ``BASE_LOCK_SECONDS``, doubling with each further failure up to ``MAX_LOCK_SECONDS``. Someone
  guessing from one address cannot lock the owner (at another address) out.
- Over ``ACCOUNT_CEILING`` failures of one account within ``ACCOUNT_WINDOW`` seconds, from any
  addresses, each attempt must wait a backoff (doubling, at most ``ACCOUNT_MAX_DELAY`` seconds)
  after the last failure: many addresses guessing slowly get few guesses, the owner waits a minute
  at most, never a day.

Names that exist and names that do not are kept and answered alike (no user enumeration).
"""
from __future__ import annotations

import threading
import time
import weakref
from dataclasses import dataclass, field

from . import errors as E

MAX_FAILURES = 5
BASE_LOCK_SECONDS = 30
MAX_LOCK_SECONDS = 15 * 60
ACCOUNT_CEILING = 20
ACCOUNT_WINDOW = 15 * 60
ACCOUNT_MAX_DELAY = 60
MAX_ENTRIES = 50_000  # beyond this, idle entries are dropped (random names must not fill memory)


@dataclass
class _Pair:
    failures: int = 0
    locked_until: float = 0.0
    last: float = 0.0


@dataclass
class _Account:
    failures: list[float] = field(default_factory=list)


class LoginGuard:
    def __init__(self) -> None:
        self._pairs: dict[tuple[str, str], _Pair] = {}
        self._accounts: dict[str, _Account] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _name(username: str) -> str:
        return username[:64]

    def check(self, username: str, address: str, now: float | None = None) -> None:
        """Refuse (429) before the password is checked when this pair is locked or the account
        must wait; otherwise return."""
        now = time.time() if now is None else now
        name = self._name(username)
        with self._lock:
            pair = self._pairs.get((name, address))
            if pair is not None and pair.locked_until > now:
                wait = int(pair.locked_until - now) + 1
                raise E.AccountLocked(f"该账号登录失败次数过多，已锁定，请{wait}秒后再试", {"retry_after": wait})
            account = self._accounts.get(name)
            if account is not None:
                recent = [t for t in account.failures if now - t < ACCOUNT_WINDOW]
                account.failures = recent
                if len(recent) >= ACCOUNT_CEILING:
                    delay = min(ACCOUNT_MAX_DELAY, 2 ** (len(recent) - ACCOUNT_CEILING))
                    if now - recent[-1] < delay:
                        wait = int(delay - (now - recent[-1])) + 1
                        raise E.Throttled(f"该账号近期登录失败次数过多，请{wait}秒后再试", {"retry_after": wait})

    def failed(self, username: str, address: str, now: float | None = None) -> None:
        now = time.time() if now is None else now
        name = self._name(username)
        with self._lock:
            if len(self._pairs) > MAX_ENTRIES or len(self._accounts) > MAX_ENTRIES:
                self._prune(now)
            pair = self._pairs.setdefault((name, address), _Pair())
            pair.failures += 1
            pair.last = now
            if pair.failures >= MAX_FAILURES:
                pair.locked_until = now + min(MAX_LOCK_SECONDS, BASE_LOCK_SECONDS * 2 ** (pair.failures - MAX_FAILURES))
            account = self._accounts.setdefault(name, _Account())
            account.failures.append(now)
            del account.failures[:-4 * ACCOUNT_CEILING]

    def succeeded(self, username: str, address: str) -> None:
        with self._lock:
            self._pairs.pop((self._name(username), address), None)

    def _prune(self, now: float) -> None:
        self._pairs = {k: p for k, p in self._pairs.items()
                       if p.locked_until > now or now - p.last < ACCOUNT_WINDOW}
        self._accounts = {k: a for k, a in self._accounts.items()
                          if a.failures and now - a.failures[-1] < ACCOUNT_WINDOW}


_guards: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_default = LoginGuard()
_guards_lock = threading.Lock()


def guard_for(owner: object | None) -> LoginGuard:
    """The guard of one server (its database object); one shared guard when there is none."""
    if owner is None:
        return _default
    with _guards_lock:
        guard = _guards.get(owner)
        if guard is None:
            guard = _guards[owner] = LoginGuard()
        return guard
