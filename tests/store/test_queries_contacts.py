"""1+10+N queries: the tree, coverage with named warnings, a household's link history."""
from __future__ import annotations

from gridworker.domain.ids import deterministic_id
from gridworker.store import queries_contacts as q


def link(uow, kind, from_id, to_id, **extra):
    return uow.insert("contact_link", {"kind": kind, "from_id": from_id, "to_id": to_id, **extra},
                      row_id=deterministic_id(from_id, to_id, kind))


def seed(db, actor, grid_id):
    with db.write(actor) as uow:
        houses = [uow.insert("household", {"address": f"阳光花园3幢1单元{r}室", "head_name": n, "grid_id": grid_id})
                  for r, n in (("101", "张建国"), ("102", "李秀英"), ("201", "王大伟"))]
        elsewhere = uow.insert("household", {"address": "幸福里1幢1单元101室"})
        central = uow.insert("party_member", {"name": "周红梅", "is_central_household": True})
        li = uow.insert("party_member", {"name": "李卫东"})
        wang = uow.insert("party_member", {"name": "王建军"})
        loner = uow.insert("party_member", {"name": "孙立"})
        link(uow, "central_member", central, li)
        link(uow, "central_member", central, wang)
        link(uow, "member_household", li, houses[1])
        link(uow, "member_household", li, houses[0])
        link(uow, "member_household", central, houses[2])
        ended = link(uow, "member_household", wang, elsewhere)
        uow.update("contact_link", ended, {"active": False, "end_date": "2026-01-05", "reason": "搬离本社区"})
        link(uow, "member_household", loner, elsewhere, start_date="2026-01-05")
    return {"houses": houses, "elsewhere": elsewhere, "central": central, "li": li, "wang": wang, "loner": loner}


def test_contact_tree(db, actor, grid_id):
    ids = seed(db, actor, grid_id)
    with db.read() as conn:
        tree = q.contact_tree(conn)
    (c,) = tree.centrals
    assert c.central["name"] == "周红梅"
    # The central household's own households come first, then its members by name.
    assert [n.member["name"] for n in c.members] == ["周红梅", "李卫东", "王建军"]
    assert [h["address"] for h in c.members[1].households] == ["阳光花园3幢1单元101室", "阳光花园3幢1单元102室"]
    assert c.members[2].households == [], "an ended link is not in the tree"
    assert [n.member["name"] for n in tree.unattached] == ["孙立"]
    assert tree.unattached[0].households[0]["link_id"] == deterministic_id(ids["loner"], ids["elsewhere"],
                                                                            "member_household")


def test_coverage_counts_and_names_people(db, actor, grid_id):
    ids = seed(db, actor, grid_id)
    with db.write(actor) as uow:
        extra = uow.insert("household", {"address": "阳光花园3幢1单元301室", "grid_id": grid_id})
    with db.read() as conn:
        whole = q.coverage(conn)
        grid = q.coverage(conn, grid_id)
    assert (whole.household_total, whole.covered) == (5, 4)
    assert [h["id"] for h in whole.uncovered] == [extra]
    assert (grid.household_total, grid.covered) == (4, 3)
    messages = [m for _, m in whole.warnings]
    assert "党员王建军尚未联系任何群众户" in messages
    assert any(m.startswith("党员中心户周红梅只联系2名党员") for m in messages)
    assert all(ids["wang"] not in m for m in messages), "ids are replaced by names"


def test_household_contact_and_history(db, actor, grid_id):
    ids = seed(db, actor, grid_id)
    with db.read() as conn:
        now = q.household_contact(conn, ids["elsewhere"])
        history = q.link_history(conn, ids["elsewhere"])
        members = {m["name"]: m for m in q.party_members(conn)}
        central = q.member_central(conn, ids["li"])
        assert q.household_contact(conn, "no-such-household") is None
    assert now["member_name"] == "孙立"
    assert [(h["member_name"], h["active"], h["end_date"], h["reason"]) for h in history] == [
        ("孙立", 1, None, None), ("王建军", 0, "2026-01-05", "搬离本社区")]
    assert members["李卫东"]["household_count"] == 2 and members["王建军"]["household_count"] == 0
    assert list(members)[0] == "周红梅", "central households first"
    assert central["central_name"] == "周红梅"
