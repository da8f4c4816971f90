"""The central sync server (FastAPI): ``app.create_app(db_url)``; see ARCHITECTURE.md §4–5.

Modules: ``db`` (engine, transactions, the per-community counter), ``models`` (server-only tables),
``auth`` (users, passwords, device tokens, throttling, org scope), ``push`` (applying entries and
merging), ``pull`` (snapshot and change pages), ``moves``, ``prune`` (the horizon), ``seed``
(demo city and users), ``errors`` (what the work modules refuse with); HTTP: ``app``, ``deps``,
``routers``, ``limits``; ``testing`` (a live server for tests and benches).
"""
