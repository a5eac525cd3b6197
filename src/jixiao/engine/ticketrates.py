"""The hotline's rates per responsible unit (承办单位): response rate 响应率, resolution rate 解决率 and
satisfaction rate 满意率, as 12345 接诉即办 assessments count them.

For the tickets of a period (``tickets.in_period``), per ``unit`` (tickets without a unit are left out; see
``without_unit``):

- ``received``: tickets; ``responded_on_time``: responded within the time limit (``Sla``) of the ticket's
  category and urgency, ``responded_at - received_at <= hours`` (exactly at the limit is on time; never
  responded is not on time); ``response_rate = responded_on_time / received``.
- ``closed``: tickets whose resolution is 已解决 or 未解决; ``solved``: 已解决; ``resolution_rate = solved /
  closed``.
- ``surveyed``: tickets with a satisfaction answer; ``satisfied``: the answer is one of ``satisfied`` (满意 and
  基本满意 by default); ``satisfaction_rate = satisfied / surveyed``.

Rates are percentages rounded half up to 2 decimals, computed exactly in integers:
``floor((20000 num + den) / (2 den)) / 100``; null when the denominator is 0 (no closed ticket, nobody
surveyed), never 0 or 100 by convention.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import polars as pl

from jixiao.engine.errors import InputError
from jixiao.engine.ticketfile import ROW, Column, Problems, TicketProblem, message, read_raw
from jixiao.engine.tickets import NORMAL, SOLVED, UNSOLVED, URGENCY_WORDS, URGENT

#: The response time limits (hours) that apply when no rule of an SLA says otherwise.
DEFAULT_HOURS: Mapping[str, float] = {URGENT: 2.0, NORMAL: 24.0}
SATISFIED = ("满意", "基本满意")
RATE_COLUMNS = ("unit", "received", "responded_on_time", "response_rate", "closed", "solved", "resolution_rate",
                "surveyed", "satisfied", "satisfaction_rate")
MEASURES = ("response_rate", "resolution_rate", "satisfaction_rate")
SLA_COLUMNS = (Column("category", ("问题分类", "分类", "诉求分类")), Column("urgency", ("紧急程度",)),
               Column("hours", ("时限", "小时", "响应时限", "时限小时", "时限（小时）", "响应时限（小时）")))


def percent(num: int, den: int) -> float | None:
    """``num / den`` as a percentage rounded half up to 2 decimals, exactly; None when ``den`` is 0.

    >>> [percent(2, 3), percent(1, 8), percent(1, 16), percent(1, 800), percent(1, 0)]
    [66.67, 12.5, 6.25, 0.13, None]
    """
    if den == 0:
        return None
    return ((20000 * num + den) // (2 * den)) / 100


def percent_expr(num: pl.Expr, den: pl.Expr) -> pl.Expr:
    """``percent`` of two integer columns. The hundredths are exact integers; Polars divides by 100 as a multiplication
    by 0.01 (7357 -> 73.57000000000001), so the quotient is rounded to 2 decimals, which gives the same float as
    Python's ``7357 / 100``."""
    num, den = num.cast(pl.Int64), den.cast(pl.Int64)
    hundredths = (20000 * num + den) // (2 * den)
    return pl.when(den > 0).then((hundredths / 100).round(2)).otherwise(None).cast(pl.Float64)


class SlaRule(NamedTuple):
    """A time limit: tickets of ``category`` (and its sub-categories; None = every category) and ``urgency``
    must be responded to within ``hours``."""

    category: str | None
    urgency: str
    hours: float


