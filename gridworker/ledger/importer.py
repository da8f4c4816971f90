"""Import a household ledger (台账): plan every row against the database, then write in one unit of work.

    result = import_ledger(db, actor, "台账.xlsx", progress=cb, cancel=token)

Each ledger row is one person; the rows of one address form one household, whose head is the
row with relation 户主/本人 (else the first row). People are matched to existing residents by
ID number, else by household address + name; households by address key. A blank cell never
clears a stored value. Everything is checked by the store's own field rules *before* anything is
written, so a row is either imported whole or rejected with the column and value at fault.

Household policy: a household is imported whole or not at all. When any row of an address is
invalid, every row of that address is rejected (the others with a reason pointing at the bad
row), so no household is ever half-written. A second row for the same person (same ID number,
or same address and name) is reported as a duplicate and skipped; it does not reject its household.

The whole import is one transaction: cancelling (or any error) leaves the database untouched.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from ..domain import permissions as perm
from ..domain.errors import ValidationError
from ..store.database import Actor, Database
from ..store.tables import spec
from ..store.validate import normalise
from .columns import ColumnMapping, mapping_for
from .people import Person, address_key_of, is_blank_row, label_of, parse_person, relabel
from .progress import CancelFlag, ProgressFn, Ticker
from .reader import Table, read_table

DATA_SOURCE = "台账导入"
STATUSES = ("created", "updated", "unchanged", "rejected", "duplicate")


@dataclass
class RowOutcome:
    """What happened (or, in a dry run, would happen) to one ledger row."""

    row: int
    status: str  # one of STATUSES
    name: str | None = None
    reason: str = ""
    column: str | None = None
    value: Any = None
    resident_id: str | None = None
    household_id: str | None = None
    changes: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict:
        out = {"row": self.row, "status": self.status, "name": self.name}
        if self.reason:
            out.update(reason=self.reason, column=self.column, value=_jsonable(self.value))
        if self.changes:
            out["changes"] = self.changes
        return out


@dataclass
class ImportResult:
    """Counts and per-row outcomes of an import. ``rejected`` counts duplicates too."""

    path: Path
    sheet: str | None
    mapping: ColumnMapping
    dry_run: bool
    outcomes: list[RowOutcome] = field(default_factory=list)
    households_created: int = 0
    households_updated: int = 0

    def count(self, *statuses: str) -> int:
        return sum(1 for o in self.outcomes if o.status in statuses)

    @property
    def read(self) -> int:
        return len(self.outcomes)

    @property
    def created(self) -> int:
        return self.count("created")

    @property
    def updated(self) -> int:
        return self.count("updated")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")

    @property
    def rejected(self) -> int:
        return self.count("rejected", "duplicate")

    @property
    def rejections(self) -> list[RowOutcome]:
        return [o for o in self.outcomes if o.status in ("rejected", "duplicate")]

    def summary(self) -> dict:
        return {"read": self.read, "created": self.created, "updated": self.updated,
                "unchanged": self.unchanged, "rejected": self.rejected,
                "duplicates": self.count("duplicate"), "households_created": self.households_created,
                "households_updated": self.households_updated, "dry_run": self.dry_run}

    def to_json(self) -> dict:
        return {**self.summary(), "file": str(self.path), "sheet": self.sheet,
                "mapping": self.mapping.to_json(),
                "rejections": [o.to_json() for o in self.rejections],
                "updates": [o.to_json() for o in self.outcomes if o.status == "updated"]}


def _jsonable(value: Any) -> Any:
    return value if isinstance(value, (str, int, float, bool, type(None))) else str(value)


# --------------------------------------------------------------------------- planning
class _CheckOnly:
    """Stands in for the unit of work while the store's field rules check a planned row:
    the household a resident will belong to does not exist yet, so every look-up succeeds."""

    def require(self, table: str, row_id: str, field: str | None = None) -> dict:
        return {"id": row_id}

    def get(self, table: str, row_id: str, **_: Any) -> None:
        return None

    def query(self, sql: str, params: tuple = ()) -> list:
        return []


_CHECK = _CheckOnly()
_PLACEHOLDER = "00000000-0000-0000-0000-000000000000"


@dataclass(eq=False)
class _PersonPlan:
    person: Person
    outcome: RowOutcome
    resident_id: str | None  # None: insert
    values: dict[str, Any]  # insert values, or the fields to update


@dataclass(eq=False)
class _HouseholdPlan:
    key: str
    household_id: str | None
    values: dict[str, Any]
    people: list[_PersonPlan] = field(default_factory=list)


class _Existing:
    """The community's live households and residents, indexed for matching."""

    def __init__(self, conn: Connection, community: str | None):
        where = "deleted = 0" + (" AND community_id = ?" if community else "")
        params = (community,) if community else ()
        hh = [dict(r) for r in conn.exec_driver_sql(
            f"SELECT * FROM household WHERE {where} ORDER BY id", params).mappings()]
        res = [dict(r) for r in conn.exec_driver_sql(
            f"SELECT * FROM resident WHERE {where} ORDER BY id", params).mappings()]
        self.household_by_key: dict[str, dict] = {}
        for h in hh:
            self.household_by_key.setdefault(h["address_key"] or "", h)
        self.by_id_number: dict[str, dict] = {}
        self.by_household_name: dict[tuple[str, str], list[dict]] = {}
        for r in res:
            if r["id_number"]:
                self.by_id_number.setdefault(r["id_number"], r)
            self.by_household_name.setdefault((r["household_id"], r["name"]), []).append(r)

    def resident_for(self, person: Person, household: dict | None) -> dict | None:
        if person.id_number and person.id_number in self.by_id_number:
            return self.by_id_number[person.id_number]
        if household is None:
            return None
        for r in self.by_household_name.get((household["id"], person.name), []):
            # Same name at the same address is the same person unless both ID numbers say otherwise.
            if not r["id_number"] or not person.id_number:
                return r
        return None


