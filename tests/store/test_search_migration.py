"""The search index arrives by migration on a laptop that already holds data, and is built there."""
from __future__ import annotations

from alembic import command

from gridworker.store.connect import make_engine
from gridworker.store.database import Database
from gridworker.store.migrate import alembic_config, current_revision
from gridworker.store.search import count_households, search_households

COMMUNITY = "0190a000-0000-7000-8000-0000000000aa"


def _meta():
    return {"community_id": COMMUNITY, "versions": "{}", "deleted": 0}


def insert_rows(conn, table: str, rows: list[dict]) -> None:
    """Rows of the first schema: only the columns given (today's models have more)."""
    for r in rows:
        conn.exec_driver_sql(f"INSERT INTO {table} ({', '.join(r)}) VALUES ({', '.join('?' * len(r))})",
                             tuple(r.values()))


def test_upgrade_builds_the_index_of_an_existing_database(tmp_path):
    path = tmp_path / "gridworker.db"
    engine = make_engine(path)
    cfg = alembic_config("client")
    with engine.connect() as conn:
        with conn.begin():
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "c0001_initial")
        with conn.begin():
            insert_rows(conn, "household", [
                {"id": "h1", "address": "老街小区1幢1单元101室", "head_name": "赵老汉", "phone": "13811112222",
                 "attention_level": "normal", "tags": '["独居老人"]', **_meta()},
                {"id": "h2", "address": "老街小区2幢1单元101室", "head_name": "钱大妈",
                 "attention_level": "normal", "tags": "[]", **_meta()},
                {"id": "h3", "address": "已删小区1幢1单元101室", "head_name": "孙已删",
                 "attention_level": "normal", "tags": "[]", **{**_meta(), "deleted": 1}},
            ])
            insert_rows(conn, "resident", [
                {"id": "r1", "household_id": "h2", "name": "钱小宝", "tags": "[]", "sensitive_tags": "[]",
                 **_meta()},
            ])
        assert current_revision(conn) == "c0001_initial"
    engine.dispose()

    db = Database.open(path)
    try:
        assert db.backup_made  # the original was copied before the upgrade
        with db.read() as conn:
            assert current_revision(conn) != "c0001_initial"
            assert [h.id for h in search_households(conn, "zlh")] == ["h1"]
            assert [h.id for h in search_households(conn, "小宝")] == ["h2"]
            assert [h.id for h in search_households(conn, "2222")] == ["h1"]
            assert [h.id for h in search_households(conn, "", tag="独居老人")] == ["h1"]
            assert search_households(conn, "孙") == []  # a tombstoned household is not indexed
            assert count_households(conn) == 2
    finally:
        db.close()
