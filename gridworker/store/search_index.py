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

import functools
import gc
import json
import re
from operator import itemgetter
from typing import Any, Iterable, Iterator

from ..domain import codes
from ..domain._util import nfkc
from ..domain.address import address_key
from ..domain.pinyin import name_keys
from .connect import Connection as _DriverConnection

# Upper bound for a prefix range: sorts after every character a key can hold.
TOP = "\U0010ffff"
CHUNK = 500  # ids per IN (...) list: well under SQLite's variable limit
REINDEX_BATCH = 2000  # households reindexed at a time (their keys written in one sorted run)

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
    if isinstance(name, str):
        return _clean_name(name)
    return _NAME_SEPARATORS.sub("", nfkc(str(name or "")))


@functools.lru_cache(maxsize=16_384)
def _clean_name(name: str) -> str:
    # Names repeat (and each is cleaned several times while indexing one household).
    return _NAME_SEPARATORS.sub("", nfkc(name))


def digits(phone: object) -> str:
    """The digits of a phone number before any extension (转 / ext / x / #)."""
    if not phone:
        return ""
    if isinstance(phone, str) and phone.isascii() and phone.isdigit():
        return phone  # the common case: nothing to fold or strip
    text = nfkc(str(phone)).lower()
    return _NON_DIGIT.sub("", _EXTENSION.split(text, maxsplit=1)[0])


@functools.lru_cache(maxsize=16_384)
def sort_key(address: str) -> str:
    """A natural sort key: 阳光花园|3|2|501 sorts before 阳光花园|10|1|101.

    Cached (a pure function of the text): a pull re-indexes the same households again and again,
    and parsing their addresses was a third of deriving their index rows."""
    key = address_key(address or "")
    return _NUMBER.sub(lambda m: m.group(0).zfill(8), key)


def _tags(value: object) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return list(_tags_of_text(value))
    return [str(t) for t in value] if isinstance(value, list) else []


@functools.lru_cache(maxsize=4096)
def _tags_of_text(value: str) -> tuple[str, ...]:
    # A few dozen distinct tag lists cover a whole city: decode each once.
    try:
        tags = json.loads(value)
    except ValueError:
        return ()
    return tuple(str(t) for t in tags) if isinstance(tags, list) else ()


_pinyin_cache: dict[str, tuple[str, str]] = {}


def _pinyin(name: str) -> tuple[str, str]:
    # Names repeat a lot (a city has a few thousand common ones); pypinyin is the slow part.
    keys = _pinyin_cache.get(name)
    if keys is None:
        nk = name_keys(name)
        keys = (nk.full, nk.initials)
        if len(_pinyin_cache) > 20_000:
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
    nm = clean_name(name)
    out = list(_name_part(role, nm)) if nm else []
    d = digits(phone)
    if len(d) >= 3:
        out.append(("t:" + d[::-1], FIELD_CODE[f"{role}.phone"]))
    if id_number:
        idn = str(id_number)
        idn = (idn if idn.isascii() else nfkc(idn)).strip().upper()
        if idn:
            out.append(("d:" + idn[::-1], FIELD_CODE[f"{role}.id_number"]))
    return out


@functools.lru_cache(maxsize=16_384)
def _name_part(role: str, nm: str) -> tuple[tuple[str, int], ...]:
    """The keys of a cleaned name: suffixes, full pinyin, initials (names repeat a lot)."""
    code = FIELD_CODE
    out: list[tuple[str, int]] = []
    # Suffixes let 建国 find 王建国; names longer than 6 (transliterations) keep the first few.
    for i in range(min(len(nm), 6)):
        out.append(("n:" + nm[i:].lower(), code[f"{role}.name"]))
    full, initials = _pinyin(nm)
    if full and full != nm.lower():
        out.append(("p:" + full, code[f"{role}.pinyin"]))
        if initials and initials != full:
            out.append(("p:" + initials, code[f"{role}.initials"]))
    return tuple(out)


# --------------------------------------------------------------------------- refresh / rebuild
# The fields an index entry is derived from, per table: a change to any other field (a household's
# notes, a resident's education) leaves the index as it is. ``visit`` is append-only: a new or
# voiding visit only moves its household's last effective visit (see :func:`refresh`).
INDEXED_FIELDS: dict[str, frozenset[str]] = {
    "household": frozenset({"community_id", "grid_id", "building_id", "estate", "address", "head_name",
                            "phone", "tags", "attention_level", "deleted"}),
    "resident": frozenset({"household_id", "name", "phone", "id_number", "tags", "relation", "deleted"}),
    "party_member": frozenset({"name", "phone", "deleted"}),
    "contact_link": frozenset({"kind", "from_id", "to_id", "active", "deleted"}),
}


