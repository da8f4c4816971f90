"""The derived search index of households: kept current in the same transaction as every change.

Laptop-only tables, created by the client migration ``c0002_search`` and never synced:

- ``search_household``: one row per live household (``doc`` is its small integer id inside the
  index), with what lists filter and sort on: grid, building, estate, a natural address sort key,
  attention level, the last effective visit (UTC, so offsets compare), head, phone, tags.
- ``search_key``: prefix keys, one family per leading letter, so a query is a few index range
  scans (``key >= 'n:张' AND key < 'n:张' || U+10FFFF``), also for 1–2 character queries where the
  trigram tokenizer cannot help:
  ``n:`` every suffix of a person's name (张三丰, 三丰, 丰), ``p:`` full pinyin and initials,
  ``t:`` phone digits reversed (a tail becomes a prefix), ``d:`` ID number reversed, ``e:`` the
  estate as the address sort key begins with it, ``g:`` a tag (the household's own, and each
  resident's care tags on that resident). Sensitive tags (特殊人群) are never indexed.
  ``kind`` is the position of the key's field in :data:`FIELDS`; ``ref`` the person it came from
  (0 for the household's own keys).
- ``search_address``: FTS5 trigram index of the address, rowid = doc (substrings of >= 3 chars).
- ``search_ref``: which person (resident, assigned party member) produced keys of which doc, in
  listing order within the household, so a change to a person finds the households to reindex,
  also the one they left.

:func:`refresh` reindexes the households a :class:`~gridworker.store.database.Changes` touched
(directly or through residents, party members, contact links, visits): the unit of work calls it in
``finish()``, the sync engine after applying each pulled page. :func:`rebuild` does all (demo data,
the migration that creates the index, a repair).
"""
from __future__ import annotations

import json
import re
from typing import Any, Iterable, Iterator

from ..domain import codes
from ..domain._util import nfkc
from ..domain.address import address_key
from ..domain.pinyin import name_keys
from .connect import Connection as _DriverConnection

# Upper bound for a prefix range: sorts after every character a key can hold.
TOP = "\U0010ffff"
CHUNK = 500  # ids per IN (...) list: well under SQLite's variable limit

_NAME_SEPARATORS = re.compile(r"[\s·•・‧.]+")
_NUMBER = re.compile(r"\d+")
_NON_DIGIT = re.compile(r"[^0-9]")
_EXTENSION = re.compile(r"转|ext|x|#")

# Tables whose changes can alter a household's index entry.
WATCHED = frozenset({"household", "resident", "party_member", "contact_link", "visit"})


# --------------------------------------------------------------------------- connections
def raw(conn: Any) -> _DriverConnection:
    """The DB-API connection under a SQLAlchemy Connection (or the sqlite3 connection itself).

    The index writes many small rows; ``executemany`` on the driver is several times faster
    than going through SQLAlchemy, and runs in the caller's open transaction.
    """
    if isinstance(conn, _DriverConnection):
        return conn
    return conn.connection.driver_connection


def _chunks(items: Iterable, size: int = CHUNK) -> Iterator[list]:
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _marks(n: int) -> str:
    return ",".join("?" * n)


# --------------------------------------------------------------------------- key derivation
def clean_name(name: object) -> str:
    return _NAME_SEPARATORS.sub("", nfkc(str(name or "")))


def digits(phone: object) -> str:
    """The digits of a phone number before any extension (转 / ext / x / #)."""
    if not phone:
        return ""
    text = nfkc(str(phone)).lower()
    return _NON_DIGIT.sub("", _EXTENSION.split(text, maxsplit=1)[0])


def sort_key(address: str) -> str:
    """A natural sort key: 阳光花园|3|2|501 sorts before 阳光花园|10|1|101."""
    key = address_key(address or "")
    return _NUMBER.sub(lambda m: m.group(0).zfill(8), key)


def _tags(value: object) -> list[str]:
    if not value:
        return []
    try:
        tags = json.loads(value) if isinstance(value, str) else value
    except ValueError:
        return []
    return [str(t) for t in tags] if isinstance(tags, list) else []


_pinyin_cache: dict[str, tuple[str, str]] = {}


