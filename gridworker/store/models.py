"""Typed SQLAlchemy models for every table of ARCHITECTURE.md §3, client and server.

Every table says in ``info["side"]`` where it lives: ``both`` (the synced domain tables, the same on
the laptop and the server), ``client`` (outbox, local users, sync state, review queue, search
index) or ``server`` (users, devices, change log: defined in ``gridworker.server.models`` on the same
``Base``). Each side's Alembic tree creates only its own tables.

Synced tables come in two kinds (``info["sync"]``): ``mutable`` rows carry per-field server
versions and a tombstone; ``append`` rows are inserted once and never change.
"""
from __future__ import annotations

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ID = String(36)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


# --------------------------------------------------------------------------- sync column mixins
class MutableRow:
    """Columns every mutable synced row carries."""

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    community_id: Mapped[str] = mapped_column(ID, index=True)
    # JSON object: field name -> server seq that last set it (0 = never synced).
    versions: Mapped[str] = mapped_column(Text, default="{}")
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[str | None] = mapped_column(String(32))
    updated_by: Mapped[str | None] = mapped_column(ID)
    updated_device: Mapped[str | None] = mapped_column(ID)
    hlc: Mapped[str | None] = mapped_column(String(64))


class AppendRow:
    """Columns every append-only synced row carries."""

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    community_id: Mapped[str] = mapped_column(ID, index=True)
    created_at: Mapped[str] = mapped_column(String(32))
    created_by: Mapped[str | None] = mapped_column(ID)
    device_id: Mapped[str | None] = mapped_column(ID)
    hlc: Mapped[str | None] = mapped_column(String(64))
    # The server's change number for this row; NULL on a laptop until the row comes back in a pull.
    server_seq: Mapped[int | None] = mapped_column(Integer)


SYNC_META_COLUMNS = frozenset(
    {"id", "community_id", "versions", "deleted", "updated_at", "updated_by", "updated_device",
     "hlc", "created_at", "created_by", "device_id", "server_seq"}
)


def _both(kind: str) -> dict:
    return {"info": {"side": "both", "sync": kind}}


# --------------------------------------------------------------------------- mutable domain rows
class OrgUnit(MutableRow, Base):
    """街道 / 社区 / 网格. A community's own row has community_id == id."""

    __tablename__ = "org_unit"
    __table_args__ = _both("mutable")
    code: Mapped[str] = mapped_column(String(32), index=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(16))  # city/district/street/community/grid/party_branch
    parent_id: Mapped[str | None] = mapped_column(ID)
    secretary: Mapped[str | None] = mapped_column(String(50))  # 网格党支部书记 (party_branch units)
    # 社区设置 (a community's own row): holiday calendar, visit intervals, case time limits as JSON
    # text, validated by domain/community_rules.py on the laptop and at the server.
    settings: Mapped[str | None] = mapped_column(Text)


class Building(MutableRow, Base):
    """小区 / 楼栋 / 单元."""

    __tablename__ = "building"
    __table_args__ = (Index("ix_building_grid", "grid_id"), {"info": {"side": "both", "sync": "mutable"}})
    grid_id: Mapped[str | None] = mapped_column(ID)
    estate: Mapped[str] = mapped_column(String(100))  # 小区
    building_no: Mapped[str] = mapped_column(String(16))  # 幢
    unit_count: Mapped[int | None] = mapped_column(Integer)
    floors: Mapped[int | None] = mapped_column(Integer)
    address: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)