def _diff(table: str, current: dict, values: dict) -> dict:
    ts = spec(table)
    return {f: v for f, v in values.items()
            if f in ts.fields and v is not None and current.get(f) != v}


class _Planner:
    """Decides, row by row, what the import will do; writes nothing."""

    def __init__(self, table: Table, mapping: ColumnMapping, existing: _Existing, ticker: Ticker):
        self.table = table
        self.mapping = mapping
        self.existing = existing
        self.ticker = ticker
        self.outcomes: list[RowOutcome] = []

    def plan(self) -> list[_HouseholdPlan]:
        groups: dict[str, list[Person]] = {}
        seen_id: dict[str, int] = {}
        seen_name: dict[tuple[str, str], tuple[int, str | None]] = {}
        by_row: dict[int, RowOutcome] = {}
        bad_rows: dict[str, int] = {}  # address key -> first row of it that could not be read
        columns = self.mapping.columns()
        for index in range(self.mapping.data_start - 1, len(self.table.rows)):
            cells = self.table.rows[index]
            if is_blank_row(cells):
                continue
            row = index + 1
            try:
                person = parse_person(cells, row, self.mapping, columns)
            except ValidationError as exc:
                name_col = self.mapping.column_of("name")
                name = cells[name_col] if name_col is not None and name_col < len(cells) else None
                outcome = _rejected(row, exc, name)
                self.outcomes.append(outcome)
                key = address_key_of(cells, self.mapping)
                if key is not None:
                    bad_rows.setdefault(key, row)
                self.ticker.step()
                continue
            outcome = RowOutcome(row, "unchanged", person.name)
            self.outcomes.append(outcome)
            by_row[row] = outcome
            dup = _duplicate_of(person, seen_id, seen_name)
            if dup is not None:
                outcome.status = "duplicate"
                outcome.reason = dup[1]
                outcome.column, outcome.value = dup[2], dup[3]
            else:
                groups.setdefault(person.key, []).append(person)
            self.ticker.step()
        plans = []
        for key, people in groups.items():
            if key in bad_rows:
                self._reject_household(people, bad_rows[key], set(), by_row)
                continue
            plan = self._plan_household(key, people, by_row)
            if plan is not None:
                plans.append(plan)
        return plans

    def _plan_household(self, key: str, people: list[Person], by_row: dict[int, RowOutcome]) -> _HouseholdPlan | None:
        head = next((p for p in people if p.is_head), people[0])
        household = self.existing.household_by_key.get(key)
        hid = household["id"] if household else None
        bad: list[tuple[Person, ValidationError]] = []
        person_plans: list[_PersonPlan] = []
        for p in people:
            try:
                person_plans.append(self._plan_person(p, household, by_row[p.row]))
            except ValidationError as exc:
                bad.append((p, exc))
        hh_values: dict[str, Any] = {}
        if not bad:
            try:
                hh_values = self._plan_household_values(head, people, household, person_plans)
            except ValidationError as exc:
                bad.append((head, exc))
        if bad:
            for p, exc in bad:
                _reject(by_row[p.row], relabel(exc, self.mapping, p.row))
            self._reject_household(people, min(p.row for p, _ in bad), {p.row for p, _ in bad}, by_row)
            return None
        return _HouseholdPlan(key, hid, hh_values, person_plans)

    def _reject_household(self, people: list[Person], first_bad: int, already: set[int],
                          by_row: dict[int, RowOutcome]) -> None:
        for p in people:
            if p.row not in already:
                o = by_row[p.row]
                o.status, o.changes, o.resident_id = "rejected", {}, None
                o.reason = f"同一户（{p.address}）第{first_bad}行有错误，整户未导入；改正后重新导入即可"
                o.column, o.value = label_of(self.mapping, "address"), p.address

    def _plan_person(self, p: Person, household: dict | None, outcome: RowOutcome) -> _PersonPlan:
        current = self.existing.resident_for(p, household)
        values = dict(p.resident)
        values["household_id"] = (household or {}).get("id") or _PLACEHOLDER
        checked = normalise("resident", values, current, _CHECK)
        if current is None:
            checked["data_source"] = DATA_SOURCE
            outcome.status = "created"
            outcome.changes = {}
            return _PersonPlan(p, outcome, None, checked)
        outcome.resident_id = current["id"]
        changes = _diff("resident", current, {k: v for k, v in checked.items() if k != "household_id"})
        if household is None or current["household_id"] != household["id"]:
            changes["household_id"] = None  # filled in once the household exists
        outcome.status = "updated" if changes else "unchanged"
        outcome.changes = {k: v for k, v in changes.items() if k != "household_id"}
        if "household_id" in changes:
            outcome.changes["address"] = p.address
        return _PersonPlan(p, outcome, current["id"], changes)

    def _plan_household_values(self, head: Person, people: list[Person], household: dict | None,
                               person_plans: list[_PersonPlan]) -> dict:
        values: dict[str, Any] = {"address": head.address, "head_name": head.name}
        head_plan = next(pp for pp in person_plans if pp.person is head)
        if head.resident.get("phone"):
            values["phone"] = head.resident["phone"]
        plate = next((p.door_plate for p in people if p.door_plate), None)
        if plate:
            values["door_plate"] = plate
        area = next((p.area for p in people if p.area), None)
        if area:
            values["area_m2"] = area
        try:
            if household is None:
                # A new household: the unit of work normalises the address when it inserts; check
                # here only what could still be refused then, so the write cannot fail half-way.
                normalise("household", {k: v for k, v in values.items() if k != "address"}, {}, _CHECK)
                if len(values["address"]) > 300:
                    raise ValidationError("address", values["address"], "too_long", "长度不能超过300个字")
                return values
            checked = normalise("household", dict(values), household, _CHECK)
        except ValidationError as exc:
            raise ValidationError({"area_m2": "area_m2", "phone": "phone"}.get(exc.field, "address"),
                                  exc.value, exc.code, exc.message) from None
        changes = _diff("household", household, checked)
        if changes:
            head_plan.outcome.changes.update({f"户.{k}": v for k, v in changes.items() if k != "address_key"})
            if head_plan.outcome.status == "unchanged":
                head_plan.outcome.status = "updated"
        return changes


