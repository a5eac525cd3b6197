"""Tables as data: a page renders them with ``web/_table.html`` and exports them with ``exports.py``,
so that every table a page shows can be downloaded as it is."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Link:
    """A cell that links somewhere."""

    text: Any
    href: str


@dataclass(frozen=True)
class Badge:
    """A cell shown as a coloured badge (status, grade)."""

    text: Any
    css: str


@dataclass
class Table:
    """A titled table; ``numeric`` columns are right-aligned and formatted to 2 decimals."""

    id: str
    title: Any
    columns: list[Any]
    rows: list[list[Any]] = field(default_factory=list)
    numeric: frozenset[int] = frozenset()
    #: Columns of running text (a rule in words): they wrap within a minimum width; other cells never wrap,
    #: so that on a phone a table scrolls sideways inside its box instead of breaking names letter by letter.
    wrap: frozenset[int] = frozenset()
    export: bool = True
