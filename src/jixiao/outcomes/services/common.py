"""What the other modules read: a cycle's results as plain rows, the same subjects' results of earlier years (the
platform's own cycles, else the office's imported files), and tables read from uploaded files with every problem
named by file, row and column."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from jixiao.cycles.choices import PeriodKind, SubjectKind
from jixiao.cycles.models import Cycle
from jixiao.engine.weightscli import read_cells
from jixiao.outcomes.choices import HistoryKind
from jixiao.outcomes.errors import OutcomeInputError
from jixiao.outcomes.models import HistoricalResult
from jixiao.results.models import Result


@dataclass(frozen=True)
class Row:
    """One subject's result: ``population`` is its ranking population (its category, or all)."""

    subject_id: int
    code: str
    name: str
    category: str
    unit_id: int
    unit: str
    total: float
    rank: int
    grade: str
    flags: str


def result_rows(cycle: Cycle) -> list[Row]:
    """The cycle's stored results, by category and rank."""
    rows = (Result.objects.filter(cycle=cycle).select_related("subject__unit")
            .order_by("subject__category", "rank", "subject__code"))
    return [Row(r.subject_id, r.subject.code, r.subject.name, r.subject.category, r.subject.unit_id,
                r.subject.unit.name, r.total, r.rank, r.grade, r.flags) for r in rows]


def grade_names(cycle: Cycle) -> list[str]:
    """The scheme's grades, best first."""
    return [g.name for g in cycle.scheme.engine.grades]


def history_kind(cycle: Cycle) -> str:
    return HistoryKind.PERSON if cycle.subject_kind == SubjectKind.PERSON else HistoryKind.UNIT


@dataclass(frozen=True)
class Past:
    """A subject's result of one year, from a platform cycle or an imported file."""

    year: int
    code: str
    name: str
    population: str
    total: float | None
    grade: str
    source: str
    #: A veto capped the grade (platform cycles only): the top grade was never open to it, whatever its total.
    vetoed: bool = False


def history(cycle: Cycle, *, until: int | None = None) -> dict[int, list[Past]]:
    """Results by year up to ``until`` (the cycle's year by default) of the subjects of the cycle's kind: each
    year's annual platform cycle of that kind with results (the cycle itself for its own year; else the newest of
    the year), and for a year without one, the imported results. Only subjects' codes carry across years."""
    until = cycle.year if until is None else until
    kind = history_kind(cycle)
    years: dict[int, list[Past]] = {}
    cycles = (Cycle.objects.filter(subject_kind=cycle.subject_kind, period_kind=PeriodKind.YEAR, year__lte=until,
                                   computed_at__isnull=False)
              .order_by("year", "-computed_at"))
    chosen: dict[int, Cycle] = {}
    for c in cycles:
        if c.pk == cycle.pk or c.year not in chosen:
            chosen[c.year] = c
    if cycle.year <= until and cycle.computed_at is not None:
        chosen[cycle.year] = cycle
    for year, c in chosen.items():
        years[year] = [Past(year, r.subject.code, r.subject.name, r.subject.category, r.total, r.grade, c.code,
                            vetoed="veto:" in (r.flags or ""))
                       for r in Result.objects.filter(cycle=c).select_related("subject")]
    imported: dict[int, list[Past]] = defaultdict(list)
    for h in HistoricalResult.objects.filter(kind=kind, year__lte=until).exclude(year__in=list(chosen)):
        imported[h.year].append(Past(h.year, h.code, h.name, h.population, h.total, h.grade, h.source))
    years.update(imported)
    return dict(sorted(years.items()))


# --- files --------------------------------------------------------------------------------------------------------

UPLOAD_SUFFIXES = (".csv", ".xlsx", ".xlsm", ".txt")


def where(label: str, row: int | None = None, column: str | None = None) -> str:
    """``预算.csv 第 5 行“预算金额”列`` (or the English), as the other imports name a place."""
    if row is None:
        return label
    if column is None:
        return _("{file} row {row}").format(file=label, row=row)
    return _("{file} row {row}, column “{column}”").format(file=label, row=row, column=column)


def read_file(path: Path, label: str, columns: Mapping[str, Sequence[str]], required: Sequence[str]
              ) -> list[tuple[int, dict[str, str]]]:
    """The rows of an uploaded .csv (UTF-8 or GBK) or .xlsx as ``(row number, {column: text})``: ``columns`` maps
    each key to the header names it may have (English and Chinese, matched without case or spaces). Refuses the
    whole file (OutcomeInputError naming the file, row and column) when it cannot be read or a required column
    is missing."""
    if path.suffix.lower() not in UPLOAD_SUFFIXES:
        raise OutcomeInputError(field=label, problem=_("use a .csv or .xlsx file"))
    try:
        cells = read_cells(str(path))
    except ValueError:
        raise OutcomeInputError(field=label, problem=_("the file cannot be read as a table (a .csv in UTF-8 or "
                                                       "GBK, or an .xlsx workbook)")) from None
    except Exception:
        raise OutcomeInputError(field=label, problem=_("the file is damaged or not a workbook")) from None
    if not cells:
        raise OutcomeInputError(field=label, problem=_("the file is empty"))
    header = [c.replace(" ", "").lower() for c in cells[0]]
    index: dict[str, int] = {}
    for key, names in columns.items():
        for name in names:
            if name.replace(" ", "").lower() in header:
                index[key] = header.index(name.replace(" ", "").lower())
                break
    missing = [columns[k][-1] for k in required if k not in index]
    if missing:
        raise OutcomeInputError(field=label, problem=_("the header has no column {columns}").format(
            columns="、".join(f"“{m}”" for m in missing)))
    out = []
    for n, row in enumerate(cells[1:], start=2):
        if not any(row):
            continue
        out.append((n, {k: (row[i].strip() if i < len(row) else "") for k, i in index.items()}))
    if not out:
        raise OutcomeInputError(field=label, problem=_("the file has a header but no rows"))
    return out


def number(text: str, label: str, row: int, column: str, *, whole: bool = False, low: float | None = None,
           high: float | None = None) -> float:
    """A cell as a number (thousands separators and a trailing 元 allowed); refuses naming the place."""
    cleaned = text.replace(",", "").replace("，", "").removesuffix("元").strip()
    try:
        value = float(cleaned)
    except ValueError:
        raise OutcomeInputError(field=where(label, row, column),
                                problem=_("“{text}” is not a number").format(text=text)) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise OutcomeInputError(field=where(label, row, column), problem=_("“{text}” is not a number").format(
            text=text))
    if whole and value != int(value):
        raise OutcomeInputError(field=where(label, row, column),
                                problem=_("{value} is not a whole number").format(value=text))
    if (low is not None and value < low) or (high is not None and value > high):
        raise OutcomeInputError(field=where(label, row, column), problem=_(
            "{value} is outside {low}-{high}").format(value=text, low=_n(low), high=_n(high)))
    return value


def _n(x: float | None) -> str:
    return "…" if x is None else f"{x:g}"


def actor_user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None