def _duplicate_of(person: Person, seen_id: dict[str, int],
                  seen_name: dict[tuple[str, str], tuple[int, str | None]]) -> tuple[int, str, str, Any] | None:
    if person.id_number and person.id_number in seen_id:
        first = seen_id[person.id_number]
        return first, f"与第{first}行是同一人（身份证号相同），本行未导入", "身份证号", person.id_number
    prev = seen_name.get((person.key, person.name))
    if prev is not None and not (person.id_number and prev[1] and person.id_number != prev[1]):
        return prev[0], f"与第{prev[0]}行是同一人（同一地址、同名），本行未导入", "姓名", person.name
    if person.id_number:
        seen_id[person.id_number] = person.row
    seen_name.setdefault((person.key, person.name), (person.row, person.id_number))
    return None


def _rejected(row: int, exc: ValidationError, name: Any) -> RowOutcome:
    o = RowOutcome(row, "rejected", None if name is None else str(name))
    _reject(o, exc)
    return o


def _reject(o: RowOutcome, exc: ValidationError) -> None:
    o.status = "rejected"
    o.changes = {}
    o.column, o.value = exc.field, exc.value
    shown = "（空）" if exc.value in (None, "") else f"“{exc.value}”"
    o.reason = f"{exc.field}{shown}：{exc.message}"


# --------------------------------------------------------------------------- the public call
def _local_role(db: Database, actor: Actor) -> str | None:
    if not actor.user_id:
        return None
    with db.read() as conn:
        row = conn.exec_driver_sql("SELECT role FROM local_user WHERE id = ?", (actor.user_id,)).first()
    return row[0] if row else None


