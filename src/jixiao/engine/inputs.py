"""From input tables to a ``Population``: the friendly layer over the strict core.

The tables are long ("tidy") frames, one value or rating per row, as offices keep them:

- units:   ``unit, name, category``
- values:  ``unit, indicator, value``  (measured indicators, bonus, penalty and veto items)
- ratings: ``unit, indicator, group, rater, score``
- targets: ``unit, indicator, floor, target``  (negotiated targets; either may be left empty)

Every row is checked before anything is scored: unknown codes, non-numbers, duplicates, ratings
outside their scale and impossible values are each named by file, row and column, and the whole
input is refused (``InputError``). The database side builds the same frames from its tables and
goes through the same checks, so a file and a cycle are scored identically.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import polars as pl

from jixiao.engine.errors import InputError, InputProblem
from jixiao.engine.scheme import Scheme
from jixiao.engine.score import Population
from jixiao.engine.tables import MAX_LISTED, ROW, read_table

UNIT_COLUMNS = ("unit", "name", "category")
VALUE_COLUMNS = ("unit", "indicator", "value")
RATING_COLUMNS = ("unit", "indicator", "group", "rater", "score")
TARGET_COLUMNS = ("unit", "indicator", "floor", "target")


@dataclass(frozen=True)
class Labels:
    """The names problems are reported under (file names, or table names for the database)."""

    units: str = "units"
    values: str = "values"
    ratings: str = "ratings"
    targets: str = "targets"


class _Collector:
    def __init__(self) -> None:
        self.items: list[InputProblem] = []

    def rows(self, label: str, column: str | None, bad: pl.DataFrame, reason: Iterable[str] | str) -> None:
        """Report up to MAX_LISTED offending rows of ``bad`` (which has ``_row``), then a count."""
        if bad.height == 0:
            return
        reasons = [reason] * min(bad.height, MAX_LISTED) if isinstance(reason, str) else list(reason)
        for row, why in zip(bad[ROW].head(MAX_LISTED).to_list(), reasons, strict=False):
            self.items.append(InputProblem(label, int(row), column, why))
        if bad.height > MAX_LISTED:
            self.items.append(InputProblem(label, None, column, f"... and {bad.height - MAX_LISTED} more "
                                           "rows with the same problem"))

    def check(self) -> None:
        if self.items:
            raise InputError(self.items)


def read_inputs(scheme: Scheme, units: str, values: str | None = None, ratings: str | None = None,
                targets: str | None = None) -> Population:
    """Read the input files (CSV or Excel) and build the population; see the module docstring."""
    from pathlib import Path

    u = read_table(units, UNIT_COLUMNS)
    v = read_table(values, VALUE_COLUMNS, numeric=("value",)) if values else None
    r = read_table(ratings, RATING_COLUMNS, numeric=("score",)) if ratings else None
    t = read_table(targets, TARGET_COLUMNS, numeric=("floor", "target")) if targets else None
    labels = Labels(Path(units).name, Path(values).name if values else "values",
                    Path(ratings).name if ratings else "ratings", Path(targets).name if targets else "targets")
    return build_population(scheme, u, v, r, t, labels)


def _rows(frame: pl.DataFrame) -> pl.DataFrame:
    return frame if ROW in frame.columns else frame.with_row_index(ROW, offset=2)


def _codes_enum(frame: pl.DataFrame, column: str, categories: list[str]) -> pl.Series:
    """Index of each row's code in ``categories`` (null where unknown), without a Python loop."""
    enum = pl.Enum(categories)
    return frame[column].cast(enum, strict=False).to_physical()


