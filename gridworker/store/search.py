"""Search households and residents: by name, pinyin, initials, phone tail, ID tail, address fragment,
combined with filters (grid, building, estate, tag, attention level, overdue visit).

Reads only the derived index of :mod:`gridworker.store.search_index`. Results carry raw phone and
ID numbers: masking is the caller's job (lists and exports mask by default, PIPL).

How a query is read: it is split on spaces and every part must match (``张 阳光`` = a 张 living in
阳光花园). A part is matched as
- digits (``1234``, ``002X``): the tail of a phone or ID number; from 3 characters also an address
  fragment (``501``);
- latin letters (``zs``, ``zhangs``): the start of a full pinyin or of the initials of a name;
- anything else (``张``, ``建国``, ``独居``, ``阳光花园3幢``): the start of any part of a name
  (``建国`` finds 王建国) or of a tag (``独居`` finds 独居老人; sensitive tags are never indexed);
  an address fragment anywhere when it has 3 characters or more, else the start of the estate's
  name.
Names are those of the head, every resident of the household and the party member assigned to it
(1+10+N), so searching for a resident finds the household.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from ..domain import codes
from ..domain._util import nfkc
from . import queries_rules
from .search_index import FIELDS, TOP, clean_name, raw

ORDERS = ("address", "last_visit", "attention")
_ORDER_SQL = {"address": "h.addr_sort, h.doc", "last_visit": "h.last_visit_utc, h.addr_sort, h.doc",
              # 高风险 first, then 重点, then the rest, each in address order
              "attention": "CASE h.attention_level WHEN 'high' THEN 0 WHEN 'key' THEN 1 ELSE 2 END, h.addr_sort, h.doc"}

_DIGITS = re.compile(r"[0-9]+[xX]?")
_LATIN = re.compile(r"[a-z]+")
_BUILDING_VARIANTS = re.compile(r"([0-9A-Za-z])(?:号楼|栋|座|#楼?)")


@dataclass(frozen=True)
class Match:
    """Which key matched: ``field`` like ``resident.pinyin`` / ``household.address``; ``value`` the
    name (or address) it belongs to, as stored."""

    field: str
    value: str

    @property
    def source(self) -> str:
        """``household``, ``resident`` or ``party_member``."""
        return self.field.partition(".")[0]

    @property
    def key(self) -> str:
        """``name``, ``pinyin``, ``initials``, ``phone``, ``id_number``, ``address``, ``estate``."""
        return self.field.partition(".")[2]


@dataclass
class HouseholdHit:
    """One household in a result list. ``phone`` is raw: mask it before showing it."""

    id: str
    address: str
    head_name: str | None
    phone: str | None
    grid_id: str | None
    building_id: str | None
    estate: str | None
    tags: list[str]
    attention_level: str
    last_visit_at: str | None
    overdue: bool
    member_names: list[str]
    matched: list[Match] = field(default_factory=list)

    @property
    def matched_names(self) -> list[str]:
        """Names of the people (head, residents, party member) whose keys matched, in order."""
        out: list[str] = []
        for m in self.matched:
            if m.key not in ("address", "estate", "tag") and m.value and m.value not in out:
                out.append(m.value)
        return out


@dataclass
class ResidentHit:
    """One resident in a result list. ``phone`` and ``id_number`` are raw: mask before showing."""

    id: str
    name: str
    household_id: str
    address: str
    relation: str | None
    phone: str | None
    id_number: str | None
    tags: list[str]
    matched: list[Match] = field(default_factory=list)


# --------------------------------------------------------------------------- query parsing
@dataclass(frozen=True)
class Term:
    """One space-separated part of a query, as the key prefixes and address phrase it is matched by."""

    text: str
    prefixes: tuple[str, ...]
    address: str | None  # FTS5 trigram phrase (>= 3 characters), or None

    def key_sql(self) -> tuple[str, list[str]]:
        """``(key >= ? AND key < ?) OR ...`` for the key prefixes."""
        sql = " OR ".join("(key >= ? AND key < ?)" for _ in self.prefixes)
        params: list[str] = []
        for p in self.prefixes:
            params += [p, p + TOP]
        return sql, params


def parse_query(text: str) -> list[Term]:
    """Split a query into terms and decide which keys each one is matched against."""
    terms: list[Term] = []
    for part in nfkc(text or "").split():
        low = part.lower()
        if _DIGITS.fullmatch(part):
            tail = low.upper()[::-1]
            prefixes = ("d:" + tail,) if tail.startswith("X") else ("t:" + tail, "d:" + tail)
            terms.append(Term(part, prefixes, _phrase(part) if len(part) >= 3 else None))
        elif _LATIN.fullmatch(low):
            terms.append(Term(part, ("p:" + low,), None))
        else:
            name = clean_name(part).lower()
            # A tag is found by its start too: 独居 lists the households with 独居老人.
            if len(part) >= 3:
                terms.append(Term(part, ("n:" + name, "g:" + part), _phrase(address_fragment(part))))
            else:
                terms.append(Term(part, ("n:" + name, "g:" + part, "e:" + low), None))
    return terms


def address_fragment(text: str) -> str:
    """A piece of an address written the way stored addresses are (3栋 / 3号楼 / 3# -> 3幢).

    Not ``normalize_text``: that completes a whole address, and ``3幢2`` would become ``3幢2室``.
    """
    text = "".join(nfkc(text).split())
    return _BUILDING_VARIANTS.sub(r"\1幢", text)


def _phrase(fragment: str) -> str | None:
    fragment = fragment.strip()
    if len(fragment) < 3:
        return None
    return '"' + fragment.replace('"', '""') + '"'


# --------------------------------------------------------------------------- filters
def _intervals(conn: Any, intervals: Mapping[str, int] | None) -> Mapping[str, int]:
    """The given intervals, else the community's own (社区设置), else the defaults."""
    if intervals is not None:
        return intervals
    return queries_rules.rules(conn).visit_intervals


def _cutoffs(now: dt.datetime | None, intervals: Mapping[str, int] | None) -> dict[str, str]:
    """Per attention level, the UTC time before which the last visit makes a household overdue."""
    now = now or dt.datetime.now(dt.timezone.utc)
    if now.tzinfo is None:
        now = now.astimezone()
    days = {**codes.DEFAULT_VISIT_INTERVAL_DAYS, **(intervals or {})}
    return {level: (now - dt.timedelta(days=int(n))).astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
            for level, n in days.items()}


def _filters(*, grid_id, building_id, estate, overdue, attention_level, cutoffs) -> tuple[list[str], list]:
    """Conditions on the household row itself."""
    where: list[str] = []
    params: list[Any] = []
    for column, value in (("grid_id", grid_id), ("building_id", building_id), ("estate", estate),
                          ("attention_level", attention_level)):
        if value is not None:
            where.append(f"h.{column} = ?")
            params.append(value)
    if overdue is not None:
        # A CASE, not an OR over the (attention_level, last_visit_utc) index: the list is walked in
        # address order and many households are overdue, so testing each row beats sorting them all.
        levels = [lv for lv in cutoffs if lv != "normal"]
        case = " ".join("WHEN ? THEN ?" for _ in levels)
        cond = f"h.last_visit_utc < CASE h.attention_level {case} ELSE ? END"
        where.append(cond if overdue else f"NOT ({cond})")
        for level in levels:
            params += [level, cutoffs[level]]
        params.append(cutoffs.get("normal", min(cutoffs.values())))
    return where, params


@dataclass
class _Set:
    """A set of households a query must be limited to (one query term, or a tag): two ways to ask
    for it. ``docs`` lists them (to drive a small result); ``probe`` tests one household ``h``
    (to filter while walking the households in the order asked for)."""

    docs: str
    docs_params: list[Any]
    probe: str
    probe_params: list[Any]
    size: int = 0  # measured, capped at MEASURE_CAP
    # The part of the set spread evenly over the address order (people's keys, tags); estates and
    # address fragments sit together in it, so they cannot be counted on to fill a page early.
    spread: int = 0
    # Streaming forms for measuring (keys, not households: an estimate, and no de-duplication
    # that would read the whole set before LIMIT stops it).
    measure: str = ""
    measure_params: list[Any] = field(default_factory=list)
    spread_measure: str = ""
    spread_params: list[Any] = field(default_factory=list)


# Sets are counted up to this many keys (an index range scan: a few milliseconds at most).
MEASURE_CAP = 12_000
# Rough costs in microseconds, measured at 100,000 households: looking up and sorting one listed
# household, and testing one household while walking an index in order.
COST_LIST = 3.0
COST_WALK = 4.0
# The share of households assumed overdue when choosing a plan (about 9 % in the demo city);
# counting them for every query would cost more than the choice saves.
OVERDUE_SHARE = 0.1


def _distinct_docs(prefixes: Sequence[str]) -> tuple[str, list[Any]]:
    """Each household once, of the keys starting with any of ``prefixes``: one primary-key range
    scan per prefix. (Written as a UNION, or DISTINCT over ``doc + 0``, because a plain DISTINCT
    or an OR tempts SQLite to scan the whole (doc, key) index for its order instead.)"""
    arms = ["SELECT doc FROM search_key WHERE key >= ? AND key < ?" for _ in prefixes]
    params: list[Any] = []
    for p in prefixes:
        params += [p, p + TOP]
    if len(arms) == 1:
        return "SELECT DISTINCT doc + 0 AS doc FROM search_key WHERE key >= ? AND key < ?", params
    return " UNION ".join(arms), params


def _all_keys(prefixes: Sequence[str]) -> tuple[str, list[Any]]:
    """Every key row starting with any of ``prefixes`` (duplicates kept), streaming."""
    params: list[Any] = []
    for p in prefixes:
        params += [p, p + TOP]
    return " UNION ALL ".join("SELECT doc FROM search_key WHERE key >= ? AND key < ?" for _ in prefixes), params


def _term_set(term: Term) -> _Set:
    docs, docs_params = _distinct_docs(term.prefixes)
    # The estate keys are probed as a range of the address sort key (the estate leads it): those
    # households sit together in address order, and a walk must not test them one by one.
    person = [p for p in term.prefixes if not p.startswith("e:")]
    # One EXISTS per prefix: each is a single seek in the (doc, key) index, where an OR inside one
    # EXISTS would read every key of the household.
    ors = ["EXISTS (SELECT 1 FROM search_key k WHERE k.doc = h.doc AND k.key >= ? AND k.key < ?)"
           for _ in person]
    probe_params: list[Any] = []
    for p in person:
        probe_params += [p, p + TOP]
    for p in term.prefixes:
        if p.startswith("e:"):
            ors.append("(h.addr_sort >= ? AND h.addr_sort < ?)")
            probe_params += [p[2:].upper(), p[2:].upper() + TOP]
    if term.address:
        fts = "SELECT rowid FROM search_address WHERE search_address MATCH ?"
        docs = f"{docs} UNION {fts}"
        docs_params.append(term.address)
        ors.append(f"h.doc IN ({fts})")
        probe_params.append(term.address)
    probe = ors[0] if len(ors) == 1 else "(" + " OR ".join(ors) + ")"
    measure, measure_params = _all_keys(term.prefixes)
    if term.address:
        measure = f"{measure} UNION ALL {fts}"
        measure_params.append(term.address)
    spread, spread_params = _all_keys(person) if person else ("", [])
    return _Set(docs, docs_params, probe, probe_params, measure=measure, measure_params=measure_params,
                spread_measure=spread, spread_params=spread_params)


def _tag_set(tag: str) -> _Set:
    key = "g:" + str(tag)
    docs = "SELECT DISTINCT doc + 0 AS doc FROM search_key WHERE key = ?"
    measure = "SELECT doc FROM search_key WHERE key = ?"
    return _Set(docs, [key], "EXISTS (SELECT 1 FROM search_key k WHERE k.doc = h.doc AND k.key = ?)", [key],
                measure=measure, measure_params=[key], spread_measure=measure, spread_params=[key])


def _plan(c, text: str, tag: str | None, *, want: int = 50, **filters) -> tuple[str, list[Any], list[Term]]:
    """The FROM ... WHERE ... of a household query, and the parsed terms.

    SQLite cannot know how many households a key prefix matches, so it is measured here (capped),
    and one of two plans is taken by a rough cost: the smallest set drives the query (its
    households are looked up, filtered and sorted), or the households are walked in index order
    (address; or grid / building / estate / attention level, then address) and each is tested, so
    that a page needs only as many tests as it takes to fill it. ``want``: rows the caller needs
    (offset + limit), or 0 to count them all.
    """
    cutoffs = filters.pop("cutoffs")
    where, params = _filters(cutoffs=cutoffs, **filters)
    terms = parse_query(text)
    sets = [_term_set(t) for t in terms] + ([_tag_set(tag)] if tag is not None else [])
    if not sets:
        return f"FROM search_household h{' WHERE ' + ' AND '.join(where) if where else ''}", params, terms
    for st in sets:
        st.size = c.execute(f"SELECT count(*) FROM (SELECT 1 FROM ({st.measure}) LIMIT {MEASURE_CAP})",
                            st.measure_params).fetchone()[0]
        if st.spread_measure == st.measure:
            st.spread = st.size
        elif st.spread_measure:
            st.spread = c.execute(f"SELECT count(*) FROM (SELECT 1 FROM ({st.spread_measure}) LIMIT {MEASURE_CAP})",
                                  st.spread_params).fetchone()[0]
    driver = min(sets, key=lambda st: st.size)
    # How many households a walk covers, and how dense the matches are in it.
    # max(doc) stands for the number of households (a count would scan them all).
    total = universe = c.execute("SELECT max(doc) FROM search_household").fetchone()[0] or 1
    for column in ("building_id", "grid_id", "estate", "attention_level"):
        value = filters.get(column)
        if value is not None:
            universe = min(universe, c.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM search_household WHERE {column} = ? LIMIT 100000)",
                (value,)).fetchone()[0])
    density = 1.0
    for st in sets:
        density *= min(1.0, max(st.spread, 1) / total)
    if filters.get("overdue") is not None:
        density *= OVERDUE_SHARE
    walked = universe if not want else min(universe, want / max(density, 1e-9))
    if driver.size < MEASURE_CAP and driver.size * COST_LIST <= walked * COST_WALK:
        # Other sets small enough to list are intersected with it before any household is read
        # (a name and a tag: two index scans, then only the households in both); the rest are probed.
        listed = [driver] + [st for st in sets if st is not driver and st.size < MEASURE_CAP]
        others = [st for st in sets if st not in listed]
        conds = [st.probe for st in others] + where
        docs = " INTERSECT ".join(f"SELECT doc FROM ({st.docs})" for st in listed)
        sql = (f"FROM ({docs if len(listed) > 1 else driver.docs}) m"
               f" CROSS JOIN search_household h ON h.doc = m.doc{' WHERE ' + ' AND '.join(conds) if conds else ''}")
        p = [x for st in listed for x in st.docs_params] + [x for st in others for x in st.probe_params] + params
        return sql, p, terms
    conds = where + [st.probe for st in sets]
    sql = f"FROM search_household h WHERE {' AND '.join(conds)}"
    return sql, params + [x for st in sets for x in st.probe_params], terms


