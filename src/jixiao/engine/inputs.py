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

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import polars as pl
from numpy.typing import NDArray

from jixiao.engine.anonymity import excluded
from jixiao.engine.errors import InputError, InputProblem
from jixiao.engine.locating import locate_codes
from jixiao.engine.scheme import Scheme
from jixiao.engine.score import Population, subject_points
from jixiao.engine.tables import MAX_LISTED, ROW, read_table
from jixiao.engine.values import Domain, check_value, domain

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
    #: The language of the value check's words ("en" or "zh").
    lang: str = "en"
    #: Whether row numbers mean something (a file); else (a database) a problem names the unit instead.
    rows: bool = True


class _Collector:
    def __init__(self) -> None:
        self.items: list[InputProblem] = []

    def rows(self, label: str, column: str | None, bad: pl.DataFrame, reason: Iterable[str] | str,
             *, rows: bool = True) -> None:
        """Report up to MAX_LISTED offending rows of ``bad`` (which has ``_row``), then a count. ``rows``
        False: the rows are not a file's, so no row number is given (the reason names the unit)."""
        if bad.height == 0:
            return
        reasons = [reason] * min(bad.height, MAX_LISTED) if isinstance(reason, str) else list(reason)
        for row, why in zip(bad[ROW].head(MAX_LISTED).to_list(), reasons, strict=False):
            self.items.append(InputProblem(label, int(row) if rows else None, column if rows else None, why))
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
    # Indicator codes are parsed straight into an enum (fast; a file with anything else is read as text
    # and checked). Unit codes are not: an enum of a million codes costs more to carry than one cast.
    # Unit codes are stripped where they are looked up, and only those not found as they are
    # (``locating.locate_codes``).
    v = read_table(values, VALUE_COLUMNS, numeric=("value",), codes={"indicator": list(scheme.value_codes)},
                   unstripped=("unit",)) if values else None
    r = read_table(ratings, RATING_COLUMNS, numeric=("score",),
                   codes={"indicator": [leaf.code for leaf in scheme.rating_leaves]}, unstripped=("unit",)) \
        if ratings else None
    t = read_table(targets, TARGET_COLUMNS, numeric=("floor", "target"), unstripped=("unit",)) if targets else None
    labels = Labels(Path(units).name, Path(values).name if values else "values",
                    Path(ratings).name if ratings else "ratings", Path(targets).name if targets else "targets")
    return build_population(scheme, u, v, r, t, labels)


def _rows(frame: pl.DataFrame) -> pl.DataFrame:
    return frame if ROW in frame.columns else frame.with_row_index(ROW, offset=2)


def _bad(frame: pl.DataFrame, mask: np.ndarray | pl.Series) -> pl.DataFrame:
    return frame.filter(pl.Series(mask) if isinstance(mask, np.ndarray) else mask)


