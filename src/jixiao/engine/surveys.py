"""Public satisfaction surveys (公众满意度调查): the quality checks of the answers and their aggregation into an
indicator value. Pure functions on NumPy arrays (a city's survey is hundreds of thousands of answers).

- **Scale**: each answer is 1 to 5 (非常不满意 .. 非常满意). A respondent's score of an indicator is the mean of
  their answers to the questions mapped to it, on 0-100: ``(mean - 1) / 4 * 100``.
- **Too fast** (作答过快): fewer than ``min_seconds`` from loading the page to submitting it. A response without a
  known time (a paper questionnaire) is never too fast.
- **Straight-lining** (直线作答): the same answer to every question, when there are at least ``STRAIGHT_MIN``
  (5) questions (on a short form the same answer throughout is plausible).
- **Duplicate** (重复提交): the same fingerprint (a hash of network, browser and answers) on the same day as an
  earlier response; the first one counts, the later ones are duplicates. An empty fingerprint is never a
  duplicate.
- **Aggregation** over the valid responses of a subject: ``n``, the mean score ``x̄``, the sample standard
  deviation ``s`` (ddof 1), and the margin of error at 95 %: ``1.96 * s / sqrt(n)``, times the finite population
  correction ``sqrt((N - n) / (N - 1))`` when the population ``N`` is known (invitation tokens issued).
  Degenerate cases: ``n = 0`` gives no mean, no deviation and no margin (NaN); ``n = 1`` a mean but no deviation
  or margin (NaN); ``s = 0`` or ``n >= N`` a margin of 0.

The reasons are checked in the order above and a response keeps the first that applies.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import polars as pl

#: The answers of the scale and their words.
SCALE = (1, 2, 3, 4, 5)
SCALE_WORDS = {1: ("非常不满意", "very dissatisfied"), 2: ("不满意", "dissatisfied"), 3: ("一般", "neutral"),
               4: ("满意", "satisfied"), 5: ("非常满意", "very satisfied")}
#: Reasons a response is excluded, in the order they are checked ("" is a valid response).
VALID, FAST, STRAIGHT, DUPLICATE = "", "fast", "straight", "duplicate"
REASONS = (FAST, STRAIGHT, DUPLICATE)
#: Straight-lining is looked for from this many questions on.
STRAIGHT_MIN = 5
#: The default least plausible time to answer, in seconds.
MIN_SECONDS = 30.0
#: The normal quantile of a 95 % confidence interval.
Z95 = 1.96

Floats = npt.NDArray[np.float64]


def score(mean_answer: float | Floats) -> float | Floats:
    """A mean answer on the 1-5 scale as 0-100: ``(mean - 1) / 4 * 100``.

    >>> score(1.0), score(5.0), score(4.2)
    (0.0, 100.0, 80.0)
    """
    return (mean_answer - 1.0) / 4.0 * 100.0


def answers_matrix(texts: Sequence[str], questions: int) -> npt.NDArray[np.int8]:
    """Answers kept as one digit per question (``"45344"``) as an ``(n, questions)`` matrix of 1-5.

    >>> answers_matrix(["123", "555"], 3).tolist()
    [[1, 2, 3], [5, 5, 5]]
    >>> answers_matrix([], 3).shape
    (0, 3)
    """
    if not texts:
        return np.zeros((0, questions), dtype=np.int8)
    raw = np.frombuffer("".join(texts).encode("ascii"), dtype=np.uint8)
    if raw.size != len(texts) * questions:
        raise ValueError(f"every response must have {questions} answers")
    return (raw.astype(np.int8) - ord("0")).reshape(len(texts), questions)


def too_fast(seconds: Floats, min_seconds: float = MIN_SECONDS) -> npt.NDArray[np.bool_]:
    """Whether each response took less than ``min_seconds``; NaN (no time known) is never too fast.

    >>> too_fast(np.array([12.0, 30.0, np.nan, 95.5]), 30).tolist()
    [True, False, False, False]
    """
    with np.errstate(invalid="ignore"):
        return np.asarray(seconds < min_seconds, dtype=np.bool_) & ~np.isnan(seconds)


def straight_lined(answers: npt.NDArray[np.int8], at_least: int = STRAIGHT_MIN) -> npt.NDArray[np.bool_]:
    """Whether each row of ``answers`` is the same answer throughout, when there are ``at_least`` questions.

    >>> straight_lined(np.array([[4, 4, 4, 4, 4], [4, 4, 4, 4, 5]], dtype=np.int8)).tolist()
    [True, False]
    >>> straight_lined(np.array([[3, 3, 3]], dtype=np.int8)).tolist()  # too few questions to tell
    [False]
    """
    if answers.shape[1] < max(at_least, 2):
        return np.zeros(answers.shape[0], dtype=np.bool_)
    return np.asarray((answers == answers[:, :1]).all(axis=1), dtype=np.bool_)


def duplicated(fingerprints: Sequence[str], days: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
    """Whether each response repeats an earlier one's fingerprint on the same day (rows in submission order;
    the first of each group counts). Empty fingerprints are never duplicates.

    >>> duplicated(["a", "b", "a", "a", ""], np.array([1, 1, 1, 2, 1])).tolist()
    [False, False, True, False, False]
    """
    n = len(fingerprints)
    if n == 0:
        return np.zeros(0, dtype=np.bool_)
    frame = pl.DataFrame({"f": list(fingerprints), "d": np.asarray(days, dtype=np.int64)})
    first = frame.select(pl.struct("f", "d").is_first_distinct()).to_series().to_numpy()
    return np.asarray(~first & (frame["f"] != "").to_numpy(), dtype=np.bool_)


def reasons(
    seconds: Floats,
    answers: npt.NDArray[np.int8],
    fingerprints: Sequence[str],
    days: npt.NDArray[np.int64],
    *,
    min_seconds: float = MIN_SECONDS,
    straight_min: int = STRAIGHT_MIN,
) -> npt.NDArray[np.str_]:
    """The reason each response is excluded (``FAST``, ``STRAIGHT``, ``DUPLICATE``, the first that applies), or
    ``VALID`` (""). Rows in submission order.

    >>> reasons(np.array([10.0, 60.0, 60.0, 60.0]),
    ...         np.array([[1, 2, 3, 4, 5], [3, 3, 3, 3, 3], [1, 2, 3, 4, 5], [1, 2, 3, 4, 5]], dtype=np.int8),
    ...         ["x", "y", "z", "z"], np.array([0, 0, 0, 0]), min_seconds=30).tolist()
    ['fast', 'straight', '', 'duplicate']
    """
    out = np.full(len(seconds), VALID, dtype="<U9")
    dup = duplicated(fingerprints, days)
    out[dup] = DUPLICATE
    out[straight_lined(answers, straight_min)] = STRAIGHT
    out[too_fast(seconds, min_seconds)] = FAST
    return out


def margin_of_error(sd: float, n: int, population: int | None = None) -> float:
    """The half-width of the 95 % confidence interval of a mean: ``1.96 * sd / sqrt(n)``, times
    ``sqrt((N - n) / (N - 1))`` for a known population ``N``. NaN when ``n < 2`` or ``sd`` is NaN.

    >>> round(margin_of_error(20.0, 100), 3)
    3.92
    >>> round(margin_of_error(20.0, 100, population=200), 3)  # half the population answered
    2.779
    >>> margin_of_error(0.0, 50), margin_of_error(15.0, 40, population=40)
    (0.0, 0.0)
    >>> import math; math.isnan(margin_of_error(10.0, 1))
    True
    """
    if n < 2 or np.isnan(sd):
        return float("nan")
    margin = Z95 * sd / np.sqrt(n)
    if population is not None:
        if n >= population:
            return 0.0
        margin *= np.sqrt((population - n) / (population - 1))
    return float(margin)


def aggregate(
    groups: npt.NDArray[np.int64],
    answers: npt.NDArray[np.int8],
    valid: npt.NDArray[np.bool_],
    populations: dict[int, int] | None = None,
) -> pl.DataFrame:
    """Per group (a subject) over its valid rows: ``group, n, mean_answer, value, sd, margin``; ``value`` is the
    mean respondent score on 0-100 (``score`` of each respondent's mean answer), ``sd`` its sample standard
    deviation and ``margin`` the margin of error at 95 % (``populations``: tokens issued per group, for the finite
    population correction). A group with no valid row has ``n = 0`` and NaN elsewhere.

    >>> frame = aggregate(np.array([7, 7, 7, 9]), np.array([[5, 5], [4, 4], [3, 5], [2, 2]], dtype=np.int8),
    ...                   np.array([True, True, True, False]))
    >>> frame.select("group", "n", "value").rows()
    [(7, 3, 83.33333333333333), (9, 0, nan)]
    >>> round(frame["sd"][0], 3), round(frame["margin"][0], 3)
    (14.434, 16.333)
    """
    groups = np.asarray(groups, dtype=np.int64)
    per_row = score(answers.mean(axis=1)) if answers.shape[1] else np.full(len(groups), np.nan)
    frame = pl.DataFrame({"group": groups, "answer": answers.mean(axis=1) if answers.shape[1] else per_row,
                          "s": per_row, "valid": np.asarray(valid, dtype=np.bool_)})
    stats = (frame.group_by("group", maintain_order=True)
             .agg(n=pl.col("valid").sum().cast(pl.Int64),
                  mean_answer=pl.col("answer").filter(pl.col("valid")).mean(),
                  value=pl.col("s").filter(pl.col("valid")).mean(),
                  sd=pl.col("s").filter(pl.col("valid")).std(ddof=1))
             .sort("group")
             .with_columns(pl.col("mean_answer", "value", "sd").fill_null(float("nan"))))
    pops = populations or {}
    margins = [margin_of_error(sd, n, pops.get(g)) for g, n, sd in
               zip(stats["group"].to_list(), stats["n"].to_list(), stats["sd"].to_list(), strict=True)]
    return stats.with_columns(margin=pl.Series(margins, dtype=pl.Float64))


def note(valid: int, rate: float | None, margin: float, lang: str = "zh") -> str:
    """A result in words, for the value's note.

    >>> note(312, 0.624, 2.08)
    '问卷：有效答卷312份，回收率62.4%，95%置信区间±2.1'
    >>> note(1, None, float("nan"), "en")
    'Survey: 1 valid responses, 95% confidence interval not available'
    """
    ci = None if np.isnan(margin) else f"{margin:.1f}"
    if lang == "en":
        parts = [f"Survey: {valid} valid responses"]
        if rate is not None:
            parts.append(f"response rate {rate * 100:.1f}%")
        parts.append(f"95% confidence interval ±{ci}" if ci is not None else "95% confidence interval not available")
        return ", ".join(parts)
    parts = [f"问卷：有效答卷{valid}份"]
    if rate is not None:
        parts.append(f"回收率{rate * 100:.1f}%")
    parts.append(f"95%置信区间±{ci}" if ci is not None else "95%置信区间无法估计")
    return "，".join(parts)