def affects_index(table: str, fields: Iterable[str] | None) -> bool:
    """Whether changing ``fields`` of a ``table`` row can alter the index (``None``: any field)."""
    if table == "visit":
        return True
    watched = INDEXED_FIELDS.get(table)
    if watched is None:
        return False
    return fields is None or not watched.isdisjoint(fields)


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
    """Reindex the households that ``changes`` touched; returns how many were brought up to date.

    ``changes`` is a :class:`~gridworker.store.database.Changes` (or its ``rows`` dict: table ->
    ids). Call inside the write transaction that made the changes, after the rows are written.
    Households touched only through visits get their last effective visit updated, nothing else
    (their names, phones and tags cannot have changed).
    """
    rows = getattr(changes, "rows", changes) or {}
    if not any(t in WATCHED for t in rows):
        return 0
    ids = households_touched(conn, {t: v for t, v in rows.items() if t != "visit"})
    by_visit = households_touched(conn, {"visit": rows["visit"]}) - ids if rows.get("visit") else set()
    if by_visit:
        _refresh_last_visits(raw(conn), by_visit)
    # No person of these households changed in this transaction (only household rows did): their
    # people's keys are as indexed, so only the households' own keys need comparing.
    reindex(conn, ids, people_unchanged=not any(t in rows for t in PEOPLE), visits_unchanged="visit" not in rows)
    return len(ids) + len(by_visit)


def _refresh_last_visits(c: _DriverConnection, household_ids: Iterable[str]) -> None:
    for batch in _chunks(sorted(household_ids)):
        visits = _last_visits(c, batch)
        c.executemany("UPDATE search_household SET last_visit_at = ?, last_visit_utc = ? WHERE household_id = ?",
                      [(*reversed(visits.get(h, ("", None))), h) for h in batch])


def _last_visits(c: _DriverConnection, household_ids: list[str]) -> dict[str, tuple[str, str]]:
    """household id -> (UTC, as written) of its last effective visit: one that no record of the same
    household voided, and not itself a correction (which carries the voided visit's time). (max() makes SQLite take the bare column from the row holding the maximum.)"""
    m = _marks(len(household_ids))
    return {hid: (utc, local) for hid, utc, local in c.execute(
        "SELECT household_id, max(datetime(visited_at)) AS utc, visited_at FROM visit"
        f" WHERE household_id IN ({m}) AND voids_id IS NULL AND (household_id, id) NOT IN"
        f" (SELECT household_id, voids_id FROM visit WHERE household_id IN ({m}) AND voids_id IS NOT NULL)"
        " GROUP BY household_id HAVING utc IS NOT NULL", (*household_ids, *household_ids))}


# Households a rebuild derives at a time, and key rows it collects before sorting and writing
# them: bounded memory for a city of any size (~20 MB of keys). Each write of sorted keys walks
# the key table's B-tree once, so fewer, bigger writes keep a large city's rebuild linear; at
# 100,000 households 100,000 rows a write took the same time as 250,000 (27-29 s either way,
# bench round two) and ~15 MB less memory.
REBUILD_BATCH = 2000  # 4,000 before: 2,000 was as fast at 10k, 6 % faster at 100k (one pair), 15 MB less peak
REBUILD_KEY_ROWS = 100_000
# Up to this many households every secondary index of the index tables is rebuilt at the end.
REBUILD_SORT_IN_MEMORY = 30_000
# The page cache while rebuilding (pages are only allocated when used; the setting is put back
# after). Round one raised it to 96 MB; at 100,000 households that bought nothing measurable
# (29.7 s vs 27.3 s with the usual 32 MB, interleaved runs) and cost 66 MB of the laptop's peak
# memory during a first sync (350 -> 284 MB for the rebuild alone), so it stays at the usual.
REBUILD_CACHE_KIB = 32 * 1024