def _pinyin(name: str) -> tuple[str, str]:
    # Names repeat a lot (a city has a few thousand common ones); pypinyin is the slow part.
    keys = _pinyin_cache.get(name)
    if keys is None:
        nk = name_keys(name)
        keys = (nk.full, nk.initials)
        if len(_pinyin_cache) > 200_000:
            _pinyin_cache.clear()
        _pinyin_cache[name] = keys
    return keys


# What a key is (stored as its position here, to keep the index small): "source.key".
FIELDS: tuple[str, ...] = (
    "household.name", "household.pinyin", "household.initials", "household.phone",
    "household.estate", "household.tag",
    "resident.name", "resident.pinyin", "resident.initials", "resident.phone", "resident.id_number",
    "party_member.name", "party_member.pinyin", "party_member.initials", "party_member.phone",
    "party_member.id_number", "resident.tag",
)
FIELD_CODE = {f: i for i, f in enumerate(FIELDS)}


def person_keys(role: str, name: object, phone: object = None,
                id_number: object = None) -> list[tuple[str, int]]:
    """(key, field code) rows for a person: name suffixes, pinyin, initials, phone and ID tails.

    ``role`` is ``household`` (the head as written on the household), ``resident`` or
    ``party_member``.
    """
    code = FIELD_CODE
    out: list[tuple[str, int]] = []
    nm = clean_name(name)
    if nm:
        # Suffixes let 建国 find 王建国; names longer than 6 (transliterations) keep the first few.
        for i in range(min(len(nm), 6)):
            out.append(("n:" + nm[i:].lower(), code[f"{role}.name"]))
        full, initials = _pinyin(nm)
        if full and full != nm.lower():
            out.append(("p:" + full, code[f"{role}.pinyin"]))
            if initials and initials != full:
                out.append(("p:" + initials, code[f"{role}.initials"]))
    d = digits(phone)
    if len(d) >= 3:
        out.append(("t:" + d[::-1], code[f"{role}.phone"]))
    idn = nfkc(str(id_number or "")).strip().upper()
    if idn:
        out.append(("d:" + idn[::-1], code[f"{role}.id_number"]))
    return out


# --------------------------------------------------------------------------- refresh / rebuild
def households_touched(conn: Any, changes: Any) -> set[str]:
    """Ids of the households whose index entry a unit of work's changes may have altered."""
    c = raw(conn)
    rows: dict[str, set[str]] = getattr(changes, "rows", changes) or {}
    out: set[str] = set(rows.get("household", ()))
    for table, sql in (
        ("resident", "SELECT household_id FROM resident WHERE id IN ({})"),
        ("visit", "SELECT household_id FROM visit WHERE id IN ({})"),
        ("contact_link", "SELECT to_id FROM contact_link WHERE kind = 'member_household' AND id IN ({})"),
        ("party_member",
         "SELECT to_id FROM contact_link WHERE kind = 'member_household' AND from_id IN ({})"),
    ):
        for batch in _chunks(rows.get(table, ())):
            out.update(r[0] for r in c.execute(sql.format(_marks(len(batch))), batch) if r[0])
    # The households a changed person was indexed under before (a resident who moved out).
    people = list(rows.get("resident", ())) + list(rows.get("party_member", ()))
    for batch in _chunks(people):
        out.update(r[0] for r in c.execute(
            "SELECT h.household_id FROM search_ref r JOIN search_household h ON h.doc = r.doc"
            f" WHERE r.ref_id IN ({_marks(len(batch))})", batch))
    return out


def refresh(conn: Any, changes: Any) -> int:
    """Reindex the households that ``changes`` touched; returns how many were reindexed.

    ``changes`` is a :class:`~gridworker.store.database.Changes` (or its ``rows`` dict: table ->
    ids). Call inside the write transaction that made the changes, after the rows are written.
    """
    rows = getattr(changes, "rows", changes) or {}
    if not any(t in WATCHED for t in rows):
        return 0
    ids = households_touched(conn, changes)
    reindex(conn, ids)
    return len(ids)