_COLUMNS = ("h.doc, h.household_id, h.address, h.head_name, h.phone, h.grid_id, h.building_id, h.estate,"
            " h.tags, h.attention_level, h.last_visit_at, h.last_visit_utc, h.member_names")


# --------------------------------------------------------------------------- households
def search_households(conn: Any, text: str = "", *, grid_id: str | None = None,
                      building_id: str | None = None, estate: str | None = None, tag: str | None = None,
                      overdue: bool | None = None, attention_level: str | None = None,
                      limit: int = 50, offset: int = 0, order_by: str = "address",
                      now: dt.datetime | None = None,
                      intervals: Mapping[str, int] | None = None) -> list[HouseholdHit]:
    """Households matching ``text`` (empty: all) and every filter given, one page of them.

    ``overdue``: True for households with no visit within their attention level's interval (never
    visited counts as overdue), False for the others, None for both. ``now`` and ``intervals``
    (attention level -> days) default to the current time and the city's defaults.
    ``order_by``: ``address`` (natural order: 3幢 before 10幢), ``attention`` (高风险 first) or ``last_visit`` (longest unvisited
    first). ``conn``: a SQLAlchemy Connection (``db.read()``) or a sqlite3 connection.
    """
    if order_by not in ORDERS:
        raise ValueError(f"order_by must be one of {ORDERS}, not {order_by!r}")
    cutoffs = _cutoffs(now, _intervals(conn, intervals))
    c = raw(conn)
    frm, params, terms = _plan(c, text, tag, want=int(offset) + int(limit), grid_id=grid_id, building_id=building_id, estate=estate,
                               overdue=overdue, attention_level=attention_level, cutoffs=cutoffs)
    order = _ORDER_SQL[order_by]
    rows = c.execute(f"SELECT {_COLUMNS} {frm} ORDER BY {order} LIMIT ? OFFSET ?",
                     params + [int(limit), int(offset)]).fetchall()
    matches = _matches(c, [r[0] for r in rows], terms)
    out = []
    for doc, hid, address, head, phone, grid, building, est, tags, level, last, last_utc, names in rows:
        matched = [_match(f, n, k, head, est) for f, n, k in matches.get(doc, [])]
        for term in terms:
            if term.address and address_fragment(term.text) in address:
                matched.append(Match("household.address", address))
        out.append(HouseholdHit(
            id=hid, address=address, head_name=head, phone=phone, grid_id=grid, building_id=building,
            estate=est, tags=[t for t in tags.split("|") if t], attention_level=level, last_visit_at=last,
            overdue=last_utc < cutoffs.get(level, cutoffs["normal"]),
            member_names=[n for n in names.split("、") if n], matched=matched))
    return out


