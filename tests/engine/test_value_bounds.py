"""A bound worked out in floating point is met by the same number however it was reached: an expert-points item
worth 50/3 takes 16.666666666666668 (its worth scaled), and refuses 16.67."""

from __future__ import annotations

from jixiao.engine.values import Domain, check_value


def test_a_value_on_a_computed_bound_is_on_it() -> None:
    worth = (100 / 3) * 0.5
    d = Domain("EXPERT", "专家评审", "points", None, 0.0, worth)
    assert check_value(d, 16.666666666666668) == []
    assert check_value(d, worth) == []
    assert check_value(d, 0.0) == []
    refused = check_value(d, 16.67)
    assert [f.reason for f in refused] == ["outside"]
    assert [f.reason for f in check_value(d, -1e-6)] == ["outside"]