@dataclass(frozen=True)
class Sla:
    """Response time limits (响应时限). ``hours(category, urgency)`` takes the most specific rule: the one on
    the ticket's exact category, else on its longest ancestor category (categories are paths such as
    ``城乡建设/市容环境/占道经营``; an ancestor is a prefix ending at a ``/``), else the rule with no category,
    else ``defaults`` (紧急 2 h, 一般 24 h).

    >>> sla = Sla(rules=(("城乡建设", "紧急", 1), (None, "一般", 48)))
    >>> sla.hours("城乡建设/市容环境", "紧急"), sla.hours("城乡建设", "一般"), sla.hours("教育", "紧急")
    (1.0, 48.0, 2.0)
    >>> sla.hours("城乡建设业", "紧急"), sla.hours(None, "特急")  # a prefix that is not an ancestor; no rule
    (2.0, None)
    """

    rules: Sequence[SlaRule | tuple[str | None, str, float]] = ()
    defaults: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_HOURS))

    def __post_init__(self) -> None:
        rules = tuple(SlaRule((r[0] or "").strip().strip("/") or None, r[1], float(r[2])) for r in self.rules)
        for r in (*rules, *(SlaRule(None, u, h) for u, h in self.defaults.items())):
            if not r.hours > 0:
                raise ValueError(f"the time limit of {r.category or '*'} / {r.urgency} must be above 0 hours; "
                                 f"got {r.hours:g}")
        object.__setattr__(self, "rules", rules)

    def table(self) -> dict[tuple[str | None, str], float]:
        """The rules by (category, urgency); a later rule on the same pair replaces an earlier one."""
        return {(r[0], r[1]): float(r[2]) for r in self.rules}

    def hours(self, category: str | None, urgency: str,
              table: Mapping[tuple[str | None, str], float] | None = None) -> float | None:
        """The time limit of a ticket, or None when neither a rule nor a default names ``urgency``."""
        rules = self.table() if table is None else table
        path = category
        while path:
            if (path, urgency) in rules:
                return rules[path, urgency]
            path = path.rpartition("/")[0] or None
        if (None, urgency) in rules:
            return rules[None, urgency]
        default = self.defaults.get(urgency)
        return None if default is None else float(default)


def read_sla(path: str | Path, *, lang: str = "zh") -> Sla:
    """Read an SLA file ``category,urgency,hours`` (.csv UTF-8/GBK or .xlsx; Chinese headers 问题分类,
    紧急程度, 时限) into an ``Sla`` over the defaults. An empty category is every category; hours are above 0
    and may be fractional. Refused, naming row and column: an empty urgency, hours that are not a number above
    0, the same category and urgency twice."""
    raw = read_raw(path, SLA_COLUMNS, ("urgency", "hours"), lang=lang)
    frame = raw.frame.with_columns(
        pl.col("category").str.strip_chars("/ ").replace("", None),
        pl.col("urgency").str.to_lowercase().replace_strict(URGENCY_WORDS, default=pl.col("urgency")),
        pl.col("hours").cast(pl.Float64, strict=False).alias("value"))
    problems = Problems(raw)
    problems.add(frame.filter(pl.col("urgency").is_null()), "urgency", 1, message(lang, "required"))
    bad = frame.filter(~(pl.col("value") > 0).fill_null(False) | ~pl.col("value").is_finite().fill_null(False))
    problems.add(bad, "hours", 2, lambda r: message(lang, "hours", value=r["hours"] or ""))
    keyed = frame.filter(pl.col("urgency").is_not_null()).with_columns(
        first=pl.col(ROW).first().over(["category", "urgency"]))
    problems.add(keyed.filter(pl.col(ROW) != pl.col("first")), "category", 0,
                 lambda r: message(lang, "duplicate_rule", first=r["first"]))
    problems.raise_if_any()
    return Sla(rules=tuple(SlaRule(c, u, h) for c, u, h in frame.select("category", "urgency", "value").iter_rows()))


def _timing(frame: pl.DataFrame) -> pl.Expr:
    """Microseconds from receipt to the first response (null: never responded), from ``response_seconds`` or
    from ``received_at`` and ``responded_at``."""
    if "response_seconds" in frame.columns:
        return (pl.col("response_seconds").cast(pl.Float64) * 1e6).alias("us")
    return (pl.col("responded_at") - pl.col("received_at")).dt.total_microseconds().cast(pl.Float64).alias("us")


def _limits(pairs: pl.DataFrame, sla: Sla, *, label: str, lang: str) -> pl.DataFrame:
    """``pairs`` (distinct category, urgency, n) with ``limit_us``, the time limit in microseconds; refuses an
    urgency no rule or default names."""
    table = sla.table()
    limits = [sla.hours(c, u, table) for c, u in pairs.select("category", "urgency").iter_rows()]
    pairs = pairs.with_columns(hours=pl.Series(limits, dtype=pl.Float64))
    missing = pairs.filter(pl.col("hours").is_null()).group_by("urgency").agg(pl.col("n").sum()).sort("urgency")
    if missing.height:
        raise InputError([TicketProblem(label, None, "urgency", message(lang, "no_rule", urgency=u, n=n), n,
                                        lang=lang) for u, n in missing.iter_rows()])
    return pairs.select("category", "urgency", (pl.col("hours") * 3.6e9).round(0).alias("limit_us"))