def count_households(conn: Any, text: str = "", *, grid_id: str | None = None,
                     building_id: str | None = None, estate: str | None = None, tag: str | None = None,
                     overdue: bool | None = None, attention_level: str | None = None,
                     now: dt.datetime | None = None, intervals: Mapping[str, int] | None = None,
                     cap: int | None = None) -> int:
    """How many households :func:`search_households` would list with these arguments, all pages.

    ``cap``: stop counting there (a list that shows "1000+" while the user types a single letter
    needs no more; counting every match of a one-letter query takes tens of milliseconds at
    100,000 households).
    """
    c = raw(conn)
    terms = parse_query(text)
    if (terms or tag is not None) and overdue is None and all(
            v is None for v in (grid_id, building_id, estate, attention_level)):
        # Only keys to match: count their households straight from the key index, no household read.
        sets = [_term_set(t) for t in terms] + ([_tag_set(tag)] if tag is not None else [])
        docs = " INTERSECT ".join(f"SELECT doc FROM ({st.docs})" for st in sets)
        if len(sets) == 1:
            docs = sets[0].docs
        limit = f" LIMIT {int(cap)}" if cap is not None else ""
        return int(c.execute(f"SELECT count(*) FROM ({docs}{limit})",
                             [x for st in sets for x in st.docs_params]).fetchone()[0])
    frm, params, _ = _plan(c, text, tag, want=int(cap or 0), grid_id=grid_id, building_id=building_id,
                           estate=estate, overdue=overdue, attention_level=attention_level,
                           cutoffs=_cutoffs(now, _intervals(conn, intervals)))
    if cap is not None:
        return int(c.execute(f"SELECT count(*) FROM (SELECT 1 {frm} LIMIT ?)", params + [int(cap)]).fetchone()[0])
    return int(c.execute(f"SELECT count(*) {frm}", params).fetchone()[0])