def import_ledger(db: Database, actor: Actor, path: str | Path, *, sheet: str | None = None,
                  mapping: ColumnMapping | None = None, dry_run: bool = False,
                  progress: ProgressFn | None = None, cancel: CancelFlag | None = None) -> ImportResult:
    """Import a ledger file; returns counts and each row's outcome.

    Safe to call from a worker thread. ``progress(done, total)`` is called every few hundred rows;
    ``cancel.is_set()`` is checked between chunks and raises :class:`~.progress.Cancelled` with
    nothing written. ``mapping`` overrides the saved or detected column mapping. ``dry_run``
    plans everything and writes nothing. Raises ``LedgerFileError`` / ``MappingError`` when the
    file itself cannot be read.
    """
    role = actor.role or _local_role(db, actor)
    if role is not None:
        perm.check(role, "ledger.import")  # a party member's login imports nothing (CLI included)
    table = read_table(path, sheet)
    mapping = mapping_for(table, db, mapping)
    rows = sum(1 for r in table.rows[mapping.data_start - 1:] if not is_blank_row(r))
    ticker = Ticker(rows if dry_run else 2 * rows, progress, cancel)
    ticker.report()
    community = db.community_id
    result = ImportResult(Path(path), table.sheet, mapping, dry_run)
    if dry_run:
        with db.read() as conn:
            planner = _Planner(table, mapping, _Existing(conn, community), ticker)
            plans = planner.plan()
        result.outcomes = planner.outcomes
        result.households_created = sum(1 for p in plans if p.household_id is None)
        result.households_updated = sum(1 for p in plans if p.household_id and p.values)
        ticker.report()
        return result
    with db.write(actor) as uow:
        planner = _Planner(table, mapping, _Existing(uow.conn, community), ticker)
        plans = planner.plan()
        ticker.check()
        _apply(uow, plans, community, result, ticker)
        result.outcomes = planner.outcomes
        ticker.check()  # last chance: cancelling now still rolls everything back
    ticker.done = ticker.total
    ticker.report()
    return result


CHUNK_ROWS = 2000  # rows written between progress reports and cancel checks


def _apply(uow, plans: list[_HouseholdPlan], community: str | None, result: ImportResult, ticker: Ticker) -> None:
    chunk: list[_HouseholdPlan] = []
    size = 0
    for plan in plans:
        chunk.append(plan)
        size += len(plan.people)
        if size >= CHUNK_ROWS:
            _apply_chunk(uow, chunk, community, result)
            ticker.step(size)
            chunk, size = [], 0
    if chunk:
        _apply_chunk(uow, chunk, community, result)
        ticker.step(size)


def _apply_chunk(uow, plans: list[_HouseholdPlan], community: str | None, result: ImportResult) -> None:
    """Write some households and their people: new rows in one statement each, changes one by one."""
    extra = {"community_id": community} if community else {}
    new = [p for p in plans if p.household_id is None]
    existing = [p for p in plans if p.household_id is not None]
    ids = uow.insert_many("household", [{**{k: v for k, v in p.values.items() if k != "address_key"}, **extra}
                                        for p in new])
    for plan, hid in zip(new, ids):
        plan.household_id = hid
    result.households_created += len(new)
    for plan in existing:
        if plan.values and uow.update("household", plan.household_id, plan.values):
            result.households_updated += 1
    fresh = [(pp, plan.household_id) for plan in plans for pp in plan.people if pp.resident_id is None]
    rids = uow.insert_many("resident", [{**pp.values, "household_id": hid, **extra} for pp, hid in fresh])
    for (pp, hid), rid in zip(fresh, rids):
        pp.outcome.resident_id, pp.outcome.household_id = rid, hid
    for plan in plans:
        for pp in plan.people:
            pp.outcome.household_id = plan.household_id
            if pp.resident_id is None or not pp.values:
                continue
            values = dict(pp.values)
            if "household_id" in values:
                values["household_id"] = plan.household_id
            changed = uow.update("resident", pp.resident_id, values)
            if not changed and pp.outcome.status == "updated" and not any(
                    k.startswith("户.") for k in pp.outcome.changes):
                pp.outcome.status = "unchanged"
                pp.outcome.changes = {}


def preview(db: Database | None, path: str | Path, sheet: str | None = None, rows: int = 20) -> dict:
    """What the import dialog shows before importing: sheets, the mapping in use, sample rows."""
    table = read_table(path, sheet)
    mapping = mapping_for(table, db)
    start = mapping.data_start - 1
    sample = [r for r in table.rows[start:] if not is_blank_row(r)][:rows]
    return {"sheet": table.sheet, "sheets": table.sheets, "encoding": table.encoding,
            "mapping": mapping, "rows": sum(1 for r in table.rows[start:] if not is_blank_row(r)),
            "sample": [[_jsonable(v) for v in r] for r in sample]}