def build_population(scheme: Scheme, units: pl.DataFrame, values: pl.DataFrame | None = None,
                     ratings: pl.DataFrame | None = None, targets: pl.DataFrame | None = None,
                     labels: Labels = Labels()) -> Population:
    """Check the frames and build the arrays the core scores. Raises ``InputError`` listing all problems."""
    out = _Collector()
    units = _checked_units(_rows(units), labels, out)
    codes = units["unit"]
    n = units.height
    value_codes = list(scheme.value_codes)
    rating_codes = [leaf.code for leaf in scheme.rating_leaves]

    def locate(frame: pl.DataFrame, label: str, allowed: list[str], expected: str) -> tuple[pl.Series, pl.Series]:
        u = locate_codes(frame, "unit", codes)
        i = locate_codes(frame, "indicator", allowed)
        if u.null_count():
            bad_u = _bad(frame, u.is_null())
            out.rows(label, "unit", bad_u,
                     (f"unit {c.strip()!r} is not in {labels.units}" if c and c.strip() else "the unit code is empty"
                      for c in bad_u["unit"].cast(pl.String).head(MAX_LISTED).to_list()))
        if i.null_count():
            bad_i = _bad(frame, i.is_null() & u.is_not_null())
            out.rows(label, "indicator", bad_i, (_unknown_indicator(scheme, c, expected) for c in
                                                 bad_i["indicator"].cast(pl.String).head(MAX_LISTED).to_list()))
        return u, i

    def duplicates(frame: pl.DataFrame, label: str, key: pl.DataFrame, what: str, columns: str) -> None:
        """Rows whose key repeats an earlier row's, named with the first row."""
        if key.height == 0 or not key.is_duplicated().any():
            return
        keyed = key.with_columns(frame[ROW])
        cols = key.columns
        firsts = keyed.group_by(cols).agg(pl.col(ROW).min().alias("_first"))
        dups = keyed.join(firsts, on=cols).filter(pl.col(ROW) != pl.col("_first")).sort(ROW)
        out.rows(label, columns, dups, (f"duplicate row: {what} already given at row {f}"
                                     for f in dups["_first"].head(MAX_LISTED).to_list()))

    # Values: scattered straight into a subjects x codes matrix, column-major so each code's column
    # is contiguous for the core.
    placed: _Placed | None = None
    if values is not None:
        mat, placed = _fill_values(scheme, _rows(values), n, codes, value_codes, labels, out, locate, duplicates)
    else:
        mat = np.full((n, len(value_codes)), np.nan, order="F")

    # Ratings ----------------------------------------------------------------------------------
    rating_means: dict[str, np.ndarray] = {}
    rating_counts: dict[str, np.ndarray] = {}
    if ratings is not None:
        ratings = _rows(ratings)
        u, i = locate(ratings, labels.ratings, rating_codes, "ratings")
        gi = _check_ratings(scheme, ratings, i, labels.ratings, out)
        ok = (u.is_not_null() & i.is_not_null()).to_numpy() & (gi >= 0)
        if ok.all() and not _distinct_ratings(u, i, gi, ratings["rater"]):
            rkey = pl.DataFrame({"_u": u, "_i": i, "_g": gi, "rater": ratings["rater"]})
            duplicates(ratings, labels.ratings, rkey, "this unit, indicator, group and rater",
                       "unit+indicator+group+rater")
        out.check()
        rating_means, rating_counts = _aggregate_ratings(scheme, u.to_numpy().astype(np.int64),
                                                         i.to_numpy().astype(np.int64), gi,
                                                         ratings["score"].to_numpy(), n)
    if placed is not None:
        _check_points(scheme, placed, mat, rating_counts, units["category"], codes, labels, out, value_codes)
        out.check()

    # Targets ----------------------------------------------------------------------------------
    floors: dict[str, np.ndarray] = {}
    tgts: dict[str, np.ndarray] = {}
    if targets is not None:
        floors, tgts = _fill_targets(scheme, _rows(targets), n, labels, out, locate, duplicates)

    text = {"unit": codes.cast(pl.String), "name": units["name"].cast(pl.String).fill_null(""),
            "category": units["category"].cast(pl.String)}
    return Population(text=text, values=mat, ratings=rating_means, floors=floors, targets=tgts,
                      rating_counts=rating_counts)


#: Rows taken at a time where a million values' indexes would otherwise each be an array of their own: a block's
#: arrays are small enough to be made again in the memory the last block's left.
BLOCK_ROWS = 1 << 18


@dataclass
class _Placed:
    """A values table's rows placed in the subjects x codes matrix: each row's unit (``u``) and code (``i``) as
    located (null where unknown), and the row's cell in the column-major matrix."""

    frame: pl.DataFrame
    u: pl.Series
    i: pl.Series
    n: int
    m: int

    @property
    def located(self) -> bool:
        return self.u.null_count() == 0 and self.i.null_count() == 0

    def _itype(self) -> type[np.integer[Any]]:
        # 32-bit keeps the big temporary arrays half the size where it fits.
        return np.uint32 if self.n * max(self.m, 1) < 2**32 else np.int64

    @cached_property
    def arrays(self) -> tuple[NDArray[np.float64], NDArray[np.integer[Any]], NDArray[np.integer[Any]],
                              NDArray[np.bool_]]:
        """Every row's value, code index and unit index (0 where not located), and whether it was located: made
        once, and only where a check needs every row at once (the quick path goes a block at a time)."""
        itype = self._itype()
        ok = np.ones(self.frame.height, dtype=bool) if self.located \
            else (self.u.is_not_null() & self.i.is_not_null()).to_numpy()
        return (self.frame["value"].to_numpy(), self.i.fill_null(0).to_numpy().astype(itype, copy=False),
                self.u.fill_null(0).to_numpy().astype(itype, copy=False), ok)

    def blocks(self) -> Iterator[tuple[NDArray[np.float64], NDArray[np.integer[Any]]]]:
        """Each block of rows' values and cells (rows all located)."""
        itype = self._itype()
        value = self.frame["value"]
        for at in range(0, self.frame.height, BLOCK_ROWS):
            ii = self.i.slice(at, BLOCK_ROWS).to_numpy().astype(itype, copy=False)
            key = self.u.slice(at, BLOCK_ROWS).to_numpy().astype(itype)
            key += ii * itype(self.n)  # the cell: column i holds cells i*n .. i*n + n - 1
            yield value.slice(at, BLOCK_ROWS).to_numpy(), key