def _matches(c, docs: Sequence[int], terms: Sequence[Term]) -> dict[int, list[tuple[str, str | None, str]]]:
    """The keys of these docs that the query's terms matched: doc -> [(field, person name, key)].

    The person name is None for the household's own keys (head as written, phone, estate, tag).
    """
    if not docs or not terms:
        return {}
    ors, params = [], []
    for term in terms:
        sql, p = term.key_sql()
        ors.append(sql)
        params += p
    out: dict[int, list[tuple[str, str | None, str]]] = {}
    seen: set[tuple] = set()
    for doc, kind, key, name in c.execute(
            "SELECT k.doc, k.kind, k.key, r.name FROM search_key k LEFT JOIN search_ref r ON r.ref = k.ref"
            f" WHERE k.doc IN ({','.join('?' * len(docs))}) AND ({' OR '.join(ors)})"
            " ORDER BY k.doc, k.ref, k.kind", list(docs) + params):
        field_name = FIELDS[kind] if 0 <= kind < len(FIELDS) else "unknown"
        if (doc, field_name, name) not in seen:
            seen.add((doc, field_name, name))
            out.setdefault(doc, []).append((field_name, name, key))
    return out


def _match(field_name: str, name: str | None, key: str, head: str | None, estate: str | None) -> Match:
    if name is not None and not field_name.endswith(".tag"):
        return Match(field_name, name)
    if field_name == "household.estate":
        return Match(field_name, estate or "")
    if field_name.endswith(".tag"):
        return Match(field_name, key[2:])
    return Match(field_name, head or "")


