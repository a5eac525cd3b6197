"""Rater quality (评价质量): lenient or severe raters, halo, and raters far from everyone else.

Scores are first put on one footing, the fraction of their indicator's scale: x = (score - lo) / (hi - lo). For
each rating, the others' mean is the mean of the other raters of the same subject, indicator and group (leave one
out). Per rater:

- ``bias`` = mean of (x - others' mean): above ``+lenient`` the rater is lenient (偏松), below ``-lenient`` severe
  (偏严); ratings with no other rater are not counted.
- ``spread`` = the mean, over the subjects the rater rated on at least ``min_items`` indicators, of the standard
  deviation of the rater's x across those indicators; 0 there is a halo (光环效应: the same mark for everything).
- ``distance`` = mean |x - others' mean| divided by the typical distance of all raters (their median); above
  ``far`` the rater is far from everyone else (偏离).

The ratings stay as they are: this is for the office to look at, not a rule of the score.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

#: A bias beyond 10 % of the scale counts as lenient or severe.
LENIENT = 0.10
#: A spread below 1 % of the scale across at least ``MIN_ITEMS`` indicators is a halo.
HALO = 0.01
MIN_ITEMS = 3
#: A rater three times as far from the others as the typical rater is far from everyone.
FAR = 3.0
#: Fewer compared ratings than this say too little about a rater to flag them.
MIN_RATINGS = 3


def rater_quality(rater: Sequence[str], subject: Sequence[str], indicator: Sequence[str], group: Sequence[str],
                  x: Sequence[float], *, lenient: float = LENIENT, halo: float = HALO, min_items: int = MIN_ITEMS,
                  far: float = FAR, min_ratings: int = MIN_RATINGS) -> pl.DataFrame:
    """One row per rater: ``rater, group, ratings, mean, bias, spread, distance, flags`` (flags: a list of
    ``lenient``, ``severe``, ``halo``, ``far``; none for a rater with fewer than ``min_ratings`` ratings that have
    other raters beside them). ``x`` are scores as fractions of their scale.

    >>> q = rater_quality(["a", "b", "c", "a", "b", "c"], ["U1"] * 3 + ["U2"] * 3, ["I"] * 6, ["peer"] * 6,
    ...                   [0.9, 0.5, 0.5, 0.8, 0.4, 0.4], min_ratings=2)
    >>> q.select("rater", "bias").rows()
    [('a', 0.4), ('b', -0.2), ('c', -0.2)]
    >>> q.filter(pl.col("rater") == "a")["flags"].to_list()
    [['lenient']]
    >>> rater_quality([], [], [], [], []).height
    0
    """
    schema = pl.Schema([("rater", pl.String()), ("group", pl.String()), ("ratings", pl.UInt32()),
                        ("mean", pl.Float64()), ("bias", pl.Float64()), ("spread", pl.Float64()),
                        ("distance", pl.Float64()), ("flags", pl.List(pl.String()))])
    if len(x) == 0:
        return pl.DataFrame(schema=schema)
    f = pl.DataFrame({"rater": list(rater), "subject": list(subject), "indicator": list(indicator),
                      "group": list(group), "x": np.asarray(x, dtype=np.float64)})
    cell = ["subject", "indicator", "group"]
    f = f.with_columns(pl.col("x").sum().over(cell).alias("_sum"), pl.len().over(cell).alias("_n"))
    f = f.with_columns(
        pl.when(pl.col("_n") > 1).then((pl.col("_sum") - pl.col("x")) / (pl.col("_n") - 1)).otherwise(None)
        .alias("others"))
    f = f.with_columns((pl.col("x") - pl.col("others")).alias("d"))
    per = f.group_by("rater", "group").agg(
        pl.len().alias("ratings"), pl.col("x").mean().alias("mean"), pl.col("d").mean().alias("bias"),
        pl.col("d").abs().mean().alias("_abs"), pl.col("d").count().alias("_compared"))
    spread = (f.group_by("rater", "subject").agg(pl.col("x").std(ddof=0).alias("sd"), pl.len().alias("k"))
              .filter(pl.col("k") >= min_items).group_by("rater").agg(pl.col("sd").mean().alias("spread")))
    per = per.join(spread, on="rater", how="left")
    typical = per["_abs"].drop_nulls().median()
    scale = float(typical) if isinstance(typical, (int, float)) and typical > 0 else None
    per = per.with_columns((pl.col("_abs") / scale if scale else pl.lit(None, pl.Float64)).alias("distance"))
    flags = pl.concat_list(
        pl.when(pl.col("bias") > lenient).then(pl.lit("lenient")),
        pl.when(pl.col("bias") < -lenient).then(pl.lit("severe")),
        pl.when(pl.col("spread") < halo).then(pl.lit("halo")),
        pl.when(pl.col("distance") > far).then(pl.lit("far")),
    ).list.drop_nulls()
    flags = pl.when(pl.col("_compared") >= min_ratings).then(flags).otherwise(pl.lit([], pl.List(pl.String())))
    per = per.with_columns(flags.alias("flags"), pl.col("bias").round(6), pl.col("mean").round(6))
    return per.select(list(schema)).cast(schema).sort("rater", "group")