def build_population(scheme: Scheme, units: pl.DataFrame, values: pl.DataFrame | None = None,
                     ratings: pl.DataFrame | None = None, targets: pl.DataFrame | None = None,
                     labels: Labels = Labels()) -> Population:
    """Check the frames and build the arrays the core scores. Raises ``InputError`` listing all problems."""
    out = _Collector()
    units = _rows(units)
    # Units ------------------------------------------------------------------------------------
    empty_code = units.filter(pl.col("unit").is_null() | (pl.col("unit") == ""))
    out.rows(labels.units, "unit", empty_code, "the unit code is empty")
    empty_cat = units.filter(pl.col("category").is_null() | (pl.col("category") == ""))
    out.rows(labels.units, "category", empty_cat, "the category is empty")
    units = units.filter(pl.col("unit").is_not_null() & (pl.col("unit") != ""))
    first_row = units.group_by("unit").agg(pl.col(ROW).min().alias("_first"))
    dups = units.join(first_row, on="unit").filter(pl.col(ROW) != pl.col("_first")).sort(ROW)
    out.rows(labels.units, "unit", dups,
             (f"duplicate unit {c!r} (first at row {f})" for c, f in dups.select("unit", "_first").iter_rows()))
    out.check()

    codes = units["unit"].to_list()
    n = len(codes)
    names = units["name"].fill_null("").to_numpy().astype(object)
    cats = units["category"].to_numpy().astype(object)
    value_codes = list(scheme.value_codes)
    rating_codes = [leaf.code for leaf in scheme.rating_leaves]
    group_codes = {node.code for node in scheme.nodes if not node.is_leaf}
    mat = np.full((n, len(value_codes)), np.nan)

    def unknown_indicator(code: str | None, expected: str) -> str:
        if code is None or code == "":
            return "the indicator code is empty"
        if code in group_codes:
            return f"{code!r} is a group of indicators; data are given for indicators"
        if expected == "values" and code in rating_codes:
            return f"{code!r} is a rating indicator; its ratings belong in the ratings file"
        if expected == "ratings" and code in value_codes:
            return f"{code!r} is not a rating indicator; its value belongs in the values file"
        if expected == "targets":
            return f"{code!r} is not an indicator of this scheme with a floor or target"
        sample = ", ".join((value_codes if expected == "values" else rating_codes)[:12])
        return f"unknown indicator {code!r} (this scheme's are: {sample or 'none'})"

    def locate(frame: pl.DataFrame, label: str, allowed: list[str], expected: str) -> pl.DataFrame:
        frame = _rows(frame).with_columns(_u=_codes_enum(frame, "unit", codes),
                                          _i=_codes_enum(frame, "indicator", allowed))
        bad_u = frame.filter(pl.col("_u").is_null())
        out.rows(label, "unit", bad_u,
                 (f"unit {c!r} is not in {labels.units}" if c else "the unit code is empty"
                  for c in bad_u["unit"].head(MAX_LISTED).to_list()))
        bad_i = frame.filter(pl.col("_i").is_null() & pl.col("_u").is_not_null())
        out.rows(label, "indicator", bad_i,
                 (unknown_indicator(c, expected) for c in bad_i["indicator"].head(MAX_LISTED).to_list()))
        return frame.filter(pl.col("_u").is_not_null() & pl.col("_i").is_not_null())

    def duplicates(frame: pl.DataFrame, label: str, keys: list[str], what: str) -> None:
        if frame.height == 0:
            return
        # Bare counting first (cheap on tens of millions of rows); details only when there are duplicates.
        if frame.select(pl.struct(keys).is_duplicated().any()).item():
            firsts = frame.group_by(keys).agg(pl.col(ROW).min().alias("_first"))
            dups = frame.join(firsts, on=keys).filter(pl.col(ROW) != pl.col("_first")).sort(ROW)
            out.rows(label, None, dups, (f"duplicate row: {what} already given at row {f}"
                                         for f in dups["_first"].head(MAX_LISTED).to_list()))

    # Values -----------------------------------------------------------------------------------
    if values is not None:
        vf = locate(values, labels.values, value_codes, "values")
        vf = vf.filter(pl.col("value").is_not_null())  # an empty cell is no value: missing
        not_finite = vf.filter(~pl.col("value").is_finite())
        out.rows(labels.values, "value", not_finite, "is not a finite number")
        _check_value_ranges(scheme, vf, labels.values, out, value_codes)
        duplicates(vf, labels.values, ["_u", "_i"], "this unit and indicator")
        out.check()
        ui = vf["_u"].cast(pl.Int64).to_numpy()
        ii = vf["_i"].cast(pl.Int64).to_numpy()
        mat[ui, ii] = vf["value"].to_numpy()

    # Ratings ----------------------------------------------------------------------------------
    rating_means: dict[str, np.ndarray] = {}
    rating_counts: dict[str, np.ndarray] = {}
    if ratings is not None:
        rf = locate(ratings, labels.ratings, rating_codes, "ratings")
        _check_ratings(scheme, rf, labels.ratings, out)
        duplicates(rf, labels.ratings, ["_u", "_i", "group", "rater"], "this unit, indicator, group and rater")
        out.check()
        rating_means, rating_counts = _aggregate_ratings(scheme, rf, n)
    elif scheme.rating_leaves:
        pass  # no ratings file: rating indicators are missing for everyone

    # Targets ----------------------------------------------------------------------------------
    floors: dict[str, np.ndarray] = {}
    tgts: dict[str, np.ndarray] = {}
    if targets is not None:
        tcodes = [leaf.code for leaf in scheme.measured_leaves
                  if leaf.rule is not None and leaf.rule.type in ("linear", "ratio", "threshold")]
        tf = locate(targets, labels.targets, tcodes, "targets")
        duplicates(tf, labels.targets, ["_u", "_i"], "a target for this unit and indicator")
        _check_targets(scheme, tf, labels.targets, out, tcodes)
        out.check()
        for idx, code in enumerate(tcodes):
            sub = tf.filter(pl.col("_i") == idx)
            if sub.height == 0:
                continue
            rows_u = sub["_u"].cast(pl.Int64).to_numpy()
            fl = np.full(n, np.nan)
            fl[rows_u] = sub["floor"].fill_null(np.nan).to_numpy()
            tg = np.full(n, np.nan)
            tg[rows_u] = sub["target"].fill_null(np.nan).to_numpy()
            if not np.isnan(fl).all():
                floors[code] = fl
            if not np.isnan(tg).all():
                tgts[code] = tg

    return Population(codes=np.asarray(codes, dtype=object), names=names, categories=cats, values=mat,
                      ratings=rating_means, floors=floors, targets=tgts, rating_counts=rating_counts)


