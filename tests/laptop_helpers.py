"""The test laptop's user (see the `db` fixture in tests/conftest.py), for tests that unlock the
encrypted data folder through the CLI or another process."""
from __future__ import annotations

SETUP_USER = "setup"
SETUP_PASSWORD = "pw-setup"

# Appended to a CLI command that opens the `db` fixture's folder; give SETUP_STDIN as its input.
UNLOCK = ["--user", SETUP_USER, "--password-stdin"]
SETUP_STDIN = SETUP_PASSWORD + "\n"


def raw_bytes(folder) -> bytes:
    """Every byte of every file in a laptop's data folder (database, WAL, key file, backups…)."""
    from pathlib import Path

    return b"".join(p.read_bytes() for p in sorted(Path(folder).rglob("*")) if p.is_file())


def new_laptop(folder, *, username: str = SETUP_USER, password: str = SETUP_PASSWORD, role: str = "admin"):
    """A new encrypted laptop database in ``folder`` with one user's key slot (opened)."""
    from pathlib import Path

    from gridworker.store.database import Database
    from gridworker.store.keyslots import KeySlots

    path = Path(folder) / "gridworker.db"
    slots, key = KeySlots.create(path)
    slots.add_user(key, user_id=f"user-{username}", username=username, display_name=username, role=role,
                   org_id=None, password=password, online=False)
    return Database.open(path, key=key)


def add_laptop_user(db, username: str, password: str, *, role: str, display_name: str | None = None,
                    user_id: str | None = None) -> None:
    """Another local user of the `db` fixture's laptop (a key slot sealed with its data key), so a
    test can act as a party member or grid worker through the CLI."""
    from gridworker.sync.laptop import Laptop

    Laptop(db.path.parent).slots.add_user(db.key, user_id=user_id or f"user-{username}", username=username,
                                          display_name=display_name or username, role=role, org_id=None,
                                          password=password, online=False)