class Household(MutableRow, Base):
    """户: an address, its head, housing facts and tags."""

    __tablename__ = "household"
    __table_args__ = (
        Index("ix_household_grid", "grid_id"),
        Index("ix_household_building", "building_id"),
        Index("ix_household_address_key", "address_key"),
        {"info": {"side": "both", "sync": "mutable"}},
    )
    grid_id: Mapped[str | None] = mapped_column(ID)
    building_id: Mapped[str | None] = mapped_column(ID)
    estate: Mapped[str | None] = mapped_column(String(100))
    building_no: Mapped[str | None] = mapped_column(String(16))
    unit: Mapped[str | None] = mapped_column(String(16))
    room: Mapped[str | None] = mapped_column(String(16))
    floor: Mapped[int | None] = mapped_column(Integer)
    door_plate: Mapped[str | None] = mapped_column(String(200))  # free-text 门牌
    address: Mapped[str] = mapped_column(String(300))
    address_key: Mapped[str | None] = mapped_column(String(200))
    head_name: Mapped[str | None] = mapped_column(String(50))
    phone: Mapped[str | None] = mapped_column(String(32))
    housing_use: Mapped[str | None] = mapped_column(String(32))
    tenure: Mapped[str | None] = mapped_column(String(16))  # own/rent/vacant
    residence_status: Mapped[str | None] = mapped_column(String(16))
    area_m2: Mapped[str | None] = mapped_column(String(16))  # exact decimal text, for ballots
    attention_level: Mapped[str] = mapped_column(String(16), default="normal")
    tags: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of labels
    notes: Mapped[str | None] = mapped_column(Text)
    # 星级文明户: stars (1-5) and the year of the selection that gave them (domain/service.py), set by
    # the yearly selection ballot's result, not typed in as a tag.
    civility_stars: Mapped[int | None] = mapped_column(Integer)
    civility_year: Mapped[int | None] = mapped_column(Integer)


class Resident(MutableRow, Base):
    """人: a member of a household."""

    __tablename__ = "resident"
    __table_args__ = (
        Index("ix_resident_household", "household_id"),
        Index("ix_resident_id_number", "id_number"),
        {"info": {"side": "both", "sync": "mutable"}},
    )
    household_id: Mapped[str] = mapped_column(ID)
    name: Mapped[str] = mapped_column(String(50))
    former_name: Mapped[str | None] = mapped_column(String(50))
    id_number: Mapped[str | None] = mapped_column(String(18))
    gender: Mapped[str | None] = mapped_column(String(2))
    ethnicity: Mapped[str | None] = mapped_column(String(16))
    birth_date: Mapped[str | None] = mapped_column(String(10))
    hukou_address: Mapped[str | None] = mapped_column(String(300))
    current_address: Mapped[str | None] = mapped_column(String(300))
    education: Mapped[str | None] = mapped_column(String(16))
    marital: Mapped[str | None] = mapped_column(String(4))
    political: Mapped[str | None] = mapped_column(String(16))
    occupation: Mapped[str | None] = mapped_column(String(50))
    workplace: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(32))
    relation: Mapped[str | None] = mapped_column(String(4))
    tags: Mapped[str] = mapped_column(Text, default="[]")  # care tags (关爱对象)
    sensitive_tags: Mapped[str] = mapped_column(Text, default="[]")  # 特殊人群: role-restricted
    data_source: Mapped[str | None] = mapped_column(String(32))
    notes: Mapped[str | None] = mapped_column(Text)


class PartyMember(MutableRow, Base):
    """A party member living here, or an in-service member registered under 三报到."""

    __tablename__ = "party_member"
    __table_args__ = {"info": {"side": "both", "sync": "mutable"}}
    resident_id: Mapped[str | None] = mapped_column(ID)
    household_id: Mapped[str | None] = mapped_column(ID)
    name: Mapped[str] = mapped_column(String(50))
    phone: Mapped[str | None] = mapped_column(String(32))
    branch: Mapped[str | None] = mapped_column(String(100))
    is_central_household: Mapped[bool] = mapped_column(Boolean, default=False)
    in_service: Mapped[bool] = mapped_column(Boolean, default=False)
    joined_on: Mapped[str | None] = mapped_column(String(10))
    notes: Mapped[str | None] = mapped_column(Text)
    branch_id: Mapped[str | None] = mapped_column(ID)  # the org_unit (level party_branch) they belong to
    workplace: Mapped[str | None] = mapped_column(String(100))  # 在职党员: 工作单位
    reported_on: Mapped[str | None] = mapped_column(String(10))  # 在职党员: 报到日期
    pledge: Mapped[str | None] = mapped_column(Text)  # 亮承诺
    central_reason: Mapped[str | None] = mapped_column(String(200))  # why designated / revoked 中心户
    left_on: Mapped[str | None] = mapped_column(String(10))  # left the structure (moved away, died)
    left_reason: Mapped[str | None] = mapped_column(String(200))


