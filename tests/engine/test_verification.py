"""The gap maths of three-party checks (三方制衡), hand-worked with asymmetric numbers, its degenerate cases and
the sample's reproducibility."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jixiao.engine import load_template
from jixiao.engine.verification import (
    TINY,
    draw_sample,
    higher_is_better,
    over_reported,
    relative_gaps,
    unit_gaps,
)


def test_a_claim_of_98_against_71_verified_is_a_gap_of_27_over_71() -> None:
    assert relative_gaps([98.0], [71.0])[0] == pytest.approx(27 / 71)


def test_the_gap_is_relative_to_the_verified_value_not_the_claim() -> None:
    # 80 claimed, 100 verified: 20 / 100, not 20 / 80.
    assert relative_gaps([80.0], [100.0])[0] == pytest.approx(0.2)


def test_a_verified_zero_with_a_zero_claim_is_no_gap_and_with_a_claim_is_enormous() -> None:
    gaps = relative_gaps([0.0, 2.0, -1.0], [0.0, 0.0, 0.0])
    assert gaps[0] == 0.0
    assert gaps[1] == pytest.approx(2.0 / TINY)
    assert gaps[2] == pytest.approx(1.0 / TINY)


def test_over_reporting_follows_the_direction_of_the_indicator() -> None:
    # Higher is better: 98 claimed over 71 verified is over-reported; lower is better (days): 8 claimed under
    # 12 verified is over-reported; 15 claimed over 12 verified is under-reported.
    assert over_reported([98.0, 8.0, 15.0, 5.0], [71.0, 12.0, 12.0, 5.0],
                         [True, False, False, True]).tolist() == [True, True, False, False]


def test_per_unit_mean_gap_count_and_flag_hand_worked() -> None:
    # Unit A: 98 vs 71 (27/71 = 0.38028, over), 8 days vs 12 (lower is better; 4/12 = 0.33333, over),
    # 60 vs 62 (2/62 = 0.03226, under). Mean = 0.74587 / 3 = 0.24862: flagged at 0.2, not at 0.25.
    # Unit B: 95 vs 94 (1/94 = 0.01064, over, but far below the threshold).
    units = ["A", "B", "A", "A"]
    claimed = [98.0, 95.0, 8.0, 60.0]
    verified = [71.0, 94.0, 12.0, 62.0]
    higher = [True, True, False, True]
    rows = unit_gaps(units, claimed, verified, higher, threshold=0.2)
    a, b = rows
    assert (a.unit, a.items, a.over, a.flagged) == ("A", 3, 2, True)
    assert a.mean_gap == pytest.approx((27 / 71 + 4 / 12 + 2 / 62) / 3)
    assert (b.unit, b.items, b.over, b.flagged) == ("B", 1, 1, False)
    assert b.mean_gap == pytest.approx(1 / 94)
    assert not unit_gaps(units, claimed, verified, higher, threshold=0.25)[0].flagged


def test_a_mean_gap_exactly_at_the_threshold_is_not_flagged() -> None:
    assert not unit_gaps(["A"], [110.0], [100.0], [True], threshold=0.1)[0].flagged
    assert unit_gaps(["A"], [110.5], [100.0], [True], threshold=0.1)[0].flagged


def test_no_items_give_no_units_and_mismatched_lengths_are_refused() -> None:
    assert unit_gaps([], [], [], []) == []
    with pytest.raises(ValueError, match="same length"):
        unit_gaps(["A"], [1.0, 2.0], [1.0], [True])


def test_directions_come_from_the_scheme() -> None:
    scheme = load_template("core-leader-negative")
    assert higher_is_better(scheme, "EXEC") is True
    assert higher_is_better(scheme, "DAYS") is False  # linear, floor 20 -> target 5


def test_the_sample_is_reproducible_and_covers_every_unit_with_keys() -> None:
    keys = {"A": list("abcdefgh"), "B": ["x"], "C": list("pqrs"), "D": []}
    first = draw_sample(keys, seed=42, per_unit=3)
    assert first == draw_sample(dict(reversed(keys.items())), seed=42, per_unit=3)
    assert set(first) == {"A", "B", "C"}
    assert [len(first[u]) for u in "ABC"] == [3, 1, 3]
    assert any(draw_sample(keys, seed=s, per_unit=3) != first for s in range(1, 6))


def test_a_share_rounds_and_keeps_at_least_one_per_unit() -> None:
    sample = draw_sample({"A": list("abcdefghij"), "B": list("xyz")}, seed=3, share=0.25)
    assert (len(sample["A"]), len(sample["B"])) == (2, 1)  # round(2.5) = 2; round(0.75) = 1


def test_a_sample_needs_exactly_one_of_per_unit_and_share() -> None:
    with pytest.raises(ValueError, match="not both"):
        draw_sample({"A": ["a"]}, seed=1)
    with pytest.raises(ValueError, match="not both"):
        draw_sample({"A": ["a"]}, seed=1, per_unit=1, share=0.5)
    with pytest.raises(ValueError, match="share must"):
        draw_sample({"A": ["a"]}, seed=1, share=1.5)


@given(st.lists(st.tuples(st.sampled_from("ABC"), st.floats(-1e6, 1e6), st.floats(-1e6, 1e6), st.booleans()),
                max_size=20))
def test_a_units_result_does_not_depend_on_row_order(rows: list[tuple[str, float, float, bool]]) -> None:
    def by_unit(rs: list[tuple[str, float, float, bool]]) -> dict[str, tuple[int, float, int]]:
        out = unit_gaps([r[0] for r in rs], [r[1] for r in rs], [r[2] for r in rs], [r[3] for r in rs])
        return {g.unit: (g.items, g.mean_gap, g.over) for g in out}

    forward, backward = by_unit(rows), by_unit(rows[::-1])
    assert forward.keys() == backward.keys()
    for unit, (n, mean, over) in forward.items():
        assert backward[unit][0] == n
        assert backward[unit][2] == over
        assert backward[unit][1] == pytest.approx(mean, rel=1e-9)
        assert mean >= 0
