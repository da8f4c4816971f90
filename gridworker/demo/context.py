"""What the parts of one community's generation share: its RNG, clock, templates and output."""
from __future__ import annotations

from dataclasses import dataclass, field
from random import Random

from ..store.tables import SYNC_ORDER
from .places import CommunityPlan
from .rowkit import HlcStamps, IdMaker, RowTemplate


class Person:
    """A generated resident, as later steps (party, visits, votes) need it."""

    __slots__ = ("id", "name", "age", "male", "phone", "relation", "birth_year", "row")

    def __init__(self, id, name, age, male, phone, relation, birth_year):
        self.id, self.name, self.age, self.male = id, name, age, male
        self.phone, self.relation, self.birth_year = phone, relation, birth_year
        self.row: dict = {}


class Home:
    """A generated household: the facts later steps need, not the whole row."""

    __slots__ = ("id", "grid", "building_id", "estate", "address", "tenure", "attention",
                 "people", "member_id", "member_name", "area", "parts", "row", "tags")

    def __init__(self, id, grid, building_id, estate, address, tenure, area):
        self.id, self.grid, self.building_id, self.estate = id, grid, building_id, estate
        self.address, self.tenure, self.area = address, tenure, area
        self.parts: tuple = ()  # (building_no, unit, room, floor, door_plate)
        self.row: dict = {}
        self.tags: list[str] = []
        self.attention = "normal"
        self.people: list[Person] = []
        self.member_id: str | None = None    # the party member linked to this household
        self.member_name: str | None = None


@dataclass
class Grid:
    id: str
    name: str
    worker: str  # the grid worker (网格员) who visits
    homes: list[Home] = field(default_factory=list)


@dataclass
class BuildingInfo:
    id: str
    estate: str
    number: str
    homes: list[Home] = field(default_factory=list)


class Community:
    """One community being generated. Rows collect in ``out`` by table until yielded."""

    def __init__(self, plan: CommunityPlan, rng: Random, now_ts: int,
                 node: str, device_id: str, used_names: set[str], id_numbers: set[int] | None = None):
        self.plan = plan
        self.rng = rng
        self.new_id = IdMaker(rng, plan.index)
        self.id = community_id = self.new_id()
        self.now = now_ts
        self.stamps = HlcStamps(node)
        self.device_id = device_id
        self.used_names = used_names
        self.templates = {t: RowTemplate(t, community_id) for t in SYNC_ORDER}
        self.out: dict[str, list[dict]] = {t: [] for t in SYNC_ORDER}
        self.grids: list[Grid] = []
        self.buildings: list[BuildingInfo] = []
        self.homes: list[Home] = []
        self.id_numbers: set[int] = id_numbers if id_numbers is not None else set()
        self.secretary = ""  # the community party secretary: approves points, organises ballots

    def add(self, table: str, **values) -> dict:
        row = self.templates[table].make(**values)
        self.out[table].append(row)
        return row

    def pick(self, seq):
        return seq[int(self.rng.random() * len(seq))]