class ContactLink(MutableRow, Base):
    """1+10+N: central household -> member ('central_member'), member -> household ('member_household').

    The id is deterministic, hash(from, to, kind), so two laptops linking the same pair make one row.
    Links are deactivated, never deleted.
    """

    __tablename__ = "contact_link"
    __table_args__ = (
        Index("ix_contact_link_from", "from_id"),
        Index("ix_contact_link_to", "to_id"),
        {"info": {"side": "both", "sync": "mutable"}},
    )
    kind: Mapped[str] = mapped_column(String(24))
    from_id: Mapped[str] = mapped_column(ID)
    to_id: Mapped[str] = mapped_column(ID)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    start_date: Mapped[str | None] = mapped_column(String(10))
    end_date: Mapped[str | None] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(String(200))


class Ballot(MutableRow, Base):
    """议事/表决: scope, rule and times. Editable only before it opens."""

    __tablename__ = "ballot"
    __table_args__ = {"info": {"side": "both", "sync": "mutable"}}
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    scope_kind: Mapped[str] = mapped_column(String(16))  # building/estate/community
    scope_ref: Mapped[str | None] = mapped_column(String(200))  # building id, estate name or community id
    rule: Mapped[str] = mapped_column(String(32))  # residents_meeting/art278_ordinary/art278_major
    opens_at: Mapped[str | None] = mapped_column(String(32))
    closes_at: Mapped[str | None] = mapped_column(String(32))
    closed_at: Mapped[str | None] = mapped_column(String(32))
    organiser_id: Mapped[str | None] = mapped_column(ID)


class BallotOption(MutableRow, Base):
    __tablename__ = "ballot_option"
    __table_args__ = (Index("ix_ballot_option_ballot", "ballot_id"), {"info": {"side": "both", "sync": "mutable"}})
    ballot_id: Mapped[str] = mapped_column(ID)
    label: Mapped[str] = mapped_column(String(100))
    meaning: Mapped[str] = mapped_column(String(16), default="choice")  # yes/no/abstain/choice
    position: Mapped[int] = mapped_column(Integer, default=0)
    household_id: Mapped[str | None] = mapped_column(ID)  # a nominee (星级文明户 selection)


class Issue(MutableRow, Base):
    """吹哨事项 case header; its state is the fold of its events."""

    __tablename__ = "issue"
    __table_args__ = (Index("ix_issue_household", "household_id"), {"info": {"side": "both", "sync": "mutable"}})
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(32))
    kind: Mapped[str | None] = mapped_column(String(16))  # 求助/咨询/投诉/建议
    urgency: Mapped[str] = mapped_column(String(16), default="normal")
    household_id: Mapped[str | None] = mapped_column(ID)
    visit_id: Mapped[str | None] = mapped_column(ID)
    address: Mapped[str | None] = mapped_column(String(300))
    reporter_name: Mapped[str | None] = mapped_column(String(50))
    reporter_phone: Mapped[str | None] = mapped_column(String(32))
    source: Mapped[str | None] = mapped_column(String(32))
    reported_at: Mapped[str] = mapped_column(String(32))


class Meeting(MutableRow, Base):
    """议事会议 (客堂间, 院落板凳会, 联席会议 …): topic, time, place, attendees, minutes. What it decided is
    in its ``meeting_item`` rows (domain/meetings.py)."""

    __tablename__ = "meeting"
    __table_args__ = {"info": {"side": "both", "sync": "mutable"}}
    kind: Mapped[str] = mapped_column(String(16))
    topic: Mapped[str] = mapped_column(String(200))
    held_at: Mapped[str] = mapped_column(String(32))
    place: Mapped[str | None] = mapped_column(String(100))
    convener: Mapped[str | None] = mapped_column(String(50))
    attendees: Mapped[str] = mapped_column(Text, default="[]")  # JSON: [{"household_id"} | {"unit"}]
    minutes: Mapped[str | None] = mapped_column(Text)


