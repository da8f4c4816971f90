"""What one device may be sent: the whole community (admin, grid worker) or, for a party member's
own device, only their 1+10+N circle with personal numbers masked (ARCHITECTURE.md §5, PIPL).

A party member's circle: the households linked to them (``member_household`` links from their
``party_member`` row, active); for a central household (``is_central_household``) also the
households of the members linked to them (``central_member``); the residents of those households;
the visits, votes and issues on them (and what the member made themselves); the rows the app needs
to run (the community's org units, ballots and options, service needs and teams); their own record,
links, service records and points. ID numbers
keep the first 6 and last 4 characters, phones are masked, sensitive tags are dropped.

Every device: a row's ``updated_device`` names a device of this community or nothing (a household
moved in must not carry the other community's device ids).

The checksum a shaped device verifies against is computed over what it is sent (:func:`bucket_sums`).
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, text

from ..domain.masking import mask_id_number, mask_phone
from ..store.rows import MASK64, bucket_of, row_hash
from ..store.tables import SYNC_ORDER, spec
if TYPE_CHECKING:  # auth links a party member's user to their record through this module
    from .auth import DeviceAuth


def _phone(value: Any) -> Any:
    return mask_phone(value) if value else value


def _id_number(value: Any) -> Any:
    return mask_id_number(value) if value else value


MASKS: dict[str, dict[str, Callable[[Any], Any]]] = {
    "resident": {"id_number": _id_number, "phone": _phone, "sensitive_tags": lambda _v: "[]"},
    "household": {"phone": _phone},
    "party_member": {"phone": _phone},
    "issue": {"reporter_phone": _phone},
}


@dataclass
class Shape:
    """``ids`` None: the whole community; else table -> the row ids this device may be sent."""

    community_id: str
    devices: set[str]
    ids: dict[str, set[str]] | None = None
    member_id: str | None = None
    user_id: str | None = None

    @property
    def full(self) -> bool:
        return self.ids is None

    def keeps(self, table: str, row_id: str) -> bool:
        return self.ids is None or row_id in self.ids.get(table, ())

    def device(self, device_id: str | None) -> str | None:
        return device_id if device_id in self.devices else None

    def row(self, table: str, row: dict[str, Any]) -> dict[str, Any]:
        """The row as this device is sent it (a copy when anything changes)."""
        masks = {} if self.ids is None else MASKS.get(table, {})
        foreign = row.get("updated_device") is not None and row["updated_device"] not in self.devices
        if not masks and not foreign:
            return row
        out = dict(row)
        if foreign:
            out["updated_device"] = None
        for name, mask in masks.items():
            if name in out:
                out[name] = mask(out[name])
        return out


def _is_true(value: Any) -> bool:
    return bool(value) and value not in ("0", "false")


def member_of(conn: Connection, user_id: str, community_id: str, explicit: str | None,
              display_name: str | None) -> str | None:
    """The party_member row a party-member user is: the one set on the user, else the only
    undeleted member of the community with the user's display name."""
    if explicit:
        return explicit
    if not display_name:
        return None
    rows = conn.execute(text("SELECT id, deleted FROM party_member WHERE community_id = :c AND name = :n"),
                        {"c": community_id, "n": display_name}).all()
    live = [r[0] for r in rows if not _is_true(r[1])]
    return live[0] if len(live) == 1 else None


def shape_for(conn: Connection, auth: DeviceAuth) -> Shape:
    cid = auth.community_id
    devices = {r[0] for r in conn.execute(text("SELECT id FROM device WHERE community_id = :c"), {"c": cid})}
    if auth.user.role != "party_member":
        return Shape(cid, devices)
    member = member_of(conn, auth.user.id, cid, auth.user.party_member_id, auth.user.display_name)
    return Shape(cid, devices, _circle(conn, cid, member, auth.user.id), member, auth.user.id)


