"""The laptop's search index as a value to compare."""
from __future__ import annotations


def index_state(conn) -> dict:
    """The whole search index, with its internal numbers (doc, ref) replaced by the ids they stand for."""
    rows = {r[0]: r[1:] for r in conn.exec_driver_sql(
        "SELECT household_id, community_id, grid_id, building_id, estate, address, addr_sort, head_name, phone,"
        " tags, attention_level, last_visit_at, last_visit_utc, member_names FROM search_household")}
    keys = sorted(conn.exec_driver_sql(
        "SELECT h.household_id, k.key, k.kind, coalesce(r.ref_id, '') FROM search_key k"
        " JOIN search_household h ON h.doc = k.doc LEFT JOIN search_ref r ON r.ref = k.ref AND k.ref != 0"))
    refs = [tuple(r) for r in conn.exec_driver_sql(
        "SELECT h.household_id, r.ref_id, r.kind, r.name FROM search_ref r JOIN search_household h ON h.doc = r.doc"
        " ORDER BY h.household_id, r.ref")]
    addresses = sorted(conn.exec_driver_sql(
        "SELECT h.household_id, a.address FROM search_address a JOIN search_household h ON h.doc = a.rowid"))
    return {"rows": rows, "keys": keys, "refs": refs, "addresses": addresses}