class ServiceTeam(MutableRow, Base):
    """红领服务队: a team of party members and the key-group households it serves (domain/service.py)."""

    __tablename__ = "service_team"
    __table_args__ = {"info": {"side": "both", "sync": "mutable"}}
    name: Mapped[str] = mapped_column(String(100))
    leader_member_id: Mapped[str | None] = mapped_column(ID)
    members: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of party_member ids
    households: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of household ids
    focus: Mapped[str | None] = mapped_column(String(100))  # the key groups it serves, in words
    note: Mapped[str | None] = mapped_column(Text)


class ServiceNeed(MutableRow, Base):
    """需求清单 / 项目清单: a service the community needs, and who claimed it (认领)."""

    __tablename__ = "service_need"
    __table_args__ = {"info": {"side": "both", "sync": "mutable"}}
    title: Mapped[str] = mapped_column(String(200))
    detail: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16), default="community")  # visit/resident/key_group/community
    place: Mapped[str | None] = mapped_column(String(100))
    starts_at: Mapped[str | None] = mapped_column(String(32))
    people_wanted: Mapped[int | None] = mapped_column(Integer)
    skills: Mapped[str | None] = mapped_column(String(200))
    household_id: Mapped[str | None] = mapped_column(ID)
    visit_id: Mapped[str | None] = mapped_column(ID)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open/claimed/done/cancelled
    claimed_member_id: Mapped[str | None] = mapped_column(ID)
    claimed_team_id: Mapped[str | None] = mapped_column(ID)
    claimed_at: Mapped[str | None] = mapped_column(String(32))


class ServiceRecord(MutableRow, Base):
    """A member's 报到 or one service done, waiting for the secretary's approval; only an approved
    record earns points (one ``earn`` entry in points_ledger, its id derived from the record's)."""

    __tablename__ = "service_record"
    __table_args__ = (Index("ix_service_record_member", "member_id"), {"info": {"side": "both", "sync": "mutable"}})
    member_id: Mapped[str] = mapped_column(ID)
    kind: Mapped[str] = mapped_column(String(16), default="service")  # report_in / service
    served_on: Mapped[str] = mapped_column(String(10))
    hours: Mapped[str] = mapped_column(String(16), default="0")  # exact decimal text
    households_served: Mapped[int | None] = mapped_column(Integer)
    team_id: Mapped[str | None] = mapped_column(ID)
    need_id: Mapped[str | None] = mapped_column(ID)
    activity: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    entered_from: Mapped[str | None] = mapped_column(String(16))  # self / sheet (a paper sign-in sheet)
    approval: Mapped[str | None] = mapped_column(String(16))  # None = waiting; approved / rejected
    approved_by: Mapped[str | None] = mapped_column(String(50))
    approved_at: Mapped[str | None] = mapped_column(String(32))


# --------------------------------------------------------------------------- append-only rows
class Visit(AppendRow, Base):
    """走访: who visited which household, when, how, what was found."""

    __tablename__ = "visit"
    __table_args__ = (
        Index("ix_visit_household_at", "household_id", "visited_at"),
        {"info": {"side": "both", "sync": "append"}},
    )
    household_id: Mapped[str] = mapped_column(ID)
    visitor_id: Mapped[str | None] = mapped_column(ID)
    visitor_name: Mapped[str | None] = mapped_column(String(50))
    party_member_id: Mapped[str | None] = mapped_column(ID)
    visited_at: Mapped[str] = mapped_column(String(32))
    mode: Mapped[str] = mapped_column(String(16))
    purpose: Mapped[str | None] = mapped_column(String(200))
    summary: Mapped[str | None] = mapped_column(Text)
    problems: Mapped[str | None] = mapped_column(Text)
    requests: Mapped[str | None] = mapped_column(Text)
    follow_up: Mapped[str | None] = mapped_column(Text)
    follow_up_date: Mapped[str | None] = mapped_column(String(10))
    issue_id: Mapped[str | None] = mapped_column(ID)
    voids_id: Mapped[str | None] = mapped_column(ID)