def _check_value_ranges(scheme: Scheme, vf: pl.DataFrame, label: str, out: _Collector,
                        value_codes: list[str]) -> None:
    """Values that cannot be: a negative count, bonus, penalty or award; a percentage where the
    indicator is not measured in %."""
    nonneg: list[int] = []
    units_of: dict[int, str | None] = {}
    for idx, code in enumerate(value_codes):
        if code in scheme.bonus.codes or code in scheme.penalty.codes or code in scheme.veto.codes:
            nonneg.append(idx)
            units_of[idx] = "points" if code not in scheme.veto.codes else None
            continue
        leaf = scheme.node(code)
        assert leaf.rule is not None
        units_of[idx] = leaf.unit
        if leaf.rule.type in ("deduction", "points"):
            nonneg.append(idx)
    if nonneg:
        neg = vf.filter(pl.col("_i").cast(pl.Int64).is_in(nonneg) & (pl.col("value") < 0))
        out.rows(label, "value", neg, (f"{v:g} is negative; {c} counts incidents or points and cannot be"
                                       for v, c in neg.select("value", "indicator").head(MAX_LISTED).iter_rows()))
    pct_ok = [i for i, unit in units_of.items() if unit is not None and unit.strip() in ("%", "％", "百分比")]
    wrong = vf.filter(pl.col("value__pct") & ~pl.col("_i").cast(pl.Int64).is_in(pct_ok)) \
        if "value__pct" in vf.columns else vf.clear()
    out.rows(label, "value", wrong,
             (f"written as a percentage, but {c} is measured in {units_of[int(i)] or 'plain numbers'}"
              for c, i in wrong.select("indicator", "_i").head(MAX_LISTED).iter_rows()))


