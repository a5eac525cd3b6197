"""Edge cases of each rule type, on the strict functions."""

from __future__ import annotations

import numpy as np
import pytest

from jixiao.engine import rules
from jixiao.engine.scheme import Band

nan = np.nan


def a(*xs: float) -> np.ndarray:
    return np.array(xs, dtype=float)


def test_linear_clips_below_the_floor_and_above_the_cap() -> None:
    assert rules.linear(a(70, 80, 110), 80, 100).tolist() == [0.0, 0.0, 1.0]
    assert rules.linear(a(100, 102, 130), 80, 100, cap=1.2).tolist() == [1.0, 1.1, 1.2]


def test_linear_lower_is_better_when_the_target_is_below_the_floor() -> None:
    assert rules.linear(a(25, 20, 12.5, 5, 1), 20, 5).tolist() == [0.0, 0.0, 0.5, 1.0, 1.0]


def test_linear_keeps_a_missing_value_missing() -> None:
    assert np.isnan(rules.linear(a(nan), 0, 1)).all()


def test_linear_takes_per_subject_negotiated_targets() -> None:
    out = rules.linear(a(90, 90), a(80, 85), a(100, 95))
    assert out.tolist() == [0.5, 0.5]


def test_ratio_higher_and_lower() -> None:
    assert rules.ratio(a(50, 100, 150), 100).tolist() == [0.5, 1.0, 1.0]
    assert rules.ratio(a(50, 100, 150), 100, cap=1.2).tolist() == [0.5, 1.0, 1.2]
    assert rules.ratio(a(0.1, 0.2, 0.4), 0.2, direction="lower").tolist() == [1.0, 1.0, 0.5]


def test_ratio_lower_gives_the_cap_for_zero() -> None:
    assert rules.ratio(a(0), 0.2, direction="lower", cap=1.5).tolist() == [1.5]


def test_ratio_never_goes_negative() -> None:
    assert rules.ratio(a(-5), 10).tolist() == [0.0]
    assert rules.ratio(a(-5), 10, direction="lower").tolist() == [0.0]


def test_threshold_meets_inclusively_and_gives_partial_otherwise() -> None:
    assert rules.threshold(a(89.9, 90, 95), 90).tolist() == [0.0, 1.0, 1.0]
    assert rules.threshold(a(0.3, 0.2, 0.1), 0.2, direction="lower", partial=0.5).tolist() == [0.5, 1.0, 1.0]
    assert np.isnan(rules.threshold(a(nan), 1)).all()


def test_bands_take_the_first_band_met() -> None:
    steps = (Band(1, 1.0), Band(2, 0.6))
    assert rules.bands(a(0, 1, 1.01, 2, 2.5), steps, "lower").tolist() == [1.0, 1.0, 0.6, 0.6, 0.0]
    assert rules.bands(a(3), steps, "lower", otherwise=0.1).tolist() == [0.1]
    up = (Band(95, 1.0), Band(90, 0.8), Band(80, 0.5))
    assert rules.bands(a(99, 95, 92, 80, 79), up, "higher").tolist() == [1.0, 1.0, 0.8, 0.5, 0.0]


def test_deduction_loses_per_points_an_incident_down_to_zero() -> None:
    pts = a(10, 10, 10, 10)
    assert rules.deduction(a(0, 1, 5, 9), 2, pts).tolist() == [1.0, 0.8, 0.0, 0.0]


def test_deduction_on_a_node_without_points_earns_nothing() -> None:
    assert rules.deduction(a(1), 2, a(0)).tolist() == [0.0]


def test_points_awarded_is_a_share_of_the_node() -> None:
    assert rules.points_awarded(a(0, 4, 8, 12), a(8, 8, 8, 8)).tolist() == [0.0, 0.5, 1.0, 1.0]


def test_rating_renormalises_over_the_groups_present() -> None:
    means = np.array([[80.0, 60.0, nan], [nan, nan, nan], [100.0, 100.0, 100.0]])
    f = rules.rating(rules.combine_groups(means, a(0.5, 0.2, 0.3)), 0, 100)
    assert f[0] == pytest.approx((0.5 * 80 + 0.2 * 60) / 0.7 / 100)
    assert np.isnan(f[1])
    assert f[2] == 1.0


def test_rating_on_a_shifted_scale() -> None:
    assert rules.rating(rules.combine_groups(np.array([[3.0]]), a(1)), 1, 5).tolist() == [0.5]