def rebuild(conn: Any) -> int:
    """Drop and rebuild the whole index from the domain tables; returns the households indexed."""
    c = raw(conn)
    c.execute("DELETE FROM search_key")
    c.execute("DELETE FROM search_ref")
    c.execute("DELETE FROM search_address")
    c.execute("DELETE FROM search_household")
    # Secondary indexes are dropped and made again at the end: building an index from sorted data
    # is several times faster than keeping it up to date through 100,000 households of inserts.
    # But building one sorts all its rows in memory (temporary files stay in memory: they would
    # not be encrypted), ~120 MB for the key table of a 100,000-household city. So in a big city
    # the indexes that begin with ``doc`` are kept: docs are numbered in the order they are
    # written, so those grow near their end. The definitions are read from the schema.
    big = c.execute("SELECT count(*) FROM household WHERE deleted = 0").fetchone()[0] > REBUILD_SORT_IN_MEMORY
    indexes = [(name, sql) for name, sql in c.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN"
        " ('search_key', 'search_household', 'search_ref') AND name NOT LIKE 'sqlite_%'").fetchall()
        if not big or c.execute(f'PRAGMA index_info("{name}")').fetchone()[2] != "doc"]
    for name, _sql in indexes:
        c.execute(f'DROP INDEX "{name}"')
    cache = c.execute("PRAGMA cache_size").fetchone()[0]
    if cache > -REBUILD_CACHE_KIB:
        c.execute(f"PRAGMA cache_size = -{REBUILD_CACHE_KIB}")
    # The loop below makes millions of small tuples and no reference cycles: the cycle collector
    # would only walk them (and every cached name) again and again.
    collecting = gc.isenabled()
    gc.disable()
    try:
        n = 0
        # Docs and refs are numbered here (the tables are empty), so nothing is read back.
        next_doc = next_ref = 1
        cur = c.execute(_HOUSEHOLD_SELECT + " ORDER BY id")
        key_rows: list[tuple] = []
        while True:
            households = cur.fetchmany(REBUILD_BATCH)
            if not households:
                break
            derived = _derive(c, households)
            doc_rows, ref_rows = [], []
            for (hid, row, keys, refs, _address), doc in zip(derived, range(next_doc, next_doc + len(derived))):
                doc_rows.append((doc, hid, *row))
                key_rows.extend((k, doc, kind, 0) for k, kind in keys)
                for ref_id, kind, name, pkeys in refs:
                    ref_rows.append((next_ref, ref_id, doc, kind, name))
                    key_rows.extend((k, doc, field, next_ref) for k, field in pkeys)
                    next_ref += 1
            next_doc += len(derived)
            n += len(derived)
            c.executemany(_DOC_INSERT_NUMBERED, doc_rows)
            c.executemany("INSERT INTO search_ref (ref, ref_id, doc, kind, name) VALUES (?,?,?,?,?)", ref_rows)
            del doc_rows, ref_rows, derived
            if len(key_rows) >= REBUILD_KEY_ROWS:
                _write_keys(c, key_rows)
                key_rows = []
        _write_keys(c, key_rows)
        del key_rows
        # The address trigram index in one statement, from the rows just written.
        c.execute("INSERT INTO search_address (rowid, address) SELECT doc, address FROM search_household")
        for _name, sql in indexes:
            c.execute(sql)
    finally:
        if collecting:
            gc.enable()
        if cache > -REBUILD_CACHE_KIB:
            c.execute(f"PRAGMA cache_size = {int(cache)}")
    return n


def _write_keys(c: _DriverConnection, key_rows: list[tuple]) -> None:
    # In key order, B-tree inserts touch each page once (the order among equal keys is no matter).
    key_rows.sort(key=itemgetter(0))
    c.executemany("INSERT OR IGNORE INTO search_key (key, doc, kind, ref) VALUES (?,?,?,?)", key_rows)


# Tables whose rows make a household's people (their keys carry a ref, the household's own ref 0).
PEOPLE = frozenset({"resident", "party_member", "contact_link"})