# --------------------------------------------------------------------------- residents
def search_residents(conn: Any, text: str = "", *, household_id: str | None = None,
                     grid_id: str | None = None, building_id: str | None = None, tag: str | None = None,
                     limit: int = 50, offset: int = 0) -> list[ResidentHit]:
    """Residents matching ``text`` by their own name, pinyin, initials, phone or ID tail (or their
    household's address), ordered by address then name. Deleted residents are never listed.

    ``tag`` is a care tag of the resident (关爱对象). Raw phone and ID numbers: mask them.
    """
    where: list[str] = []
    params: list[Any] = []
    terms = parse_query(text)
    # Per term: the refs it matches as a list (to drive a small result) and as a test of one
    # resident ``sr`` (to filter while walking households in address order), as for households.
    listings: list[tuple[str, list[Any], int, int]] = []  # (sql, params, size, spread size)
    c = raw(conn)
    for term in terms:
        # A resident matches by their own keys, or by their household's estate or address.
        person = Term(term.text, tuple(x for x in term.prefixes if not x.startswith("e:")), None)
        estates = Term(term.text, tuple(x for x in term.prefixes if x.startswith("e:")), None)
        ors, lists, lparams = [], [], []
        if person.prefixes:
            key_sql, p = person.key_sql()
            ors.append("EXISTS (SELECT 1 FROM search_key k WHERE k.doc = sr.doc AND k.ref = sr.ref"
                       f" AND ({key_sql.replace('key', 'k.key')}))")
            params += p
            lists.append(f"SELECT ref FROM search_key WHERE ({key_sql}) AND ref > 0")
            lparams += p
        docs = []
        if estates.prefixes:
            key_sql, p = estates.key_sql()
            docs.append(f"SELECT doc FROM search_key WHERE {key_sql}")
            lparams += p
            ors.append(f"sr.doc IN (SELECT doc FROM search_key WHERE {key_sql})")
            params += p
        if term.address:
            docs.append("SELECT rowid FROM search_address WHERE search_address MATCH ?")
            lparams.append(term.address)
            ors.append("sr.doc IN (SELECT rowid FROM search_address WHERE search_address MATCH ?)")
            params.append(term.address)
        lists += [f"SELECT ref FROM search_ref WHERE kind = 'resident' AND doc IN ({d})" for d in docs]
        where.append("(" + " OR ".join(ors) + ")")
        listing = " UNION ".join(lists)
        # Measured with UNION ALL: streaming, so LIMIT stops the count early.
        size = c.execute(f"SELECT count(*) FROM (SELECT 1 FROM ({' UNION ALL '.join(lists)}) LIMIT {MEASURE_CAP})",
                         lparams).fetchone()[0]
        # Estates and address fragments sit together in address order: only people's own keys
        # are spread evenly enough to count on while walking.
        spread = 0
        if person.prefixes:
            key_sql, p = person.key_sql()
            spread = size if len(lists) == 1 else c.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM search_key WHERE ({key_sql}) AND ref > 0"
                f" LIMIT {MEASURE_CAP})", p).fetchone()[0]
        listings.append((listing, lparams, size, spread))
    for col, value in (("h.household_id", household_id), ("h.grid_id", grid_id),
                       ("h.building_id", building_id)):
        if value is not None:
            where.append(f"{col} = ?")
            params.append(value)
    if tag is not None:
        key = "g:" + str(tag)
        where.append("EXISTS (SELECT 1 FROM search_key k WHERE k.doc = sr.doc AND k.key = ? AND k.ref = sr.ref)")
        params.append(key)
        size = c.execute(f"SELECT count(*) FROM (SELECT 1 FROM search_key WHERE key = ? AND ref > 0"
                         f" LIMIT {MEASURE_CAP})", (key,)).fetchone()[0]
        listings.append(("SELECT ref FROM search_key WHERE key = ? AND ref > 0", [key], size, size))
    # search_ref holds live residents only, numbered in the order they are listed within a household
    # (head first), so the page is chosen without reading the resident rows.
    order = " ORDER BY h.addr_sort, sr.doc, sr.ref LIMIT ? OFFSET ?"
    cond = " AND ".join(["sr.kind = 'resident'"] + where)
    smallest = min(listings, key=lambda x: x[2]) if listings else None
    want = int(limit) + int(offset)
    total = c.execute("SELECT max(ref) FROM search_ref").fetchone()[0] or 1
    density = 1.0
    for _, _, _, spread in listings:
        density *= min(1.0, max(spread, 1) / total)
    walked = want / density
    for column, value in (("grid_id", grid_id), ("building_id", building_id)):
        if value is not None:  # the walk covers only these households (about 3 residents each)
            walked = min(walked, 3 * c.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM search_household WHERE {column} = ? LIMIT 100000)",
                (value,)).fetchone()[0])
    if household_id is not None:
        # One household: start from it, not from the address order.
        sql = (f"SELECT sr.ref, sr.doc FROM search_household h JOIN search_ref sr ON sr.doc = h.doc"
               f" WHERE {cond}{order}")
        refs = c.execute(sql, params + [int(limit), int(offset)]).fetchall()
    elif smallest is not None and smallest[2] < MEASURE_CAP and smallest[2] * COST_LIST <= walked * COST_WALK:
        sql = (f"SELECT sr.ref, sr.doc FROM (SELECT DISTINCT ref FROM ({smallest[0]})) m"
               " CROSS JOIN search_ref sr ON sr.ref = m.ref CROSS JOIN search_household h ON h.doc = sr.doc"
               f" WHERE {cond}{order}")
        refs = c.execute(sql, smallest[1] + params + [int(limit), int(offset)]).fetchall()
    else:
        sql = (f"SELECT sr.ref, sr.doc FROM search_household h CROSS JOIN search_ref sr ON sr.doc = h.doc"
               f" WHERE {cond}{order}")
        refs = c.execute(sql, params + [int(limit), int(offset)]).fetchall()
    rows = []
    if refs:
        found = {row[0]: row for row in c.execute(
            "SELECT sr.ref, r.id, r.name, r.household_id, h.address, r.relation, r.phone, r.id_number,"
            " r.tags, sr.doc FROM search_ref sr JOIN resident r ON r.id = sr.ref_id"
            " JOIN search_household h ON h.doc = sr.doc"
            f" WHERE sr.ref IN ({','.join('?' * len(refs))})", [r[0] for r in refs])}
        rows = [found[r[0]] for r in refs if r[0] in found]
    matched: dict[int, list[int]] = {}
    if rows and terms:
        ors, p = [], []
        for term in terms:
            sql, tp = term.key_sql()
            ors.append(sql)
            p += tp
        refs = [r[0] for r in rows]
        docs = sorted({r[-1] for r in rows})
        for ref, kind in c.execute(
                f"SELECT ref, kind FROM search_key WHERE doc IN ({','.join('?' * len(docs))})"
                f" AND ref IN ({','.join('?' * len(refs))}) AND ({' OR '.join(ors)})", docs + refs + p):
            matched.setdefault(ref, []).append(kind)
    return [ResidentHit(id=rid, name=name, household_id=hid, address=address, relation=relation, phone=phone,
                        id_number=idn, tags=json.loads(tags or "[]"),
                        matched=[Match(FIELDS[k], name) for k in sorted(set(matched.get(ref, [])))])
            for ref, rid, name, hid, address, relation, phone, idn, tags, _doc in rows]
