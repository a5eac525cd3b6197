"""The survey rules with hand-worked numbers and properties.

Unit of three valid respondents over two questions: (5, 5) -> 100, (4, 4) -> 75, (3, 5) -> 75; mean 83.33,
sd = sqrt(((16.67)^2 + 2 * (8.33)^2) / 2) = 14.434, margin 1.96 * 14.434 / sqrt(3) = 16.333. With 5 tokens issued,
the finite population correction sqrt((5 - 3) / (5 - 1)) = 0.7071 gives 11.549.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from jixiao.engine import surveys as rules


def test_the_hand_worked_unit_with_and_without_a_known_population() -> None:
    groups = np.array([1, 1, 1, 2])
    answers = np.array([[5, 5], [4, 4], [3, 5], [1, 2]], dtype=np.int8)
    valid = np.array([True, True, True, True])
    frame = rules.aggregate(groups, answers, valid, {1: 5})
    one = frame.row(0, named=True)
    assert one["n"] == 3
    assert one["value"] == pytest.approx(83.333, abs=0.001)
    assert one["sd"] == pytest.approx(14.434, abs=0.001)
    assert one["margin"] == pytest.approx(11.549, abs=0.001)
    two = frame.row(1, named=True)
    assert (two["n"], two["value"]) == (1, pytest.approx(12.5))
    assert math.isnan(two["sd"])  # one respondent: no deviation,
    assert math.isnan(two["margin"])  # and no interval


def test_an_empty_survey_aggregates_to_nothing() -> None:
    frame = rules.aggregate(np.zeros(0, dtype=np.int64), np.zeros((0, 6), dtype=np.int8), np.zeros(0, dtype=bool))
    assert frame.height == 0
    assert rules.reasons(np.zeros(0), np.zeros((0, 6), dtype=np.int8), [], np.zeros(0, dtype=np.int64)).size == 0


def test_identical_answers_have_no_spread_and_a_zero_margin() -> None:
    frame = rules.aggregate(np.array([3, 3, 3]), np.array([[4, 5]] * 3, dtype=np.int8), np.array([True] * 3))
    assert frame["sd"][0] == 0.0
    assert frame["margin"][0] == 0.0


def test_the_first_reason_that_applies_is_kept() -> None:
    answers = np.array([[2, 2, 2, 2, 2]] * 3, dtype=np.int8)
    out = rules.reasons(np.array([5.0, 50.0, 50.0]), answers, ["f", "f", "f"], np.array([0, 0, 0]), min_seconds=30)
    assert out.tolist() == ["fast", "straight", "straight"]


def test_a_paper_response_without_time_or_fingerprint_is_valid() -> None:
    out = rules.reasons(np.array([np.nan, np.nan]), np.array([[1, 2, 3, 4, 5]] * 2, dtype=np.int8), ["", ""],
                        np.array([0, 0]))
    assert out.tolist() == ["", ""]


def test_answers_of_the_wrong_length_are_refused() -> None:
    with pytest.raises(ValueError, match="6 answers"):
        rules.answers_matrix(["12345"], 6)


answers_strategy = st.integers(1, 60).flatmap(
    lambda n: st.tuples(arrays(np.int8, (n, 6), elements=st.integers(1, 5)),
                        arrays(np.int64, n, elements=st.integers(0, 3)),
                        arrays(np.bool_, n), st.randoms(use_true_random=False)))


#: No deadline: a loaded machine makes a polars group-by slow now and then, which is not what is tested.
SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(answers_strategy)
def test_values_stay_in_range_and_do_not_depend_on_row_order(case: tuple) -> None:
    answers, groups, valid, rnd = case
    frame = rules.aggregate(groups, answers, valid)
    order = list(range(len(groups)))
    rnd.shuffle(order)
    shuffled = rules.aggregate(groups[order], answers[order], valid[order])
    assert frame["group"].to_list() == shuffled["group"].to_list()
    assert frame["n"].to_list() == shuffled["n"].to_list()
    for column in ("value", "sd", "margin"):
        np.testing.assert_allclose(frame[column].to_numpy(), shuffled[column].to_numpy(), rtol=1e-9, atol=1e-9)
    values = frame["value"].to_numpy()
    present = values[~np.isnan(values)]
    assert ((present >= 0) & (present <= 100)).all()
    assert (frame["n"].to_numpy() <= np.bincount(groups, minlength=4)[frame["group"].to_numpy()]).all()
    margins = frame["margin"].to_numpy()
    assert (margins[~np.isnan(margins)] >= 0).all()


@SETTINGS
@given(st.floats(0, 50), st.integers(2, 500), st.integers(0, 500))
def test_a_known_population_never_widens_the_margin(sd: float, n: int, extra: int) -> None:
    assert rules.margin_of_error(sd, n, n + extra) <= rules.margin_of_error(sd, n) + 1e-12