def reindex(conn: Any, household_ids: Iterable[str], *, people_unchanged: bool = False,
            visits_unchanged: bool = False) -> None:
    """Recompute the index entries of these households (removing those deleted or gone).

    Only what differs is written: a household whose people are the same (in the same order) keeps
    its person refs, and of its keys only those that changed are deleted and inserted (a new
    phone number is two key rows, not the household's thirty); its address is re-tokenised only
    when it changed. Every write dirties pages that the commit must encrypt and write.

    ``people_unchanged``: the caller knows that no resident, party member or link of these
    households changed since they were last indexed (a change to household rows only): the keys of
    a household whose people are the same are then not read back nor compared, only its own
    (``ref`` 0), and their people's keys are not even made (only for the households new to the
    index, or whose people differ from their refs: those are written afresh).

    ``visits_unchanged``: no visit changed either: an indexed household's last visit is as indexed
    (taken from its row, not worked out again from its visits).
    """
    c = raw(conn)
    for batch in _chunks(sorted(set(household_ids)), REINDEX_BATCH):
        m = _marks(len(batch))
        old: dict[str, tuple[int, str]] = {}  # household id -> (doc, address)
        old_rows: dict[str, tuple] = {}  # household id -> its search_household row after the id
        for doc, hid, *row in c.execute(f"SELECT doc, household_id, {', '.join(_DOC_COLUMNS)} FROM search_household"
                                        f" WHERE household_id IN ({m})", batch):
            old[hid] = (doc, row[_DOC_ADDRESS])
            old_rows[hid] = tuple(row)
        households = c.execute(_HOUSEHOLD_SELECT + f" AND id IN ({m})", batch).fetchall()
        known = ({hid: (row[_DOC_LAST_VISIT_UTC], row[_DOC_LAST_VISIT_AT]) for hid, row in old_rows.items()}
                 if visits_unchanged else None)
        derived = _derive(c, households, people_keys=not people_unchanged, visits=known) if households else []
        live = {d[0] for d in derived}
        gone = [doc for hid, (doc, _a) in old.items() if hid not in live]
        if gone:
            _drop_docs(c, gone)
            c.execute(f"DELETE FROM search_household WHERE doc IN ({_marks(len(gone))})", gone)
        if not derived:
            continue
        # Rows written only where they differ, and only the columns that do: the table has six
        # indexes, and a household's new phone number changes none of them.
        c.executemany(_DOC_UPSERT, [(hid, *row) for hid, row, _k, _r, _a in derived if hid not in old])
        changed_cols: dict[tuple[int, ...], list[tuple]] = {}
        for hid, row, _k, _r, _a in derived:
            before = old_rows.get(hid)
            if before is not None and before != row:
                at = tuple(i for i, (x, y) in enumerate(zip(before, row)) if x != y or type(x) is not type(y))
                changed_cols.setdefault(at, []).append((*(row[i] for i in at), hid))
        for at, params in changed_cols.items():
            sets = ", ".join(f"{_DOC_COLUMNS[i]} = ?" for i in at)
            c.executemany(f"UPDATE search_household SET {sets} WHERE household_id = ?", params)
        docs = {hid: old[hid][0] for hid in live if hid in old}
        added = [hid for hid in live if hid not in old]
        for new_ids in _chunks(added):
            docs.update(c.execute(f"SELECT household_id, doc FROM search_household WHERE household_id IN"
                                  f" ({_marks(len(new_ids))})", new_ids).fetchall())
        kept = [docs[h] for h in live if h in old]
        old_refs: dict[int, list[tuple]] = {}  # doc -> [(ref, ref_id, kind, name)] in ref order
        old_keys: set[tuple] = set()
        for batch_docs in _chunks(kept):
            dm = _marks(len(batch_docs))
            for ref, ref_id, doc, kind, name in c.execute(
                    f"SELECT ref, ref_id, doc, kind, name FROM search_ref WHERE doc IN ({dm}) ORDER BY ref",
                    batch_docs):
                old_refs.setdefault(doc, []).append((ref, ref_id, kind, name))
            own = " AND ref = 0" if people_unchanged else ""
            old_keys.update(c.execute(f"SELECT key, doc, kind, ref FROM search_key WHERE doc IN ({dm}){own}",
                                      batch_docs))
        # Households whose people changed (one moved in or out, or the listing order moved) are
        # written afresh, so refs keep following the listing order.
        renumber = [docs[hid] for hid, _row, _k, refs, _a in derived if docs[hid] in old_refs or hid in old
                    if [r[1] for r in old_refs.get(docs[hid], ())] != [r[0] for r in refs]]
        if renumber:
            _drop_docs(c, renumber)
            fresh = set(renumber)
            old_keys = {k for k in old_keys if k[1] not in fresh}
            for d in renumber:
                old_refs.pop(d, None)
        else:
            fresh = set()
        if people_unchanged:
            # The households written afresh (new to the index, or their people differ from their
            # refs) need their people's keys after all.
            again = {hid for hid, _row, _k, refs, _a in derived if refs and not old_refs.get(docs[hid])}
            if again:
                full = {d[0]: d for d in _derive(c, [h for h in households if h[0] in again], visits=known)}
                derived = [full.get(d[0], d) for d in derived]
        # Person refs are numbered here (not by the table) so their keys can point at them in one pass.
        next_ref = (c.execute("SELECT max(ref) FROM search_ref").fetchone()[0] or 0) + 1
        new_keys: set[tuple] = set()
        ref_rows: list[tuple] = []
        ref_updates: list[tuple] = []
        fts_rows: list[tuple] = []
        for hid, _row, keys, refs, address in derived:
            doc = docs[hid]
            if hid not in old or doc in fresh or old[hid][1] != address:
                if hid in old and doc not in fresh:
                    c.execute("DELETE FROM search_address WHERE rowid = ?", (doc,))
                fts_rows.append((doc, address))
            new_keys.update((k, doc, kind, 0) for k, kind in keys)
            previous = old_refs.get(doc)
            for i, (ref_id, kind, name, pkeys) in enumerate(refs):
                if previous:
                    ref, _id, old_kind, old_name = previous[i]
                    if (old_kind, old_name) != (kind, name):
                        ref_updates.append((kind, name, ref))
                else:
                    ref = next_ref
                    next_ref += 1
                    ref_rows.append((ref, ref_id, doc, kind, name))
                if not (people_unchanged and previous):  # else: the same person, the same keys
                    new_keys.update((k, doc, field, ref) for k, field in pkeys)
        c.executemany("INSERT INTO search_ref (ref, ref_id, doc, kind, name) VALUES (?,?,?,?,?)", ref_rows)
        c.executemany("UPDATE search_ref SET kind = ?, name = ? WHERE ref = ?", ref_updates)
        # In key order: B-tree writes in key order touch far fewer pages.
        c.executemany("DELETE FROM search_key WHERE key = ? AND doc = ? AND kind = ? AND ref = ?",
                      sorted(old_keys - new_keys))
        c.executemany("INSERT OR IGNORE INTO search_key (key, doc, kind, ref) VALUES (?,?,?,?)",
                      sorted(new_keys - old_keys))
        c.executemany("INSERT INTO search_address (rowid, address) VALUES (?,?)", fts_rows)