def _flags(frame: pl.DataFrame, sla: Sla, satisfied: Sequence[str], lang: str) -> pl.LazyFrame:
    """One row per ticket: unit and the Boolean facts the rates count."""
    base = frame.lazy().select(
        *[pl.col(c).cast(pl.String).replace("", None) for c in ("unit", "category", "urgency")],
        *[pl.col(c).cast(pl.String) for c in ("resolution", "satisfaction")], _timing(frame),
    ).with_columns(pl.col("urgency").fill_null(NORMAL))
    pairs = base.group_by("category", "urgency").agg(n=pl.len()).collect()
    limits = _limits(pairs, sla, label="tickets", lang=lang)
    resolution = pl.col("resolution")
    return base.join(limits.lazy(), on=["category", "urgency"], how="left", nulls_equal=True).select(
        "unit",
        on_time=(pl.col("us") <= pl.col("limit_us")).fill_null(False),
        closed=resolution.is_in([SOLVED, UNSOLVED]).fill_null(False),
        solved=(resolution == SOLVED).fill_null(False),
        surveyed=pl.col("satisfaction").is_not_null(),
        satisfied=pl.col("satisfaction").is_in(list(satisfied)).fill_null(False),
    )


def _sums() -> list[pl.Expr]:
    return [pl.len().cast(pl.Int64).alias("received"),
            *[pl.col(c).sum().cast(pl.Int64).alias(a) for c, a in (
                ("on_time", "responded_on_time"), ("closed", "closed"), ("solved", "solved"),
                ("surveyed", "surveyed"), ("satisfied", "satisfied"))]]


def _rates(counts: pl.LazyFrame) -> pl.LazyFrame:
    return counts.with_columns(
        response_rate=percent_expr(pl.col("responded_on_time"), pl.col("received")),
        resolution_rate=percent_expr(pl.col("solved"), pl.col("closed")),
        satisfaction_rate=percent_expr(pl.col("satisfied"), pl.col("surveyed")),
    ).select(RATE_COLUMNS)


def indicators(frame: pl.DataFrame, sla: Sla | None = None, *, satisfied: Sequence[str] = SATISFIED,
               lang: str = "zh") -> pl.DataFrame:
    """The rates per unit of the tickets of ``frame`` (``RATE_COLUMNS``, sorted by unit; counts Int64, rates
    Float64). ``frame`` needs ``unit, category, urgency, resolution, satisfaction`` and either ``received_at``
    and ``responded_at`` or ``response_seconds`` (Float64, null = never responded). An urgency without a time
    limit is refused (``InputError``, in ``lang``).

    >>> import datetime as dt
    >>> t0 = dt.datetime(2026, 3, 1, 8)
    >>> frame = pl.DataFrame({"unit": ["A", "A", "A"], "category": [None, None, None],
    ...     "urgency": ["紧急", "紧急", "一般"], "resolution": ["已解决", "未解决", "办理中"],
    ...     "satisfaction": ["满意", "基本满意", "不满意"], "received_at": [t0] * 3,
    ...     "responded_at": [t0 + dt.timedelta(hours=2), t0 + dt.timedelta(hours=2, seconds=1), None]})
    >>> indicators(frame).row(0)
    ('A', 3, 1, 33.33, 2, 1, 50.0, 3, 2, 66.67)
    """
    flags = _flags(frame, sla or Sla(), satisfied, lang).filter(pl.col("unit").is_not_null())
    counts = flags.group_by("unit").agg(_sums()).sort("unit")
    return _rates(counts).collect()


def overall(frame: pl.DataFrame, sla: Sla | None = None, *, satisfied: Sequence[str] = SATISFIED,
            lang: str = "zh") -> dict[str, int | float | None]:
    """The city-wide row of ``indicators``: every ticket of ``frame``, with or without a unit (``unit`` is
    None). Its rates are what ``hotspots.weight_proposal`` compares year on year."""
    flags = _flags(frame, sla or Sla(), satisfied, lang)
    counts = flags.select(_sums()).with_columns(unit=pl.lit(None, dtype=pl.String))
    return _rates(counts).collect().row(0, named=True)


def without_unit(frame: pl.DataFrame) -> int:
    """How many tickets of ``frame`` have no responsible unit (``indicators`` leaves them out)."""
    unit = pl.col("unit")
    return int(frame.select((unit.is_null() | (unit.str.strip_chars() == "")).sum()).item())
