"""The input checks on a population large enough for the quick paths (units located by a join from
``locating.JOIN_FROM`` codes on, value domains checked a column at a time, ratings' duplicates counted as numbers):
every problem is still found and named by its row, and the population is the one the slow paths build."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from jixiao.engine import build_population, locating, score
from jixiao.engine import inputs as engine_inputs
from jixiao.engine.errors import InputError
from jixiao.engine.testing import ratings_frame, scoring_md_scheme, units_frame, values_frame

N = 1500  # more codes than JOIN_FROM


def world() -> tuple[list[tuple[str, str, str]], list[tuple[str, str, float | None]],
                     list[tuple[str, str, str, str, float]]]:
    rng = np.random.default_rng(7)
    units = [(f"U{k:05d}", f"单位{k}", "A" if k % 2 else "B") for k in range(N)]
    values: list[tuple[str, str, float | None]] = []
    ratings: list[tuple[str, str, str, str, float]] = []
    for code, _name, cat in units:
        values += [(code, "RESP", float(round(rng.uniform(80, 100), 1))), (code, "DAYS", float(rng.integers(5, 20))),
                   (code, "EXEC", float(round(rng.uniform(80, 100), 1))), (code, "NEG", float(rng.integers(0, 3)))]
        if cat == "A":
            values.append((code, "ONSITE", float(round(rng.uniform(0.5, 3), 1))))
        ratings += [(code, "LEAD", g, f"{g}-{r}", float(rng.integers(60, 100)))
                    for g in ("superior", "peer", "public") for r in range(3)]
    return units, values, ratings


def problems(units: list[tuple[str, str, str]], values: list[tuple[str, str, float | None]],
             ratings: list[tuple[str, str, str, str, float]]) -> list[str]:
    with pytest.raises(InputError) as caught:
        build_population(scoring_md_scheme(), units_frame(units), values_frame(values), ratings_frame(ratings))
    return [str(item) for item in caught.value.items]


@pytest.mark.parametrize("shuffled", [False, True])
def test_the_quick_paths_build_the_same_population_as_the_slow_ones(monkeypatch: pytest.MonkeyPatch,
                                                                     shuffled: bool) -> None:
    units, values, ratings = world()
    scheme = scoring_md_scheme()
    # Unit by unit in the units' order (each unit's runs of rows: no lookup), or in no particular order (a join).
    if shuffled:
        order = np.random.default_rng(1).permutation(len(values))
        values = [values[k] for k in order]
    else:
        assert locating.in_units_order(pl.Series([u for u, _i, _v in values]), [u for u, *_ in units]) \
            is not None
    frame = values_frame(values)
    quick = build_population(scheme, units_frame(units), frame, ratings_frame(ratings))
    monkeypatch.setattr(locating, "JOIN_FROM", 10**9)
    slow = build_population(scheme, units_frame(units), frame, ratings_frame(ratings))
    np.testing.assert_array_equal(quick.values, slow.values)
    for code in slow.ratings:
        np.testing.assert_array_equal(quick.ratings[code], slow.ratings[code])
    a, b = score(scheme, quick), score(scheme, slow)
    np.testing.assert_array_equal(a.total, b.total)
    np.testing.assert_array_equal(a.rank, b.rank)


def test_an_unknown_unit_among_many_is_named_by_its_row() -> None:
    units, values, ratings = world()
    values[10] = ("U99999", "RESP", 90.0)
    values[20] = ("   ", "RESP", 90.0)
    found = problems(units, values, ratings)
    assert "values, row 12, column unit: unit 'U99999' is not in units" in found
    assert "values, row 22, column unit: the unit code is empty" in found


def test_a_unit_code_with_spaces_around_it_is_found() -> None:
    units, values, ratings = world()
    values = [(f" {u}\t", i, v) if k % 7 == 0 else (u, i, v) for k, (u, i, v) in enumerate(values)]
    scheme = scoring_md_scheme()
    padded = build_population(scheme, units_frame(units), values_frame(values), ratings_frame(ratings))
    plain = build_population(scheme, *(f(x) for f, x in ((units_frame, units), (values_frame, world()[1]),
                                                           (ratings_frame, ratings))))
    np.testing.assert_array_equal(padded.values, plain.values)


@pytest.mark.parametrize(("row", "bad", "message"), [
    (0, ("U00000", "NEG", -1.0), "values, row 2, column value: 负面清单 (NEG): must be 0 or more; got -1"),
    (3, ("U00000", "NEG", 1.5), "values, row 5, column value: 负面清单 (NEG): is a count: a whole number; got 1.5"),
    (1, ("U00000", "RESP", float("inf")), "values, row 3, column value:"),
])
def test_a_value_outside_its_domain_among_many_is_named_by_its_row(row: int, bad: tuple[str, str, float],
                                                                    message: str) -> None:
    units, values, ratings = world()
    values[row] = bad
    found = problems(units, values, ratings)
    assert any(item.startswith(message) for item in found), found


def test_a_value_outside_its_domain_and_a_duplicate_are_both_named() -> None:
    units, values, ratings = world()
    values[0] = ("U00000", "NEG", -1.0)
    values.append(values[5])
    found = problems(units, values, ratings)
    assert any("must be 0 or more" in item for item in found)
    assert any("duplicate row: this unit and indicator already given at row 7" in item for item in found)


def test_a_duplicate_rating_among_many_is_named_by_its_row() -> None:
    units, values, ratings = world()
    ratings.append(ratings[100])
    found = problems(units, values, ratings)
    assert found == [f"ratings, row {len(ratings) + 1}, column unit+indicator+group+rater: duplicate row: this unit, "
                     "indicator, group and rater already given at row 102"]


def test_the_same_rater_in_two_groups_or_units_is_no_duplicate() -> None:
    units, values, ratings = world()
    ratings += [("U00000", "LEAD", "peer", "superior-0", 80.0), ("U00001", "LEAD", "superior", "peer-0", 80.0)]
    pop = build_population(scoring_md_scheme(), units_frame(units), values_frame(values), ratings_frame(ratings))
    assert pop.size == N
    assert pl.Series(pop.codes).n_unique() == N


def test_runs_out_of_the_units_order_are_looked_up() -> None:
    codes = ["A", "B", "C"]
    assert locating.in_units_order(pl.Series(["A", "A", "B", "C"]), codes) is not None
    assert locating.in_units_order(pl.Series(["A", "B", "A", "C"]), codes) is None  # A's rows apart
    assert locating.in_units_order(pl.Series(["B", "A", "C"]), codes) is None  # another order
    assert locating.in_units_order(pl.Series(["A", "C"]), codes) is None  # B has no row
    assert locating.in_units_order(pl.Series(["A", None, "B", "C"]), codes) is None


@pytest.mark.parametrize("grid", [False, True])
def test_values_placed_a_block_at_a_time_land_in_their_cells(monkeypatch: pytest.MonkeyPatch, grid: bool) -> None:
    # Blocks far smaller than the table and a table in chunks of another size, so blocks straddle chunks; with
    # empty values among the rows, and as a full grid (a value for every unit and code: the matrix is not filled
    # with NaN first, every cell is written).
    units, values, ratings = world()
    scheme = scoring_md_scheme()
    codes = list(scheme.value_codes)
    if grid:
        values = [(u, c, float(k % 2)) for k, (u, *_) in enumerate(units) for c in codes]
    else:
        values = [(u, i, None if k % 13 == 0 else v) for k, (u, i, v) in enumerate(values)]
    frame = values_frame(values)
    chunked = pl.concat([frame.slice(0, 700), frame.slice(700, 2900), frame.slice(3600)], rechunk=False)
    assert chunked.n_chunks() == 3
    monkeypatch.setattr(engine_inputs, "BLOCK_ROWS", 101)
    pop = build_population(scheme, units_frame(units), chunked, ratings_frame(ratings))
    expected = np.full((N, len(codes)), np.nan)
    at = {u: k for k, (u, *_) in enumerate(units)}
    for u, i, v in values:
        expected[at[u], codes.index(i)] = np.nan if v is None else v
    np.testing.assert_array_equal(pop.values, expected)
    assert not grid or not np.isnan(pop.values).any()