class Vote(AppendRow, Base):
    __tablename__ = "vote"
    __table_args__ = (Index("ix_vote_ballot_household", "ballot_id", "household_id"),
                      {"info": {"side": "both", "sync": "append"}})
    ballot_id: Mapped[str] = mapped_column(ID)
    household_id: Mapped[str] = mapped_column(ID)
    option_id: Mapped[str | None] = mapped_column(ID)  # empty: a void that clears the household's vote
    voter_name: Mapped[str | None] = mapped_column(String(50))
    paper: Mapped[bool] = mapped_column(Boolean, default=True)
    cast_at: Mapped[str] = mapped_column(String(32))
    voids_id: Mapped[str | None] = mapped_column(ID)


class IssueEvent(AppendRow, Base):
    __tablename__ = "issue_event"
    __table_args__ = (Index("ix_issue_event_issue", "issue_id"), {"info": {"side": "both", "sync": "append"}})
    issue_id: Mapped[str] = mapped_column(ID)
    action: Mapped[str] = mapped_column(String(24))
    at: Mapped[str] = mapped_column(String(32))
    actor_name: Mapped[str | None] = mapped_column(String(50))
    level: Mapped[str | None] = mapped_column(String(16))
    department: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[str] = mapped_column(Text, default="{}")


class MeetingItem(AppendRow, Base):
    """A meeting's decision (议定 / 交付表决 / 落实任务), or progress on it, or its closing (民管)."""

    __tablename__ = "meeting_item"
    __table_args__ = (Index("ix_meeting_item_meeting", "meeting_id"), {"info": {"side": "both", "sync": "append"}})
    meeting_id: Mapped[str] = mapped_column(ID)
    kind: Mapped[str] = mapped_column(String(16))  # decision / progress / done
    decision_kind: Mapped[str | None] = mapped_column(String(16))  # note / ballot / task
    item_id: Mapped[str | None] = mapped_column(ID)  # the decision a progress / done item follows
    text: Mapped[str | None] = mapped_column(Text)
    owner: Mapped[str | None] = mapped_column(String(50))
    deadline: Mapped[str | None] = mapped_column(String(10))
    ballot_id: Mapped[str | None] = mapped_column(ID)
    at: Mapped[str] = mapped_column(String(32))
    actor_name: Mapped[str | None] = mapped_column(String(50))


class PointsEntry(AppendRow, Base):
    """三报到三服务 volunteer hours and points: earn / redeem / expire."""

    __tablename__ = "points_ledger"
    __table_args__ = (Index("ix_points_member", "member_id"), {"info": {"side": "both", "sync": "append"}})
    member_id: Mapped[str] = mapped_column(ID)
    kind: Mapped[str] = mapped_column(String(8))
    hours: Mapped[str | None] = mapped_column(String(16))
    points: Mapped[str] = mapped_column(String(16))
    activity: Mapped[str | None] = mapped_column(String(200))
    approver: Mapped[str | None] = mapped_column(String(50))
    at: Mapped[str] = mapped_column(String(32))
    voids_id: Mapped[str | None] = mapped_column(ID)
    record_id: Mapped[str | None] = mapped_column(ID)  # the approved service_record an ``earn`` is for


class AuditEntry(AppendRow, Base):
    """Who did what, from which device. Hash-chained per device."""

    __tablename__ = "audit_log"
    __table_args__ = {"info": {"side": "both", "sync": "append"}}
    action: Mapped[str] = mapped_column(String(32))
    table_name: Mapped[str | None] = mapped_column(String(32))
    row_id: Mapped[str | None] = mapped_column(ID)
    detail: Mapped[str] = mapped_column(Text, default="{}")
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))


