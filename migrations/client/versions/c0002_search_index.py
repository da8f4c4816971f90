"""search index: derived tables for household search (laptop only, never synced)

Revision ID: c0002_search
Revises: c0001_initial
Create Date: 2026-11-28 01:05:00

The tables are derived from household / resident / party_member / contact_link / visit and kept
current by gridworker.store.search_index.refresh in every unit of work. The upgrade builds the index
of whatever the database already holds.
"""
from alembic import op


revision = "c0002_search"
down_revision = "c0001_initial"
branch_labels = None
depends_on = None

# search_key.kind: position in gridworker.store.search_index.FIELDS; ref: 0 for the household's own
# keys, else search_ref.ref of the person (resident, assigned party member) the key came from.
# The DDL as it was at this revision (a later change to the index gets its own migration).
SCHEMA = (
    """CREATE TABLE search_household (
        doc INTEGER PRIMARY KEY,
        household_id TEXT NOT NULL UNIQUE,
        community_id TEXT,
        grid_id TEXT,
        building_id TEXT,
        estate TEXT,
        address TEXT NOT NULL,
        addr_sort TEXT NOT NULL,
        head_name TEXT,
        phone TEXT,
        tags TEXT NOT NULL DEFAULT '',
        attention_level TEXT NOT NULL DEFAULT 'normal',
        last_visit_at TEXT,
        last_visit_utc TEXT NOT NULL DEFAULT '',
        member_names TEXT NOT NULL DEFAULT ''
    )""",
    'CREATE INDEX ix_search_household_sort ON search_household (addr_sort)',
    'CREATE INDEX ix_search_household_grid ON search_household (grid_id, addr_sort)',
    'CREATE INDEX ix_search_household_building ON search_household (building_id, addr_sort)',
    'CREATE INDEX ix_search_household_estate ON search_household (estate, addr_sort)',
    'CREATE INDEX ix_search_household_visit ON search_household (attention_level, last_visit_utc)',
    'CREATE INDEX ix_search_household_last_visit ON search_household (last_visit_utc, addr_sort)',
    """CREATE TABLE search_key (
        key TEXT NOT NULL,
        doc INTEGER NOT NULL,
        kind INTEGER NOT NULL,
        ref INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (key, doc, kind, ref)
    ) WITHOUT ROWID""",
    'CREATE INDEX ix_search_key_doc ON search_key (doc)',
    """CREATE TABLE search_ref (
        ref INTEGER PRIMARY KEY,
        ref_id TEXT NOT NULL,
        doc INTEGER NOT NULL,
        kind TEXT NOT NULL,
        name TEXT NOT NULL DEFAULT ''
    )""",
    'CREATE UNIQUE INDEX ux_search_ref ON search_ref (ref_id, doc)',
    'CREATE INDEX ix_search_ref_doc ON search_ref (doc)',
    "CREATE VIRTUAL TABLE search_address USING fts5(address, tokenize='trigram')",
)

DROP = (
    "DROP TABLE IF EXISTS search_address",
    "DROP TABLE IF EXISTS search_key",
    "DROP TABLE IF EXISTS search_ref",
    "DROP TABLE IF EXISTS search_household",
)


def upgrade() -> None:
    for statement in SCHEMA:
        op.execute(statement)
    from gridworker.store.search_index import rebuild  # noqa: PLC0415 - only needed when upgrading

    rebuild(op.get_bind())


def downgrade() -> None:
    for statement in DROP:
        op.execute(statement)