def _drop_docs(c: _DriverConnection, docs: list[int]) -> None:
    """Remove the keys, refs and address row of these docs (not their search_household row)."""
    for batch in _chunks(docs):
        m = _marks(len(batch))
        c.execute(f"DELETE FROM search_key WHERE doc IN ({m})", batch)
        c.execute(f"DELETE FROM search_ref WHERE doc IN ({m})", batch)
        c.execute(f"DELETE FROM search_address WHERE rowid IN ({m})", batch)


_HOUSEHOLD_SELECT = ("SELECT id, community_id, grid_id, building_id, estate, address, head_name, phone, tags,"
                     " attention_level FROM household WHERE deleted = 0")
_DOC_INSERT = ("INSERT INTO search_household (household_id, community_id, grid_id, building_id, estate,"
               " address, addr_sort, head_name, phone, tags, attention_level, last_visit_at, last_visit_utc,"
               " member_names) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
_DOC_INSERT_NUMBERED = ("INSERT INTO search_household (doc, household_id, community_id, grid_id, building_id,"
                        " estate, address, addr_sort, head_name, phone, tags, attention_level, last_visit_at,"
                        " last_visit_utc, member_names) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
# The columns of a search_household row after household_id, in the order _derive gives them.
_DOC_COLUMNS = ("community_id", "grid_id", "building_id", "estate", "address", "addr_sort", "head_name", "phone",
                "tags", "attention_level", "last_visit_at", "last_visit_utc", "member_names")
_DOC_ADDRESS = _DOC_COLUMNS.index("address")
_DOC_LAST_VISIT_AT = _DOC_COLUMNS.index("last_visit_at")
_DOC_LAST_VISIT_UTC = _DOC_COLUMNS.index("last_visit_utc")
_DOC_UPSERT = _DOC_INSERT + (
    " ON CONFLICT(household_id) DO UPDATE SET community_id=excluded.community_id,"
    " grid_id=excluded.grid_id, building_id=excluded.building_id, estate=excluded.estate,"
    " address=excluded.address, addr_sort=excluded.addr_sort, head_name=excluded.head_name,"
    " phone=excluded.phone, tags=excluded.tags, attention_level=excluded.attention_level,"
    " last_visit_at=excluded.last_visit_at, last_visit_utc=excluded.last_visit_utc,"
    " member_names=excluded.member_names")


_HOUSEHOLD_PHONE = FIELD_CODE["household.phone"]
_HOUSEHOLD_ESTATE = FIELD_CODE["household.estate"]
_HOUSEHOLD_TAG = FIELD_CODE["household.tag"]
_RESIDENT_TAG = FIELD_CODE["resident.tag"]


def _derive(c: _DriverConnection, households: list[tuple], *, people_keys: bool = True,
            visits: dict[str, tuple[str, str | None]] | None = None) -> list[tuple[str, tuple, list, list, str]]:
    """What the index holds for these household rows (:data:`_HOUSEHOLD_SELECT`): per household
    (id, its search_household row after the id, its own keys, its people's refs with their keys,
    its address).

    ``people_keys=False``: the people's keys are not made (each ref's keys are ``None``): the
    caller knows them unchanged. ``visits``: the last visits (household id -> (UTC, as written))
    the caller already knows; only the households missing from it are looked up.
    """
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
    if visits is None:
        visits = _last_visits(c, live)
    else:
        unknown = [h for h in live if h not in visits]
        if unknown:
            visits = {**visits, **_last_visits(c, unknown)}

    out = []
    levels = codes.DEFAULT_VISIT_INTERVAL_DAYS
    resident_phone, resident_id = FIELD_CODE["resident.phone"], FIELD_CODE["resident.id_number"]
    for hid, community, grid, building, estate, address, head, phone, tags, level in households:
        people = residents.get(hid, ())
        own_tags = _tags(tags)
        all_tags = list(own_tags)
        names: list[str] = []
        refs: list[tuple[str, str, str, list]] = []  # (ref_id, kind, name, keys)
        phones: set[str] = set()
        for rid, _hid, name, rphone, id_number, rtags in people:
            # What person_keys("resident", ...) gives, with the name cleaned once.
            nm = clean_name(name)
            if name:
                names.append(nm)
            d = digits(rphone)
            phones.add(d)
            rt = _tags(rtags) if rtags else ()
            for t in rt:
                if t not in all_tags:
                    all_tags.append(t)
            if not people_keys:
                refs.append((rid, "resident", nm, None))
                continue
            pkeys = list(_name_part("resident", nm)) if nm else []
            if len(d) >= 3:
                pkeys.append(("t:" + d[::-1], resident_phone))
            if id_number:
                idn = str(id_number)
                idn = (idn if idn.isascii() else nfkc(idn)).strip().upper()
                if idn:
                    pkeys.append(("d:" + idn[::-1], resident_id))
            pkeys += [("g:" + t, _RESIDENT_TAG) for t in rt]
            refs.append((rid, "resident", nm, pkeys))
        level = level if level in levels else "normal"
        utc, local = visits.get(hid, ("", None))
        addr_sort = sort_key(address or "")
        row = (community, grid, building, estate, address or "", addr_sort,
               head, phone, "|" + "|".join(all_tags) + "|" if all_tags else "", level, local,
               utc, "、".join(names))
        keys: list[tuple[str, int]] = []
        head_clean = clean_name(head)
        if head_clean and head_clean not in names:
            keys += person_keys("household", head, None)
        d = digits(phone)
        if len(d) >= 3 and d not in phones:
            keys.append(("t:" + d[::-1], _HOUSEHOLD_PHONE))
        # The estate as the address sort key begins with it, so a search can also use that order.
        estate_key = (addr_sort.split("|", 1)[0] if "|" in addr_sort else "").lower()
        if estate_key:
            keys.append(("e:" + estate_key, _HOUSEHOLD_ESTATE))
        # The household's own tags; a resident's care tags are keyed on that resident (the
        # household is found by them too).
        for t in own_tags:
            keys.append(("g:" + t, _HOUSEHOLD_TAG))
        for p in {p[0]: p for p in members.get(hid, [])}.values():  # two active links: one person
            refs.append((p[0], "party_member", clean_name(p[2]),
                         person_keys("party_member", p[2], p[3]) if people_keys else None))
        out.append((hid, row, keys, refs, address or ""))
    return out