def rebuild(conn: Any) -> int:
    """Drop and rebuild the whole index from the domain tables; returns the households indexed."""
    c = raw(conn)
    c.execute("DELETE FROM search_key")
    c.execute("DELETE FROM search_ref")
    c.execute("DELETE FROM search_address")
    c.execute("DELETE FROM search_household")
    # Secondary indexes are dropped and made again at the end: building an index from sorted data
    # is several times faster than keeping it up to date through 100,000 households of inserts.
    # Their definitions are read from the schema, so this follows whatever the migrations made.
    indexes = c.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN"
        " ('search_key', 'search_household', 'search_ref') AND name NOT LIKE 'sqlite_%'").fetchall()
    for name, _sql in indexes:
        c.execute(f'DROP INDEX "{name}"')
    ids = [r[0] for r in c.execute("SELECT id FROM household WHERE deleted = 0 ORDER BY id")]
    n = 0
    for batch in _chunks(ids, 2000):
        n += _index(c, batch, fresh=True)
    for _name, sql in indexes:
        c.execute(sql)
    return n


def reindex(conn: Any, household_ids: Iterable[str]) -> None:
    """Recompute the index entries of these households (removing those deleted or gone)."""
    c = raw(conn)
    for batch in _chunks(sorted(set(household_ids))):
        docs = [r[0] for r in c.execute(
            f"SELECT doc FROM search_household WHERE household_id IN ({_marks(len(batch))})", batch)]
        if docs:
            m = _marks(len(docs))
            c.execute(f"DELETE FROM search_key WHERE doc IN ({m})", docs)
            c.execute(f"DELETE FROM search_ref WHERE doc IN ({m})", docs)
            c.execute(f"DELETE FROM search_address WHERE rowid IN ({m})", docs)
        live = set(_index(c, batch, fresh=False, return_ids=True))
        gone = [h for h in batch if h not in live]
        if gone:
            c.execute(f"DELETE FROM search_household WHERE household_id IN ({_marks(len(gone))})", gone)


