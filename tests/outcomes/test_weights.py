"""Weight proposals through the services: AHP from a matrix file of a group's children, entropy and CRITIC from the
cycle's values, accepted only into a new scheme version. The small world's scheme: CORE (核心指标) holds RESP 30,
DAYS 20, EXEC 25, ONSITE 25 (category A only)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from jixiao.audit.models import AuditEvent
from jixiao.outcomes.choices import SuggestionState
from jixiao.outcomes.errors import OutcomeInputError, OutcomeStateError
from jixiao.outcomes.models import WeightSuggestion
from jixiao.outcomes.services.weights import (
    do_accept_weight_suggestion,
    do_decline_weight_suggestion,
    do_suggest_ahp,
    do_suggest_weights,
)
from jixiao.schemes.models import Scheme

from .conftest import write_csv

# Priorities 4 : 2 : 1 : 2, judged consistently (a_ij = w_i / w_j), by the indicators' names.
CONSISTENT = [["", "诉求响应率", "审批平均时长", "预算执行率", "应急到场时间"],
              ["诉求响应率", "1", "2", "4", "2"], ["审批平均时长", "1/2", "1", "2", "1"],
              ["预算执行率", "1/4", "1/2", "1", "1/2"], ["应急到场时间", "1/2", "1", "2", "1"]]


def test_ahp_weights_within_the_group_by_largest_remainder(world: Any, tmp_path: Path) -> None:
    s = do_suggest_ahp(world.published, "CORE", write_csv(tmp_path / "ahp.csv", CONSISTENT),
                       actor=world.personas["admin"])
    # Shares 4/9, 2/9, 1/9, 2/9 of the group's current 30 + 20 + 25 + 25 = 100: 44.44, 22.22, 11.11, 22.22 ->
    # floors 44 + 22 + 11 + 22 = 99, the one left to the largest remainder (RESP, .44).
    assert {r["indicator"]: r["proposed"] for r in s.rows} == {"RESP": 45, "DAYS": 22, "EXEC": 11, "ONSITE": 22}
    assert [round(r["share"], 4) for r in s.rows] == [0.4444, 0.2222, 0.1111, 0.2222]
    assert s.consistency == pytest.approx(0.0, abs=1e-9)


def test_ahp_inconsistent_matrix_is_kept_but_cannot_be_accepted(world: Any, tmp_path: Path) -> None:
    rows = [["", "RESP", "DAYS", "EXEC", "ONSITE"], ["RESP", "1", "9", "1/9", "1"], ["DAYS", "1/9", "1", "9", "1"],
            ["EXEC", "9", "1/9", "1", "1"], ["ONSITE", "1", "1", "1", "1"]]
    s = do_suggest_ahp(world.published, "CORE", write_csv(tmp_path / "bad.csv", rows), actor=world.personas["admin"])
    assert s.consistency is not None
    assert s.consistency >= 0.10
    assert len(s.notes) == 4  # the CR and the three most inconsistent judgements
    with pytest.raises(OutcomeStateError):
        do_accept_weight_suggestion(s, actor=world.personas["admin"])


def test_ahp_matrix_refused_with_its_cell(world: Any, tmp_path: Path, english: None) -> None:
    not_reciprocal = [row[:] for row in CONSISTENT]
    not_reciprocal[2][1] = "1/3"  # 审批平均时长 : 诉求响应率 should be 1/2
    with pytest.raises(OutcomeInputError, match=r"row 3.*诉求响应率"):
        do_suggest_ahp(world.published, "CORE", write_csv(tmp_path / "r.csv", not_reciprocal),
                       actor=world.personas["admin"])
    words = [row[:] for row in CONSISTENT]
    words[3][2] = "两倍"
    with pytest.raises(OutcomeInputError, match="两倍"):
        do_suggest_ahp(world.published, "CORE", write_csv(tmp_path / "w.csv", words), actor=world.personas["admin"])
    short = [row[:4] for row in CONSISTENT]
    with pytest.raises(OutcomeInputError):
        do_suggest_ahp(world.published, "CORE", write_csv(tmp_path / "s.csv", short), actor=world.personas["admin"])
    with pytest.raises(OutcomeInputError):
        do_suggest_ahp(world.published, "NEG", write_csv(tmp_path / "n.csv", CONSISTENT),
                       actor=world.personas["admin"])
    assert not WeightSuggestion.objects.exists()


def test_entropy_keeps_the_groups_sums_and_names_what_it_left_out(world: Any, english: None) -> None:
    s = do_suggest_weights(world.published, "entropy", actor=world.personas["admin"])
    core = [r for r in s.rows if r["group"] == "CORE"]
    assert sum(r["proposed"] for r in core) == 100
    onsite = next(r for r in s.rows if r["indicator"] == "ONSITE")
    assert onsite["share"] == 0
    assert onsite["proposed"] == 1
    assert any("ONSITE" in n for n in s.notes)
    assert s.notes[0] == "3 units with a value of every indicator"
    top = [r for r in s.rows if r["group"] == ""]
    assert [r["indicator"] for r in top] == ["NEG"]
    assert top[0]["proposed"] == 10


def test_accepting_makes_a_new_scheme_version_and_the_cycle_keeps_its_own(world: Any, tmp_path: Path) -> None:
    admin = world.personas["admin"]
    before = world.published.scheme
    s = do_suggest_ahp(world.published, "CORE", write_csv(tmp_path / "ahp.csv", CONSISTENT), actor=admin)
    s = do_accept_weight_suggestion(s, actor=admin, comment="按专家两两比较结果调整")
    assert s.state == SuggestionState.ACCEPTED
    assert s.result is not None
    assert s.result.code == before.code
    assert s.result.version == before.version + 1
    assert s.result.engine.node("RESP").weight == 45
    assert s.result.engine.node("LEAD").weight == 30
    world.published.refresh_from_db()
    assert world.published.scheme_id == before.pk
    assert Scheme.objects.filter(code=before.code).count() == 2
    with pytest.raises(OutcomeStateError):
        do_decline_weight_suggestion(s, actor=admin)
    assert AuditEvent.objects.filter(action="outcomes.weights_decide").count() == 1
