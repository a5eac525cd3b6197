"""Three-party checks through the API: the rounds, the gaps per unit and the items, each as the caller may see
them."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import client_for, full_round


def test_the_office_reads_the_gaps_per_unit_flagged_first(world: Any) -> None:
    rnd = full_round(world)
    client = client_for(world, "admin")
    rounds = client.get("/api/verification/rounds", {"cycle": "2026"}).json()
    assert [(r["id"], r["seed"]) for r in rounds] == [(rnd.pk, 2026)]
    units = client.get(f"/api/verification/rounds/{rnd.pk}/units").json()
    assert [(u["unit"], u["flagged"], u["over"]) for u in units] == [("A", True, 2), ("A1", False, 1),
                                                                     ("B", False, 0)]
    assert units[0]["mean_gap"] == pytest.approx((26 / 71 + 0.5 / 2) / 2)
    items = client.get(f"/api/verification/rounds/{rnd.pk}/items", {"state": "verified"}).json()
    exec_a = next(i for i in items if (i["unit"], i["indicator"]) == ("A", "EXEC"))
    assert (exec_a["self_value"], exec_a["verified_value"], exec_a["over_reported"]) == (97.0, 71.0, True)
    assert exec_a["gap"] == pytest.approx(26 / 71)


def test_an_operator_reads_only_their_unit_and_the_public_nothing(world: Any) -> None:
    rnd = full_round(world)
    units = client_for(world, "operator_b").get(f"/api/verification/rounds/{rnd.pk}/units").json()
    assert [u["unit"] for u in units] == ["B"]
    items = client_for(world, "operator_b").get(f"/api/verification/rounds/{rnd.pk}/items").json()
    assert {i["unit"] for i in items} == {"B"}
    assert client_for(world, "public").get("/api/verification/rounds").status_code == 401
    rater = client_for(world, "rater")
    assert rater.get("/api/verification/rounds").json() == []
    missing = rater.get(f"/api/verification/rounds/{rnd.pk}/units")
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")
