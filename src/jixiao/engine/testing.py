"""Small builders for tests and worked examples: the scheme of SCORING.md and input frames from tuples."""

from __future__ import annotations

from typing import Any

import polars as pl

from jixiao.engine.inputs import build_population
from jixiao.engine.report import result_frame
from jixiao.engine.scheme import Scheme
from jixiao.engine.schemefile import read_scheme_text
from jixiao.engine.score import ScoreResult, score

SCORING_MD_SCHEME = """
id: city-dept-2026
name: 2026年度市直部门绩效考核
scale: 100
missing: zero
ranking: category
tree:
  - code: CORE
    name: 核心指标
    weight: 60
    children:
      - {code: RESP, name: 诉求响应率, unit: "%", weight: 30, rule: {type: linear, floor: 80, target: 100}}
      - {code: DAYS, name: 审批平均时长, unit: 天, weight: 20, rule: {type: linear, floor: 20, target: 5}}
      - {code: EXEC, name: 预算执行率, weight: 25, rule: {type: ratio, target: 100}}
      - code: ONSITE
        name: 应急到场时间
        unit: 小时
        weight: 25
        only: [A]
        rule: {type: bands, direction: lower, bands: [{limit: 1, score: 1.0}, {limit: 2, score: 0.6}], otherwise: 0}
  - {code: LEAD, name: 领导评价, weight: 30, rule: {type: rating, scale: [0, 100], groups: {superior: 0.5, peer: 0.2, public: 0.3}, trim: 1}}
  - {code: NEG, name: 负面清单, weight: 10, rule: {type: deduction, per: 2}}
bonus:   {codes: [INNOV, REFORM], cap: 5}
penalty: {codes: [ACCIDENT], cap: 10}
veto:    {codes: [MAJOR], grade: 不合格}
grades:
  - {name: 优秀, min: 90, quota: 0.15}
  - {name: 良好, min: 80}
  - {name: 合格, min: 60}
  - {name: 不合格, min: 0}
"""


def scoring_md_scheme() -> Scheme:
    """The example scheme printed in SCORING.md."""
    return read_scheme_text(SCORING_MD_SCHEME)


def units_frame(rows: list[tuple[str, str, str]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={"unit": pl.String, "name": pl.String, "category": pl.String}, orient="row")


def values_frame(rows: list[tuple[str, str, float | None]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={"unit": pl.String, "indicator": pl.String, "value": pl.Float64}, orient="row")


def ratings_frame(rows: list[tuple[str, str, str, str, float]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={"unit": pl.String, "indicator": pl.String, "group": pl.String,
                                      "rater": pl.String, "score": pl.Float64}, orient="row")


def run(scheme: Scheme, units: list[tuple[str, str, str]], values: list[tuple[str, str, float | None]],
        ratings: list[tuple[str, str, str, str, float]] | None = None) -> ScoreResult:
    pop = build_population(scheme, units_frame(units), values_frame(values),
                           ratings_frame(ratings) if ratings is not None else None)
    return score(scheme, pop)


def by_unit(result: ScoreResult) -> dict[str, dict[str, Any]]:
    """The score table as {unit: row}."""
    return {row["unit"]: row for row in result_frame(result).iter_rows(named=True)}