def _fill_values(scheme: Scheme, values: pl.DataFrame, n: int, codes: pl.Series, value_codes: list[str],
                 labels: Labels, out: _Collector,
                 locate: Callable[[pl.DataFrame, str, list[str], str], tuple[pl.Series, pl.Series]],
                 duplicates: Callable[[pl.DataFrame, str, pl.DataFrame, str, str], None],
                 ) -> tuple[NDArray[np.float64], _Placed]:
    """Check the values and scatter them into a subjects x codes matrix (column-major, NaN where there is no
    value); raises ``InputError`` with every problem. Returns the matrix and the rows' places, for the later
    checks."""
    m = len(value_codes)
    u, i = locate(values, labels.values, value_codes, "values")
    placed = _Placed(values, u, i, n, m)
    pct = values["value__pct"].to_numpy() if "value__pct" in values.columns else None
    distinct = all_present = False
    if placed.located:
        # A block of rows at a time, mark each row's cell: a duplicate row (empty values included) marks an
        # already-marked one.
        seen = np.zeros(n * m, dtype=np.uint8)
        all_present = True
        for v, key in placed.blocks():
            seen[key] = 1
            all_present = all_present and bool(np.isfinite(v).all())
        distinct = int(seen.sum(dtype=np.int64)) == values.height
        del seen
        if not distinct:
            _, ii, ui, _ = placed.arrays
            duplicates(values, labels.values, pl.DataFrame({"_u": ui, "_i": ii}), "this unit and indicator",
                       "unit+indicator")
    if distinct and (pct is None or not pct.any()):
        # Quick path: every row has a cell of its own. Scatter the values and check the matrix a column at a time
        # against the column's one domain, which finds what the row-by-row check would; that check then only runs
        # to name the rows, when there is something to name. Every cell is written when every row has a value
        # and there is a row for every cell: then the matrix need not be filled with NaN first.
        mat = np.empty((n, m), order="F") if all_present and values.height == n * m \
            else np.full((n, m), np.nan, order="F")
        flat = mat.reshape(-1, order="F")  # a view
        for v, key in placed.blocks():
            if all_present:
                flat[key] = v
            else:
                present = ~np.isnan(v)  # an empty cell is no value: missing
                flat[key[present]] = v[present]
        if _columns_out_of_range(mat, _domains(scheme, value_codes)):
            _check_value_ranges(scheme, values, *placed.arrays, codes, labels, out, value_codes)
        out.check()
        return mat, placed
    v, ii, ui, ok = placed.arrays
    _check_value_ranges(scheme, values, v, ii, ui, ok, codes, labels, out, value_codes)
    out.check()
    mat = np.full((n, m), np.nan, order="F")
    present = ~np.isnan(v)
    mat.reshape(-1, order="F")[ii[present] * n + ui[present]] = v[present]
    return mat, placed


