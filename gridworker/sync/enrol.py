"""Enrolling a laptop with the sync server, and the offline-login hash it keeps.

Split from :mod:`.engine` (which syncs an enrolled laptop). No Qt here.
"""
from __future__ import annotations

import secrets
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable

from ..store.database import Database
from ..store import local
from ..store.local import State
from .engine import CA_PATH, CONFLICT_SEQ, CURSOR, RESNAPSHOT, SERVER_URL, TOKEN, Progress, SyncEngine
from .transport import Transport

_HASHER = None


def local_hasher():
    """The Argon2id hasher for offline login (library defaults; tests may swap in cheaper costs)."""
    global _HASHER
    if _HASHER is None:
        from argon2 import PasswordHasher  # noqa: PLC0415

        _HASHER = PasswordHasher()
    return _HASHER


def enroll(db: Database, server_url: str, username: str, password: str, *, community: str | None = None,
           device_name: str | None = None, verify: bool | str = True, first_sync: bool = True,
           progress: Progress | None = None, cancel: Callable[[], bool] | None = None,
           offline_hash: bool | None = None) -> dict:
    """Register this laptop with the server, remember the user, then sync.

    ``offline_hash``: keep an Argon2id hash of the password in ``local_user`` for offline login.
    Only an unencrypted database needs one (``None``: when ``db`` has no key): an encrypted
    laptop's offline login is its key slot (store/keyslots.py, sealed by :meth:`Laptop.enroll`),
    so a second Argon2id here would only make enrolment slower.
    """
    transport = Transport(server_url, verify=verify, cancel=cancel)
    outbox_seq = int(db.get_state(State.OUTBOX_SEQ) or 0)
    if offline_hash is None:
        offline_hash = db.key is None
    with ThreadPoolExecutor(max_workers=1) as pool:
        # The offline-login hash (Argon2id, ~0.2 s) is computed while the server checks the password.
        local_hash = pool.submit(local_hasher().hash, password) if offline_hash else None
        reply = transport.call("POST", "/auth/enroll", body={
            "username": username, "password": password, "device_id": db.device_id,
            "device_name": device_name, "community": community, "outbox_start": outbox_seq + 1,
            # Our own token: a retried or duplicated request cannot leave us holding a replaced one.
            "token": secrets.token_urlsafe(32)})
        local_hash = local_hash.result() if local_hash is not None else None
    user = reply["user"]
    moved = (db.community_id not in (None, reply["community_id"])
             or db.get_state(SERVER_URL) not in (None, server_url.rstrip("/")))
    with db.sync_transaction() as conn:
        if moved:
            # Another community or server: its change numbers mean nothing here. Start from a
            # snapshot; afterwards rows that are not the new community's are dropped (bucket repair).
            for key, value in ((CURSOR, "0"), (RESNAPSHOT, "1"), (CONFLICT_SEQ, None)):
                db.set_state(key, value, conn)
        for key, value in ((SERVER_URL, server_url.rstrip("/")), (TOKEN, reply["token"]),
                           (State.COMMUNITY_ID, reply["community_id"]), (State.COMMUNITY_CODE, reply["community_code"]),
                           (State.COMMUNITY_NAME, reply["community_name"]), (State.USER_ID, user["id"]),
                           (State.USERNAME, user["username"]), (State.EXPORT_PUBLIC_KEY, reply.get("export_public_key")),
                           # Sent once per enrolment; signs a lost-laptop export (sync/lost.py). The
                           # database is encrypted, so local_state is a sealed place for it.
                           (State.EXPORT_SECRET, reply.get("export_secret")),
                           # Absolute: later syncs run from any working directory (the app, a timer).
                           (CA_PATH, str(Path(verify).resolve()) if isinstance(verify, str) else None)):
            db.set_state(key, value, conn)
        local.remember_user(conn, user, password_hash=local_hash)
        credential = reply.get("user_secret")
        if credential:
            # This user's credential on this device (store/signing.py): their changes are signed
            # with it from now on (Laptop.enroll seals it in their key slot), and the ones they made
            # before the laptop had it too.
            db.keep_credential(user["id"], credential)
            local.sign_pending(conn, user["id"], db.credential_of(user["id"]))
    out = {"device_id": reply["device_id"], "community": reply["community_id"],
           "community_code": reply["community_code"], "community_name": reply["community_name"],
           "user": user["username"], "role": user["role"]}
    if first_sync:
        engine = SyncEngine(db, progress=progress, cancel=cancel)
        out["sync"] = engine.sync().as_dict()
    return out