# --------------------------------------------------------------------------- laptop-only tables
def _client() -> dict:
    return {"info": {"side": "client"}}


class Outbox(Base):
    """Every local change, in order. ``seq`` increases by one per device and never repeats."""

    __tablename__ = "outbox"
    __table_args__ = _client()
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    tx_id: Mapped[str] = mapped_column(ID)
    table_name: Mapped[str] = mapped_column(String(32))
    row_id: Mapped[str] = mapped_column(ID)
    op: Mapped[str] = mapped_column(String(12))  # insert/update/delete/undelete/append
    fields: Mapped[str] = mapped_column(Text)  # JSON: field -> new value
    base_versions: Mapped[str] = mapped_column(Text)  # JSON: field -> server version edited on
    hlc: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str | None] = mapped_column(ID)
    created_at: Mapped[str] = mapped_column(String(32))
    sig: Mapped[str | None] = mapped_column(String(64))  # the author's signature (store/signing.py)


class OutboxKept(Base):
    """Outbox entries the server acknowledged, kept for a while (sync/epoch.py): a server restored
    from an older backup has lost them, and they are sent again as they were (signed)."""

    __tablename__ = "outbox_kept"
    __table_args__ = _client()
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    tx_id: Mapped[str] = mapped_column(ID)
    table_name: Mapped[str] = mapped_column(String(32))
    row_id: Mapped[str] = mapped_column(ID)
    op: Mapped[str] = mapped_column(String(12))
    fields: Mapped[str] = mapped_column(Text)
    base_versions: Mapped[str] = mapped_column(Text)
    hlc: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str | None] = mapped_column(ID)
    created_at: Mapped[str] = mapped_column(String(32))
    sig: Mapped[str | None] = mapped_column(String(64))
    acked_at: Mapped[str] = mapped_column(String(32))  # UTC, when the server acknowledged it
    epoch: Mapped[str] = mapped_column(String(32))  # the server epoch that acknowledged it


Index("ix_outbox_row", Outbox.table_name, Outbox.row_id)


class LocalState(Base):
    """Key/value facts about this laptop: device id, community, cursor, server, last sync."""

    __tablename__ = "local_state"
    __table_args__ = _client()
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str | None] = mapped_column(Text)


class LocalUser(Base):
    """A user who may log in on this laptop offline (Argon2id hash of the password)."""

    __tablename__ = "local_user"
    __table_args__ = _client()
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    org_id: Mapped[str | None] = mapped_column(ID)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    key_slot: Mapped[str | None] = mapped_column(Text)
    member_id: Mapped[str | None] = mapped_column(ID)  # a party-member user's party_member row
    last_online_login: Mapped[str | None] = mapped_column(String(32))


class ReviewItem(Base):
    """A conflict, rejection or flag from sync that a person must look at. Never dropped silently."""

    __tablename__ = "review_item"
    __table_args__ = (Index("ix_review_item_status", "status"), {"info": {"side": "client"}})
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    kind: Mapped[str] = mapped_column(String(24))  # conflict/rejected/duplicate_vote/invalid_event
    table_name: Mapped[str | None] = mapped_column(String(32))
    row_id: Mapped[str | None] = mapped_column(ID)
    field: Mapped[str | None] = mapped_column(String(64))
    local_value: Mapped[str | None] = mapped_column(Text)  # JSON
    remote_value: Mapped[str | None] = mapped_column(Text)  # JSON
    reason: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[str] = mapped_column(Text, default="{}")  # JSON: users, devices, outbox entry
    server_ref: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(12), default="open")  # open/resolved
    created_at: Mapped[str] = mapped_column(String(32))
    resolved_at: Mapped[str | None] = mapped_column(String(32))


SYNCED_MODELS = [OrgUnit, Building, Household, Resident, PartyMember, ContactLink, Ballot,
                 BallotOption, Issue, Meeting, ServiceTeam, ServiceNeed, ServiceRecord, Visit, Vote, IssueEvent, MeetingItem, PointsEntry, AuditEntry]