def _fill_targets(scheme: Scheme, targets: pl.DataFrame, n: int, labels: Labels, out: _Collector,
                  locate: Callable[[pl.DataFrame, str, list[str], str], tuple[pl.Series, pl.Series]],
                  duplicates: Callable[[pl.DataFrame, str, pl.DataFrame, str, str], None],
                  ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Check the negotiated targets (raises ``InputError`` with every problem) and return, per indicator that has
    any, each subject's floor and target (NaN: the scheme's)."""
    floors: dict[str, np.ndarray] = {}
    tgts: dict[str, np.ndarray] = {}
    tcodes = [leaf.code for leaf in scheme.measured_leaves
              if leaf.rule is not None and leaf.rule.type in ("linear", "ratio", "threshold")]
    u, i = locate(targets, labels.targets, tcodes, "targets")
    tf = targets.with_columns(_u=u, _i=i).filter(pl.col("_u").is_not_null() & pl.col("_i").is_not_null())
    duplicates(tf, labels.targets, tf.select("_u", "_i"), "a target for this unit and indicator",
               "unit+indicator")
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
    return floors, tgts


def _checked_units(units: pl.DataFrame, labels: Labels, out: _Collector) -> pl.DataFrame:
    """The units with a code, each once; raises ``InputError`` naming empty codes and categories and duplicates."""
    empty_code = units.filter(pl.col("unit").is_null() | (pl.col("unit") == ""))
    out.rows(labels.units, "unit", empty_code, "the unit code is empty")
    empty_cat = units.filter(pl.col("category").is_null() | (pl.col("category") == ""))
    out.rows(labels.units, "category", empty_cat, "the category is empty")
    units = units.filter(pl.col("unit").is_not_null() & (pl.col("unit") != ""))
    if units["unit"].n_unique() != units.height:
        first_row = units.group_by("unit").agg(pl.col(ROW).min().alias("_first"))
        dups = units.join(first_row, on="unit").filter(pl.col(ROW) != pl.col("_first")).sort(ROW)
        out.rows(labels.units, "unit", dups, (f"duplicate unit {c!r} (first at row {f})"
                                               for c, f in dups.select("unit", "_first").iter_rows()))
    out.check()
    return units


def _unknown_indicator(scheme: Scheme, code: str | None, expected: str) -> str:
    """Why an indicator code of the ``expected`` table ("values", "ratings", "targets") is not one of its own."""
    value_codes = list(scheme.value_codes)
    rating_codes = [leaf.code for leaf in scheme.rating_leaves]
    if code is None or code == "":
        return "the indicator code is empty"
    if any(node.code == code and not node.is_leaf for node in scheme.nodes):
        return f"{code!r} is a group of indicators; data are given for indicators"
    if expected == "values" and code in rating_codes:
        return f"{code!r} is a rating indicator; its ratings belong in the ratings file"
    if expected == "ratings" and code in value_codes:
        return f"{code!r} is not a rating indicator; its value belongs in the values file"
    if expected == "targets":
        return f"{code!r} is not an indicator of this scheme with a floor or target"
    sample = ", ".join((value_codes if expected == "values" else rating_codes)[:12])
    return f"unknown indicator {code!r} (this scheme's are: {sample or 'none'})"


def _distinct_ratings(u: pl.Series, i: pl.Series, g: NDArray[np.integer[Any]], rater: pl.Series) -> bool:
    """Whether no two ratings share unit, indicator, group and rater: one number per rating, counted distinct
    (the rater's label numbered first), which is far quicker than comparing rows of text."""
    r = rater.cast(pl.String).fill_null("").cast(pl.Categorical).to_physical().to_numpy().astype(np.uint64)
    uu, ii = u.to_numpy().astype(np.uint64), i.to_numpy().astype(np.uint64)
    gg = g.astype(np.uint64)
    n_i, n_g, n_r = (int(x.max(initial=0)) + 1 for x in (ii, gg, r))
    key = ((uu * np.uint64(n_i) + ii) * np.uint64(n_g) + gg) * np.uint64(n_r) + r
    return int(pl.Series(key).n_unique()) == len(key)


@dataclass(frozen=True)
class _Domains:
    """Each value code's domain as arrays in the codes' order: lowest, highest, whole numbers only, may be a
    percentage; and the domains themselves, for their words."""

    lo: NDArray[np.float64]
    hi: NDArray[np.float64]
    whole: NDArray[np.bool_]
    percent: NDArray[np.bool_]
    each: list[Domain]


def _domains(scheme: Scheme, value_codes: list[str]) -> _Domains:
    doms = [domain(scheme, code) for code in value_codes]
    return _Domains(np.array([-np.inf if d.lo is None else d.lo for d in doms]),
                    np.array([np.inf if d.hi is None else d.hi for d in doms]),
                    np.array([d.whole for d in doms], dtype=bool), np.array([d.percent for d in doms], dtype=bool),
                    doms)


def _columns_out_of_range(mat: NDArray[np.float64], d: _Domains) -> bool:
    """Whether any value in the subjects x codes matrix is outside its code's domain (an empty cell, NaN, is
    none), a column at a time with the column's bounds as scalars."""
    with np.errstate(invalid="ignore"):
        for j in range(mat.shape[1]):
            col = mat[:, j]
            if np.isinf(col).any() or (col < d.lo[j]).any() or (col > d.hi[j]).any():
                return True
            if d.whole[j] and (np.isfinite(col) & (col != np.floor(col))).any():
                return True
    return False


def _check_value_ranges(scheme: Scheme, frame: pl.DataFrame, v: np.ndarray, ii: np.ndarray, ui: np.ndarray,
                        ok: np.ndarray, codes: pl.Series, labels: Labels, out: _Collector,
                        value_codes: list[str]) -> None:
    """Values that cannot be, by the one value check (``jixiao.engine.values``): outside the item's domain
    (a negative count, 150 % of a share, 1.5 incidents, a bonus above the scale), or written as a percentage
    where the item is not one. Each listed row gets the check's own words. Expert points are checked against
    what they are worth in ``_check_points``."""
    dd = _domains(scheme, value_codes)
    doms, lo, hi, whole, pct_ok = dd.each, dd.lo, dd.hi, dd.whole, dd.percent
    pct = frame["value__pct"].to_numpy() if "value__pct" in frame.columns else np.zeros(len(v), dtype=bool)
    with np.errstate(invalid="ignore"):
        bad = ok & (np.isinf(v) | (np.isfinite(v) & ((v < lo[ii]) | (v > hi[ii]) | (whole[ii] & (v != np.floor(v)))
                                                    | (pct & ~pct_ok[ii]))))
    if not bad.any():
        return
    where = np.flatnonzero(bad)
    reasons = []
    for j in where[:MAX_LISTED]:
        k = int(ii[j])
        d = doms[k]
        text = "; ".join(f.text(labels.lang) for f in check_value(d, float(v[j]), percent=bool(pct[j]))
                         if f.is_error)
        reasons.append(text if labels.rows else f"{codes[int(ui[j])]}: {text}")
    out.rows(labels.values, "value", _bad(frame, bad), reasons, rows=labels.rows)


def _check_points(scheme: Scheme, placed: _Placed, mat: np.ndarray, rating_counts: dict[str, np.ndarray],
                  categories: pl.Series, codes: pl.Series,
                  labels: Labels, out: _Collector, value_codes: list[str]) -> None:
    """Expert points above what the item is worth for the unit (its points x the rule's cap). The worth
    depends on the unit's category and, under ``missing: exclude``, on which indicators have data, so it
    is worked out by the engine (``subject_points``) for each such combination that occurs."""
    leaves = {leaf.code: leaf for leaf in scheme.measured_leaves if leaf.rule is not None
              and leaf.rule.type == "points"}
    cols = {k: leaves[c] for k, c in enumerate(value_codes) if c in leaves}
    if not cols:
        return
    frame = placed.frame
    v, ii, ui, _ = placed.arrays
    mine = np.isin(ii, list(cols)) & np.isfinite(v)
    if not mine.any():
        return
    measured = {leaf.code for leaf in scheme.measured_leaves}
    col_of = {c: k for k, c in enumerate(value_codes)}
    cache: dict[tuple[str, frozenset[str] | None], dict[str, tuple[bool, float]]] = {}

    def worth(unit: int) -> dict[str, tuple[bool, float]]:
        present: frozenset[str] | None = None
        if scheme.missing == "exclude":
            present = frozenset({c for c in measured if np.isfinite(mat[unit, col_of[c]])}
                                | {c for c, n in rating_counts.items() if n[unit].sum() > 0})
        key = (str(categories[unit]), present)
        if key not in cache:
            cache[key] = subject_points(scheme, key[0], present)
        return cache[key]

    bad_rows: list[int] = []
    reasons: list[str] = []
    for j in np.flatnonzero(mine):
        node = cols[int(ii[j])]
        points = worth(int(ui[j]))[node.code][1]
        errors = [f for f in check_value(domain(scheme, node.code, points=points), float(v[j])) if f.is_error]
        if errors:
            bad_rows.append(int(j))
            text = "; ".join(f.text(labels.lang) for f in errors)
            reasons.append(text if labels.rows else f"{codes[int(ui[j])]}: {text}")
    if bad_rows:
        mask = np.zeros(len(v), dtype=bool)
        mask[bad_rows] = True
        out.rows(labels.values, "value", _bad(frame, mask), reasons[:MAX_LISTED], rows=labels.rows)


def _check_ratings(scheme: Scheme, frame: pl.DataFrame, i: pl.Series, label: str, out: _Collector) -> np.ndarray:
    """Check raters, scores and groups; return each row's group index within its indicator (-1: bad)."""
    empty = frame.filter(pl.col("rater").is_null() | (pl.col("rater") == ""))
    out.rows(label, "rater", empty, "the rater is empty")
    missing = frame.filter(pl.col("score").is_null())
    out.rows(label, "score", missing, "the score is empty")
    ii = i.fill_null(-1).cast(pl.Int64).to_numpy()
    gi = np.full(frame.height, -1, dtype=np.int64)
    score = frame["score"].to_numpy()
    groups = frame["group"].cast(pl.String)
    for idx, leaf in enumerate(scheme.rating_leaves):
        rule = leaf.rule
        assert rule is not None and rule.scale is not None
        mine = ii == idx
        if not mine.any():
            continue
        g = groups.filter(pl.Series(mine)).cast(pl.Enum(list(rule.group_names)), strict=False).to_physical()
        gi[mine] = g.fill_null(-1).cast(pl.Int64).to_numpy()
        bad_g = mine & (gi < 0)
        if bad_g.any():
            bad = _bad(frame, bad_g)
            out.rows(label, "group", bad, (f"{x!r} is not a rater group of {leaf.code} ({', '.join(rule.group_names)})"
                                           for x in bad["group"].head(MAX_LISTED).to_list()))
        lo, hi = rule.scale
        with np.errstate(invalid="ignore"):
            bad_s = mine & ((score < lo) | (score > hi) | np.isinf(score))
        if bad_s.any():
            bad = _bad(frame, bad_s)
            out.rows(label, "score", bad, (f"{x:g} is outside {leaf.code}'s scale [{lo:g}, {hi:g}]"
                                           for x in bad["score"].head(MAX_LISTED).to_list()))
    return gi


def _aggregate_ratings(scheme: Scheme, ui: np.ndarray, ii: np.ndarray, gi: np.ndarray, score: np.ndarray,
                       n: int) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Per unit, indicator and rater group: drop the ``trim`` highest and ``trim`` lowest ratings when
    the group has more than 2 x trim, and take the mean. The groups are numbered densely (unit x group), so
    for trim <= 1 sums, counts, lows and highs are one pass each over an array of all the groups, with no
    hashing and no sort; a larger trim is rare and goes through a grouped aggregation."""
    means: dict[str, np.ndarray] = {}
    counts: dict[str, np.ndarray] = {}
    for idx, leaf in enumerate(scheme.rating_leaves):
        rule = leaf.rule
        assert rule is not None
        t, ng = rule.trim, len(rule.groups)
        mine = ii == idx
        key = ui[mine] * ng + gi[mine]
        s = score[mine]
        size = n * ng
        if t <= 1:
            cnt = np.bincount(key, minlength=size).astype(np.int64)
            total = np.bincount(key, weights=s, minlength=size)
            if t == 1:
                low, high = np.full(size, np.inf), np.full(size, -np.inf)
                np.minimum.at(low, key, s)
                np.maximum.at(high, key, s)
                trimmed = cnt > 2
                with np.errstate(invalid="ignore"):  # a group with no rating: inf - inf, not taken
                    total = np.where(trimmed, total - low - high, total)
                cnt_kept = np.where(trimmed, cnt - 2, cnt)
            else:
                cnt_kept = cnt
            with np.errstate(invalid="ignore", divide="ignore"):
                m = np.where(cnt > 0, total / cnt_kept, np.nan)
            c = cnt
        else:
            agg = pl.DataFrame({"k": key, "s": s}).group_by("k").agg(
                pl.col("s").sum().alias("sum"), pl.len().alias("n"), pl.col("s").bottom_k(t).sum().alias("low"),
                pl.col("s").top_k(t).sum().alias("high"))
            k = agg["k"].to_numpy()
            total, got = agg["sum"].to_numpy(), agg["n"].to_numpy().astype(np.int64)
            trimmed = got > 2 * t
            total = np.where(trimmed, total - agg["low"].to_numpy() - agg["high"].to_numpy(), total)
            m = np.full(size, np.nan)
            c = np.zeros(size, dtype=np.int64)
            m[k] = total / np.where(trimmed, got - 2 * t, got)
            c[k] = got
        m2, c2 = m.reshape(n, ng), c.reshape(n, ng)
        # Under ``anonymity.below: exclude`` an anonymous group with fewer than k ratings is left out of the score.
        m2[excluded(rule.group_names, c2, scheme.anonymity)] = np.nan
        means[leaf.code] = m2
        counts[leaf.code] = c2
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
