"""Sync between a laptop and the server (ARCHITECTURE.md §4), shared by both sides.

- :mod:`.wire` — the protocol: versions, headers, cursors, request/response schemas, gzip/orjson.
- :mod:`.merge` — the pure merge rules (server field merge with conflicts; what a laptop takes).
- :mod:`.checksum` — community checksums and 256-bucket sums, the same on SQLite and PostgreSQL.
- :mod:`.apply` — applying pulled pages / server rows to the laptop inside one transaction
  (``apply_changes``, ``apply_snapshot``, ``apply_server_rows``; search-index hook).
- :mod:`.transport` — ``requests`` with timeouts, TLS, gzip, retries; the sync error classes.
- :mod:`.engine` — ``SyncEngine(db, progress=, cancel=).sync() / .push() / .pull() / .verify()``,
  ``status(db)``.
- :mod:`.enrol` — ``enroll(db, url, user, password)``; the laptop's own password hasher.

Nothing here imports FastAPI or Qt; the UI calls the engine from a worker thread.
"""