def _check_ratings(scheme: Scheme, rf: pl.DataFrame, label: str, out: _Collector) -> None:
    leaves = scheme.rating_leaves
    empty = rf.filter(pl.col("rater").is_null() | (pl.col("rater") == ""))
    out.rows(label, "rater", empty, "the rater is empty")
    missing = rf.filter(pl.col("score").is_null())
    out.rows(label, "score", missing, "the score is empty")
    for idx, leaf in enumerate(leaves):
        rule = leaf.rule
        assert rule is not None and rule.scale is not None
        sub = rf.filter(pl.col("_i") == idx)
        bad_g = sub.filter(~pl.col("group").is_in(list(rule.group_names)) | pl.col("group").is_null())
        out.rows(label, "group", bad_g,
                 (f"{g!r} is not a rater group of {leaf.code} ({', '.join(rule.group_names)})"
                  for g in bad_g["group"].head(MAX_LISTED).to_list()))
        lo, hi = rule.scale
        bad_s = sub.filter((pl.col("score") < lo) | (pl.col("score") > hi) | ~pl.col("score").is_finite())
        out.rows(label, "score", bad_s, (f"{s:g} is outside {leaf.code}'s scale [{lo:g}, {hi:g}]"
                                         for s in bad_s["score"].head(MAX_LISTED).to_list()))


def _aggregate_ratings(scheme: Scheme, rf: pl.DataFrame, n: int) -> tuple[dict[str, np.ndarray],
                                                                           dict[str, np.ndarray]]:
    """Per unit, indicator and rater group: drop the ``trim`` highest and lowest ratings when the
    group has more than 2 x trim, and take the mean."""
    means: dict[str, np.ndarray] = {}
    counts: dict[str, np.ndarray] = {}
    for idx, leaf in enumerate(scheme.rating_leaves):
        rule = leaf.rule
        assert rule is not None
        t = rule.trim
        sub = rf.filter(pl.col("_i") == idx).select("_u", "group", "score")
        keys = ["_u", "group"]
        ranked = sub.sort([*keys, "score"]).with_columns(
            _pos=pl.int_range(pl.len()).over(keys), _n=pl.len().over(keys))
        kept = ranked.filter((pl.col("_n") <= 2 * t) | ((pl.col("_pos") >= t) & (pl.col("_pos") < pl.col("_n") - t)))
        agg = kept.group_by(keys).agg(pl.col("score").mean().alias("mean"), pl.col("_n").first().alias("n"))
        m = np.full((n, len(rule.groups)), np.nan)
        c = np.zeros((n, len(rule.groups)), dtype=np.int64)
        for gi, g in enumerate(rule.group_names):
            part = agg.filter(pl.col("group") == g)
            rows_u = part["_u"].cast(pl.Int64).to_numpy()
            m[rows_u, gi] = part["mean"].to_numpy()
            c[rows_u, gi] = part["n"].to_numpy()
        means[leaf.code] = m
        counts[leaf.code] = c
    return means, counts


def _check_targets(scheme: Scheme, tf: pl.DataFrame, label: str, out: _Collector, tcodes: list[str]) -> None:
    for idx, code in enumerate(tcodes):
        rule = scheme.node(code).rule
        assert rule is not None
        sub = tf.filter(pl.col("_i") == idx)
        if rule.type != "linear":
            has_floor = sub.filter(pl.col("floor").is_not_null())
            out.rows(label, "floor", has_floor, f"{code} ({rule.type}) has no floor")
            if rule.type == "ratio":
                bad = sub.filter(pl.col("target") <= 0)
                out.rows(label, "target", bad, f"{code} is a ratio: its target must be > 0")
        else:
            fl = pl.col("floor").fill_null(rule.floor)
            tg = pl.col("target").fill_null(rule.target)
            same = sub.filter(fl == tg)
            out.rows(label, "target", same, f"{code}: the target must differ from the floor")
