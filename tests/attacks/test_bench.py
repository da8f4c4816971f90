"""The attacker's bench itself: an honest grid worker gets their own community, and only it."""
from __future__ import annotations

from support.city import COMM_A, COMM_B


def test_an_honest_grid_worker_pulls_their_community_and_nothing_else(city):
    dev = city.device("gw_a")
    rows = dev.pull_all()
    assert {h["id"] for h in rows["household"]} == set(city.households[COMM_A])
    assert not set(city.households[COMM_B]) & {h["id"] for h in rows["household"]}
    assert {r["id"] for r in rows["resident"]} == set(city.residents[COMM_A])