def _index(c: _DriverConnection, ids: list[str], *, fresh: bool, return_ids: bool = False):
    """Write the index rows of the live households among ``ids``. ``fresh``: the tables hold no
    rows for them yet (rebuild), so plain inserts suffice."""
    m = _marks(len(ids))
    households = c.execute(
        "SELECT id, community_id, grid_id, building_id, estate, address, head_name, phone, tags,"
        f" attention_level FROM household WHERE deleted = 0 AND id IN ({m})", ids).fetchall()
    if not households:
        return [] if return_ids else 0
    live = [h[0] for h in households]
    m = _marks(len(live))
    residents: dict[str, list[tuple]] = {}
    for r in c.execute("SELECT id, household_id, name, phone, id_number, tags FROM resident"
                       f" WHERE deleted = 0 AND household_id IN ({m})"
                       # The order residents are listed in within a household: search_ref.ref keeps it.
                       " ORDER BY household_id, coalesce(relation, '99'), name, id",
                       live):
        residents.setdefault(r[1], []).append(r)
    members: dict[str, list[tuple]] = {}
    for r in c.execute(
            "SELECT p.id, l.to_id, p.name, p.phone FROM contact_link l JOIN party_member p ON p.id = l.from_id"
            f" WHERE l.kind = 'member_household' AND l.active = 1 AND l.deleted = 0 AND p.deleted = 0"
            f" AND l.to_id IN ({m})", live):
        members.setdefault(r[1], []).append(r)
    visits: dict[str, tuple[str, str]] = {}
    rows = c.execute("SELECT household_id, id, datetime(visited_at), visited_at, voids_id FROM visit"
                     f" WHERE household_id IN ({m})", live).fetchall()
    # The last effective visit: a visit that a later record voided does not count.
    voided = {r[4] for r in rows if r[4]}
    for hid, vid, utc, local, _voids in rows:
        if utc and vid not in voided and utc > visits.get(hid, ("",))[0]:
            visits[hid] = (utc, local)

    upsert = ("INSERT INTO search_household (household_id, community_id, grid_id, building_id, estate,"
              " address, addr_sort, head_name, phone, tags, attention_level, last_visit_at, last_visit_utc,"
              " member_names) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
    if not fresh:
        upsert += (" ON CONFLICT(household_id) DO UPDATE SET community_id=excluded.community_id,"
                   " grid_id=excluded.grid_id, building_id=excluded.building_id, estate=excluded.estate,"
                   " address=excluded.address, addr_sort=excluded.addr_sort, head_name=excluded.head_name,"
                   " phone=excluded.phone, tags=excluded.tags, attention_level=excluded.attention_level,"
                   " last_visit_at=excluded.last_visit_at, last_visit_utc=excluded.last_visit_utc,"
                   " member_names=excluded.member_names")
    doc_rows = []
    per_household: list[tuple[str, list, list, str]] = []  # (hid, keys, refs, address)
    for hid, community, grid, building, estate, address, head, phone, tags, level in households:
        people = residents.get(hid, [])
        all_tags = _tags(tags)
        for r in people:
            for t in _tags(r[5]):
                if t not in all_tags:
                    all_tags.append(t)
        level = level if level in codes.DEFAULT_VISIT_INTERVAL_DAYS else "normal"
        utc, local = visits.get(hid, ("", None))
        names = [clean_name(r[2]) for r in people if r[2]]
        addr_sort = sort_key(address or "")
        doc_rows.append((hid, community, grid, building, estate, address or "", addr_sort,
                         head, phone, "|" + "|".join(all_tags) + "|" if all_tags else "", level, local,
                         utc, "、".join(names)))
        keys: list[tuple[str, int]] = []
        refs: list[tuple[str, str, str, list]] = []  # (ref_id, kind, name, keys)
        head_clean = clean_name(head)
        if head_clean and head_clean not in names:
            keys += person_keys("household", head, None)
        d = digits(phone)
        if len(d) >= 3 and not any(digits(r[3]) == d for r in people):
            keys.append(("t:" + d[::-1], FIELD_CODE["household.phone"]))
        # The estate as the address sort key begins with it, so a search can also use that order.
        estate_key = (addr_sort.split("|", 1)[0] if "|" in addr_sort else "").lower()
        if estate_key:
            keys.append(("e:" + estate_key, FIELD_CODE["household.estate"]))
        # The household's own tags; a resident's care tags are keyed on that resident (the
        # household is found by them too).
        for t in _tags(tags):
            keys.append(("g:" + t, FIELD_CODE["household.tag"]))
        for r in people:
            pkeys = person_keys("resident", r[2], r[3], r[4])
            pkeys += [("g:" + t, FIELD_CODE["resident.tag"]) for t in _tags(r[5])]
            refs.append((r[0], "resident", clean_name(r[2]), pkeys))
        for p in {p[0]: p for p in members.get(hid, [])}.values():  # two active links: one person
            refs.append((p[0], "party_member", clean_name(p[2]), person_keys("party_member", p[2], p[3])))
        per_household.append((hid, keys, refs, address or ""))

    c.executemany(upsert, doc_rows)
    docs = dict(c.execute(f"SELECT household_id, doc FROM search_household WHERE household_id IN ({m})", live)
                .fetchall())
    # Person refs are numbered here (not by the table) so their keys can point at them in one pass.
    next_ref = (c.execute("SELECT max(ref) FROM search_ref").fetchone()[0] or 0) + 1
    key_rows: list[tuple] = []
    ref_rows: list[tuple] = []
    fts_rows: list[tuple] = []
    for hid, keys, refs, address in per_household:
        doc = docs[hid]
        fts_rows.append((doc, address))
        key_rows.extend((k, doc, kind, 0) for k, kind in keys)
        for ref_id, kind, name, pkeys in refs:
            ref_rows.append((next_ref, ref_id, doc, kind, name))
            key_rows.extend((k, doc, field, next_ref) for k, field in pkeys)
            next_ref += 1
    c.executemany("INSERT INTO search_ref (ref, ref_id, doc, kind, name) VALUES (?,?,?,?,?)", ref_rows)
    key_rows.sort()  # B-tree inserts in key order touch far fewer pages
    c.executemany("INSERT OR IGNORE INTO search_key (key, doc, kind, ref) VALUES (?,?,?,?)", key_rows)
    c.executemany("INSERT INTO search_address (rowid, address) VALUES (?,?)", fts_rows)
    return live if return_ids else len(live)
