"""Hot spots of the 12345 hotline (热点诉求) and the weight proposals they lead to (权重调整建议): pure functions
over ticket frames (``tickets.read_tickets``'s columns; each function uses only the columns it names).

A ticket is **unresolved** when its resolution is not 已解决 (still open, 未解决, 部分解决 ...). Categories are
paths (``城乡建设/市容环境/占道经营``); ``level`` N truncates them to their first N segments, so hot spots
can be read at any depth of the taxonomy. Shares are percentages rounded half up to 2 decimals
(``ticketrates.percent``).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from fractions import Fraction

import polars as pl

from jixiao.engine.ticketrates import MEASURES, percent_expr
from jixiao.engine.tickets import SOLVED

WINDOWS = {"month": "1mo", "week": "1w"}
#: The largest number of ticket ids ``repeats`` lists per address.
IDS_LISTED = 10
PRESSURE_RANGE = (Fraction(1, 2), Fraction(2))


def truncate(category: pl.Expr, level: int | None) -> pl.Expr:
    """``category`` cut to its first ``level`` path segments (None: as it is).

    >>> pl.select(truncate(pl.lit("城乡建设/市容环境/占道经营"), 2)).item()
    '城乡建设/市容环境'
    """
    if level is None:
        return category
    if level < 1:
        raise ValueError(f"level must be 1 or more; got {level}")
    return category.str.split("/").list.head(level).list.join("/")


def unresolved() -> pl.Expr:
    """Whether a ticket is not 已解决."""
    return (pl.col("resolution") != SOLVED).fill_null(True)


def hotspots(frame: pl.DataFrame, *, area: str = "street", window: str = "month", level: int | None = None,
             min_unresolved: int = 5, top: int = 50) -> pl.DataFrame:
    """High-frequency unresolved demands (高频未解决诉求): tickets by category x ``area`` (a column: street,
    district, unit ...) x time ``window`` (``month``, or ``week`` starting on Monday) of ``received_at``.

    Returns ``category, area, window`` (the window's first day), ``tickets, unresolved, unresolved_share``;
    groups with fewer than ``min_unresolved`` unresolved tickets are dropped; the ``top`` first by unresolved,
    then tickets, descending. Tickets without a category or an area are left out.

    >>> t = dt.datetime(2026, 3, 2)
    >>> f = pl.DataFrame({"category": ["噪音"] * 3, "street": ["东街"] * 3, "received_at": [t] * 3,
    ...                   "resolution": ["已解决", None, "未解决"]})
    >>> hotspots(f, min_unresolved=2).row(0)
    ('噪音', '东街', datetime.date(2026, 3, 1), 3, 2, 66.67)
    """
    if window not in WINDOWS:
        raise ValueError(f"window must be one of {', '.join(WINDOWS)}; got {window!r}")
    if area not in frame.columns:
        raise ValueError(f"the tickets have no column {area!r} to group by")
    grouped = (
        frame.lazy()
        .select(truncate(pl.col("category"), level).alias("category"), pl.col(area).alias("area"),
                pl.col("received_at").dt.truncate(WINDOWS[window]).cast(pl.Date).alias("window"),
                unresolved().alias("open"))
        .drop_nulls(["category", "area", "window"])
        .group_by("category", "area", "window")
        .agg(tickets=pl.len().cast(pl.Int64), unresolved=pl.col("open").sum().cast(pl.Int64))
        .filter(pl.col("unresolved") >= min_unresolved)
        .with_columns(unresolved_share=percent_expr(pl.col("unresolved"), pl.col("tickets")))
        .sort(["unresolved", "tickets", "category", "area", "window"], descending=[True, True, False, False, False])
    )
    return grouped.head(top).collect()


def _days(span: tuple[dt.date, dt.date]) -> int:
    days = (span[1] - span[0]).days
    if days <= 0:
        raise ValueError(f"a window must end after it starts; got {span[0]} .. {span[1]}")
    return days


def _count(frame: pl.DataFrame, span: tuple[dt.date, dt.date], level: int | None, name: str) -> pl.LazyFrame:
    at = pl.col("received_at")
    start, end = (dt.datetime(d.year, d.month, d.day) for d in span)
    return (frame.lazy().filter((at >= start) & (at < end) & pl.col("category").is_not_null())
            .group_by(truncate(pl.col("category"), level).alias("category")).agg(pl.len().cast(pl.Int64).alias(name)))


def rising(frame: pl.DataFrame, *, current: tuple[dt.date, dt.date], baseline: tuple[dt.date, dt.date],
           level: int | None = 1, min_count: int = 20, ratio: float = 1.5) -> pl.DataFrame:
    """Categories whose volume rose (诉求量异常上升): tickets received in ``current`` against ``baseline``
    (each ``(start, end_exclusive)``), scaled to the current window's length.

    ``expected = baseline x days(current) / days(baseline)``, ``ratio = current / expected``,
    ``z = (current - expected) / sqrt(expected)`` (Poisson). Flagged when ``current >= min_count`` and the
    ratio is at least ``ratio`` and ``z >= 3``; a category absent from the baseline with ``current >=
    min_count`` is flagged as new (ratio and z null). Returns ``category, current, baseline, expected, ratio,
    z, flagged``, by z descending (new categories first).

    >>> d, t = dt.date, dt.datetime
    >>> f = pl.DataFrame({"category": ["噪音"] * 40 + ["供暖"] * 2,
    ...                   "received_at": [t(2026, 1, 5)] * 10 + [t(2026, 3, 5)] * 32})
    >>> rising(f, current=(d(2026, 3, 1), d(2026, 3, 8)), baseline=(d(2026, 1, 1), d(2026, 1, 15)),
    ...        min_count=2).rows()
    [('供暖', 2, 0, 0.0, None, None, True), ('噪音', 30, 10, 5.0, 6.0, 11.18, True)]
    """
    cur_days, base_days = _days(current), _days(baseline)
    both = (_count(frame, current, level, "current")
            .join(_count(frame, baseline, level, "baseline"), on="category", how="full", coalesce=True)
            .with_columns(pl.col("current", "baseline").fill_null(0)))
    expected = pl.col("baseline") * cur_days / base_days
    table = both.with_columns(expected=expected).with_columns(
        ratio=pl.when(pl.col("expected") > 0).then(pl.col("current") / pl.col("expected")),
        z=pl.when(pl.col("expected") > 0).then((pl.col("current") - pl.col("expected")) / pl.col("expected").sqrt()),
    )
    enough = pl.col("current") >= min_count
    flagged = (enough & (pl.col("baseline") == 0)) | (
        enough & (pl.col("ratio") >= ratio).fill_null(False) & (pl.col("z") >= 3).fill_null(False))
    return (table.with_columns(flagged=flagged)
            .sort([pl.col("z").fill_null(math.inf), "current", "category"], descending=[True, True, False])
            .select("category", "current", "baseline", pl.col("expected").cast(pl.Float64),
                    pl.col("ratio").round(2), pl.col("z").round(2), "flagged")
            .collect())


def normal_address(address: pl.Expr) -> pl.Expr:
    """An address as compared for repeats: full-width characters as half-width (NFKC), no spaces.

    >>> pl.select(normal_address(pl.lit("幸福路 １２号　３单元"))).item()
    '幸福路12号3单元'
    """
    return address.str.normalize("NFKC").str.replace_all(r"\s+", "").replace("", None)


def _roots(frame: pl.DataFrame) -> pl.DataFrame:
    """``id, root``: the ticket each one repeats, followed through ``repeat_of`` chains to a ticket of ``frame``
    that repeats none (a link to a ticket outside ``frame`` stops there; a cycle stops after ``frame``'s size)."""
    links = frame.select("id", root=pl.coalesce("repeat_of", "id"))
    for _ in range(max(frame.height, 1).bit_length() + 1):  # each pass doubles the length followed
        step = links.join(links.rename({"id": "root", "root": "next"}), on="root", how="left").with_columns(
            root=pl.coalesce("next", "root")).drop("next")
        if step.equals(links):
            break
        links = step
    return links


def repeats(frame: pl.DataFrame, *, within_days: int = 90, min_count: int = 3) -> pl.DataFrame:
    """Repeated demands (重复诉求): the same address (``normal_address``) with at least ``min_count`` tickets
    received within some ``within_days`` days (the first and the last of them less than ``within_days`` days
    apart). A ticket linked by ``repeat_of`` counts at the address of the ticket it repeats (the root of its
    chain), whatever address it was given; a chain without an address is listed with an empty address.

    Returns ``address, tickets, unresolved, first, last, categories`` (joined with ；), ``ids`` (the first
    ``IDS_LISTED`` by received time, joined with ,) over all of the address's tickets in ``frame``; the most
    tickets first.
    """
    if min_count < 1:
        raise ValueError(f"min_count must be 1 or more; got {min_count}")
    roots = _roots(frame.select("id", "repeat_of"))
    own = frame.select("id", normal_address(pl.col("address")).alias("addr"))
    keyed = (frame.select("id", "received_at", "category", unresolved().alias("open"))
             .join(roots, on="id", how="left")
             .join(own.rename({"id": "root", "addr": "root_addr"}), on="root", how="left")
             .join(own, on="id", how="left")
             .with_columns(address=pl.coalesce("root_addr", "addr"),
                           key=pl.coalesce("root_addr", "addr", pl.lit("#") + pl.col("root"))))
    keyed = keyed.filter(pl.col("key").is_not_null() & pl.col("received_at").is_not_null()).sort("key", "received_at")
    span = pl.col("received_at").shift(-(min_count - 1)).over("key") - pl.col("received_at")
    dense = keyed.with_columns(hit=(span < dt.timedelta(days=within_days)).fill_null(False))
    hits = dense.group_by("key").agg(pl.col("hit").any()).filter("hit").select("key")
    table = dense.join(hits, on="key").group_by("key").agg(
        pl.col("address").first(),
        tickets=pl.len().cast(pl.Int64), unresolved=pl.col("open").sum().cast(pl.Int64),
        first=pl.col("received_at").min(), last=pl.col("received_at").max(),
        categories=pl.col("category").drop_nulls().unique().sort().str.join("；"),
        ids=pl.col("id").head(IDS_LISTED).str.join(","))
    return table.sort(["tickets", "key"], descending=[True, False]).select(
        "address", "tickets", "unresolved", "first", "last", "categories", "ids")


def _volume(frame: pl.DataFrame, level: int | None, prefix: str) -> pl.LazyFrame:
    return (frame.lazy().filter(pl.col("category").is_not_null())
            .group_by(truncate(pl.col("category"), level).alias("category"))
            .agg(pl.len().cast(pl.Int64).alias(f"{prefix}_tickets"),
                 unresolved().sum().cast(pl.Int64).alias(f"{prefix}_unresolved")))


def category_changes(last: pl.DataFrame, this: pl.DataFrame, *, level: int | None = 1) -> pl.DataFrame:
    """Year on year by category (分类同比): ``last_tickets, this_tickets, volume_change`` (%, null when last
    year had none), ``last_unresolved_share, this_unresolved_share`` (%), ``share_change`` (percentage points),
    ``flagged``: volume up 20 % or more with at least 50 tickets this year, or the unresolved share up 5 points
    or more. The thresholds are compared exactly (in integers), not on the rounded figures. Flagged first, then
    by this year's tickets.

    >>> last = pl.DataFrame({"category": ["噪音"] * 4, "resolution": ["已解决"] * 3 + [None]})
    >>> this = pl.DataFrame({"category": ["噪音"] * 5, "resolution": ["已解决"] * 3 + [None] * 2})
    >>> category_changes(last, this).row(0)
    ('噪音', 4, 5, 25.0, 25.0, 40.0, 15.0, True)
    """
    lt, tt, lu, tu = (pl.col(c) for c in ("last_tickets", "this_tickets", "last_unresolved", "this_unresolved"))
    table = (_volume(last, level, "last").join(_volume(this, level, "this"), on="category", how="full",
                                               coalesce=True)
             .with_columns(pl.col("last_tickets", "this_tickets", "last_unresolved", "this_unresolved").fill_null(0)))
    volume_up = (100 * (tt - lt) >= 20 * lt) & (lt > 0) & (tt >= 50)
    # this_u / this_t - last_u / last_t >= 5 / 100, cross-multiplied; a year without tickets has no share.
    share_up = ((100 * (tu * lt - lu * tt) >= 5 * tt * lt) & (lt > 0) & (tt > 0))
    last_share, this_share = percent_expr(lu, lt), percent_expr(tu, tt)
    return (table.with_columns(
        volume_change=pl.when(lt > 0).then(((tt - lt) * 100 / lt).round(2)),
        last_unresolved_share=last_share, this_unresolved_share=this_share,
        share_change=(this_share - last_share).round(2),
        flagged=volume_up | share_up)
        .sort(["flagged", "this_tickets", "category"], descending=[True, True, False])
        .select("category", "last_tickets", "this_tickets", "volume_change", "last_unresolved_share",
                "this_unresolved_share", "share_change", "flagged")
        .collect())


#: How the reasons name each measure and what its shortfall is, by language.
MEASURE_WORDS = {
    "zh": {"response_rate": ("按时响应率", "未按时响应"), "resolution_rate": ("诉求解决率", "未解决"),
           "satisfaction_rate": ("群众满意率", "不满意")},
    "en": {"response_rate": ("on-time response rate", "late responses"),
           "resolution_rate": ("resolution rate", "unresolved tickets"),
           "satisfaction_rate": ("satisfaction rate", "dissatisfied answers")},
}


def pressure(this_rate: float | None, last_rate: float | None) -> Fraction:
    """How much more a measure falls short this year than last: ``(100 - this) / (100 - last)``, 1 when a rate
    is missing or last year had no shortfall, clamped to [0.5, 2]. Exact (rates are read as the decimals they
    print as).

    >>> pressure(84.1, 87.2), pressure(99.0, 90.0), pressure(None, 90.0), pressure(90.0, 100.0)
    (Fraction(159, 128), Fraction(1, 2), Fraction(1, 1), Fraction(1, 1))
    """
    if this_rate is None or last_rate is None:
        return Fraction(1)
    s_this, s_last = 100 - Fraction(str(this_rate)), 100 - Fraction(str(last_rate))
    if s_last == 0:
        return Fraction(1)
    low, high = PRESSURE_RANGE
    return min(max(s_this / s_last, low), high)


def largest_remainder(shares: Sequence[Fraction], total: int) -> list[int]:
    """Whole numbers proportional to ``shares`` that add up to ``total`` exactly: each share's floor, and the
    remaining units to the largest remainders (ties to the earlier share).

    >>> largest_remainder([Fraction(1), Fraction(1), Fraction(1)], 100)
    [34, 33, 33]
    >>> largest_remainder([Fraction(0), Fraction(0)], 10)  # nothing to weigh by: all to nothing
    [0, 0]
    """
    whole = sum(shares, Fraction(0))
    if whole == 0 or total == 0:
        return [0] * len(shares)
    exact = [s * total / whole for s in shares]
    floors = [math.floor(x) for x in exact]
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[: total - sum(floors)]:
        floors[i] += 1
    return floors


def _reason(lang: str, measure: str, weight: float, proposed: int, this_rate: float | None,
            last_rate: float | None, p: Fraction, mean: Fraction) -> str:
    """Why: the rate's move, how its shortfall changed against the indicators' weighted mean (a weight follows
    its shortfall relative to the others: every rate may fall and one still lose weight), and the proposal."""
    name, shortfall = MEASURE_WORDS["en" if lang == "en" else "zh"][measure]
    if lang == "en":
        if this_rate is None or last_rate is None:
            trend = f"the {name} is not known for both years, so its pressure counts as unchanged"
        else:
            verb = "fell" if this_rate < last_rate else "rose" if this_rate > last_rate else "stayed"
            more = "more" if this_rate < last_rate else "fewer" if this_rate > last_rate else "as many"
            trend = (f"the {name} {verb} from {last_rate:.2f}% to {this_rate:.2f}%, {more} {shortfall}")
        action = (f"keep the weight at {weight:g}" if proposed == weight
                  else f"move the weight from {weight:g} to {proposed}")
        ratio = ("" if this_rate is None or last_rate is None else
                 f"; its shortfall is {float(p):.2f}x last year's (weighted mean of the indicators {float(mean):.2f}x)")
        return f"{trend[0].upper()}{trend[1:]}{ratio}; {action}."
    if this_rate is None or last_rate is None:
        trend = f"缺少两年的{name}，按压力不变计"
    elif this_rate == last_rate:
        trend = f"{name}持平于 {this_rate:.2f}%"
    else:
        verb, share = ("降至", "上升") if this_rate < last_rate else ("升至", "下降")
        trend = f"{name}由 {last_rate:.2f}% {verb} {this_rate:.2f}%，{shortfall}比例{share}"
    action = f"建议维持权重 {weight:g}" if proposed == weight else f"建议权重由 {weight:g} 调至 {proposed}"
    if this_rate is None or last_rate is None:
        return f"{trend}，{action}"
    return f"{trend}；差距为上年的 {float(p):.2f} 倍（各指标加权平均 {float(mean):.2f} 倍），{action}"


def weight_proposal(current: Sequence[tuple[str, str, float]], this_rates: Mapping[str, float | None],
                    last_rates: Mapping[str, float | None], *, lang: str = "zh") -> pl.DataFrame:
    """A proposal for next year's weights of the hotline indicators, from how far each measure fell short
    (依据热点诉求调整权重). ``current`` lists ``(indicator, measure, weight)``, measure one of ``MEASURES``;
    the rates are city-wide by measure (``ticketrates.overall``) for this year and last year.

    Rule: the shortfall ``s = 100 - rate``; pressure ``p = s_this / s_last`` (``pressure``), clamped to
    [0.5, 2]; the proposed weight is proportional to ``weight x p``, rescaled to the same total and rounded to
    whole numbers by largest remainder (``largest_remainder``), so the proposals add up to the total exactly.
    Returns ``indicator, measure, weight, proposed, last_rate, this_rate, pressure, reason``.

    >>> rows = weight_proposal([("H1", "resolution_rate", 35), ("H2", "satisfaction_rate", 65)],
    ...                        {"resolution_rate": 84.1, "satisfaction_rate": 90.0},
    ...                        {"resolution_rate": 87.2, "satisfaction_rate": 90.0})
    >>> rows["proposed"].to_list()
    [40, 60]
    >>> rows["reason"][0].split("，建议")[0]
    '诉求解决率由 87.20% 降至 84.10%，未解决比例上升；差距为上年的 1.24 倍（各指标加权平均 1.08 倍）'
    """
    for code, measure, weight in current:
        if measure not in MEASURES:
            raise ValueError(f"{code}: measure must be one of {', '.join(MEASURES)}; got {measure!r}")
        if not weight >= 0:
            raise ValueError(f"{code}: weight must be 0 or more; got {weight}")
    total = sum(Fraction(str(w)) for _, _, w in current)
    if total.denominator != 1:
        raise ValueError(f"the weights must add up to a whole number to be proposed in whole numbers; got {total}")
    pressures = [pressure(this_rates.get(m), last_rates.get(m)) for _, m, _ in current]
    weighed = sum((Fraction(str(w)) for _, _, w in current), Fraction(0))
    mean = (sum((Fraction(str(w)) * q for (_, _, w), q in zip(current, pressures, strict=True)), Fraction(0))
            / weighed if weighed else Fraction(1))
    proposed = largest_remainder([Fraction(str(w)) * p for (_, _, w), p in zip(current, pressures, strict=True)],
                                 int(total))
    rows = []
    for (code, measure, weight), p, new in zip(current, pressures, proposed, strict=True):
        this_rate, last_rate = this_rates.get(measure), last_rates.get(measure)
        rows.append({"indicator": code, "measure": measure, "weight": float(weight), "proposed": new,
                     "last_rate": last_rate, "this_rate": this_rate, "pressure": round(float(p), 4),
                     "reason": _reason(lang, measure, float(weight), new, this_rate, last_rate, p, mean)})
    schema = {"indicator": pl.String, "measure": pl.String, "weight": pl.Float64, "proposed": pl.Int64,
              "last_rate": pl.Float64, "this_rate": pl.Float64, "pressure": pl.Float64, "reason": pl.String}
    return pl.DataFrame(rows, schema=schema)