def _circle(conn: Connection, cid: str, member: str | None, user_id: str) -> dict[str, set[str]]:
    def rows(sql: str) -> list:
        return conn.execute(text(sql), {"c": cid}).all()

    ids: dict[str, set[str]] = {t: set() for t in SYNC_ORDER}
    ids["org_unit"] = {r[0] for r in rows("SELECT id FROM org_unit WHERE community_id = :c")}
    ids["ballot"] = {r[0] for r in rows("SELECT id FROM ballot WHERE community_id = :c")}
    ids["ballot_option"] = {r[0] for r in rows("SELECT id FROM ballot_option WHERE community_id = :c")}
    ids["audit_log"] = {r[0] for r in rows("SELECT id, created_by FROM audit_log WHERE community_id = :c")
                        if r[1] == user_id}
    households: set[str] = set()
    members: set[str] = set()
    if member is not None:
        pm = {r[0]: _is_true(r[1]) for r in rows(
            "SELECT id, is_central_household FROM party_member WHERE community_id = :c")}
        if member in pm:
            members.add(member)
            links = rows("SELECT id, kind, from_id, to_id, active, deleted FROM contact_link WHERE community_id = :c")
            live = [lk for lk in links if _is_true(lk[4]) and not _is_true(lk[5])]
            if pm[member]:
                members |= {lk[3] for lk in live if lk[1] == "central_member" and lk[2] == member}
            households = {lk[3] for lk in live if lk[1] == "member_household" and lk[2] in members}
            ids["contact_link"] = {lk[0] for lk in links if lk[2] in members or lk[3] == member}
            centrals = {lk[2] for lk in live if lk[1] == "central_member" and lk[3] == member}
            ids["party_member"] = (members | centrals) & set(pm)
    hh = rows("SELECT id, building_id FROM household WHERE community_id = :c")
    ids["household"] = {r[0] for r in hh if r[0] in households}
    ids["building"] = {r[1] for r in hh if r[0] in households and r[1]}
    ids["resident"] = {r[0] for r in rows("SELECT id, household_id FROM resident WHERE community_id = :c")
                       if r[1] in households}
    ids["visit"] = {r[0] for r in rows("SELECT id, household_id, created_by FROM visit WHERE community_id = :c")
                    if r[1] in households or r[2] == user_id}
    ids["vote"] = {r[0] for r in rows("SELECT id, household_id FROM vote WHERE community_id = :c")
                   if r[1] in households}
    ids["issue"] = {r[0] for r in rows("SELECT id, household_id, updated_by FROM issue WHERE community_id = :c")
                    if r[1] in households or r[2] == user_id}
    ids["issue_event"] = {r[0] for r in rows(
        "SELECT id, issue_id, created_by FROM issue_event WHERE community_id = :c")
        if r[1] in ids["issue"] or r[2] == user_id}
    # 三报到三服务: the community's published need list and teams; their own service records.
    ids["service_need"] = {r[0] for r in rows("SELECT id FROM service_need WHERE community_id = :c")}
    ids["service_team"] = {r[0] for r in rows("SELECT id FROM service_team WHERE community_id = :c")}
    ids["service_record"] = {r[0] for r in rows(
        "SELECT id, member_id, updated_by FROM service_record WHERE community_id = :c")
        if (member is not None and r[1] == member) or r[2] == user_id}
    ids["points_ledger"] = {r[0] for r in rows(
        "SELECT id, member_id, created_by FROM points_ledger WHERE community_id = :c")
        if (member is not None and r[1] == member) or r[2] == user_id}
    return ids


def shaped_conflict(shape: Shape, record: dict[str, Any]) -> dict[str, Any]:
    """A conflict record with its two values masked as the field is masked in a pull."""
    mask = MASKS.get(record["table_name"], {}).get(record.get("field") or "")
    if mask is not None:
        record = {**record, "lost_value": mask(record["lost_value"]), "won_value": mask(record["won_value"])}
    return {**record, "lost_device": shape.device(record.get("lost_device")),
            "won_device": shape.device(record.get("won_device"))}


def change_fields(shape: Shape, table: str, op: str, raw: str | None) -> Any:
    """A change's fields as this device is sent them (decoded only when something may change)."""
    if raw is None:
        return None
    if shape.full and '"updated_device"' not in raw:
        return raw
    fields = json.loads(raw)
    if isinstance(fields, dict):
        fields = shape.row(table, fields)
    return fields


def iter_hashes(conn: Connection, shape: Shape) -> Iterator[tuple[str, str, int]]:
    """(table, id, hash) of every row this device is sent, as it is sent."""
    for table in SYNC_ORDER:
        ts = spec(table)
        cols = ["id", *ts.fields] + (["deleted"] if ts.mutable else [])
        for values in conn.execute(text(f"SELECT {', '.join(cols)} FROM {table} WHERE community_id = :c"),
                                   {"c": shape.community_id}):
            row = dict(zip(cols, values))
            if shape.keeps(table, row["id"]):
                yield table, row["id"], row_hash(table, shape.row(table, row))


def bucket_sums(conn: Connection, shape: Shape) -> tuple[int, list[int]]:
    buckets = [0] * 256
    for _t, row_id, h in iter_hashes(conn, shape):
        b = bucket_of(row_id)
        buckets[b] = (buckets[b] + h) & MASK64
    return sum(buckets) & MASK64, buckets


def rows_in_buckets(conn: Connection, shape: Shape, wanted: set[int]) -> dict[tuple[str, str], int]:
    return {(t, i): h for t, i, h in iter_hashes(conn, shape) if bucket_of(i) in wanted}
