"""Errors the engine raises. Each carries every problem found, each naming its place, so a user can
fix a scheme or an input file in one pass."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class EngineError(Exception):
    """Base of the engine's errors; ``problems`` lists what is wrong, one line each."""

    what = "problems"

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__(self._text())

    def _text(self) -> str:
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in the {self.what}:"
        return "\n  ".join([head, *self.problems])


class SchemeError(EngineError):
    """The scheme is not valid; nothing was scored."""

    what = "scheme"


@dataclass(frozen=True)
class InputProblem:
    """One bad cell or row of an input file: ``file, row R, column C: reason``.

    ``row`` counts as a spreadsheet does: the header is row 1, the first data row is row 2. ``count`` is how
    many problems the item stands for: 1, or more for a summary line ("... and 130 more cells").
    """

    file: str
    row: int | None
    column: str | None
    reason: str
    count: int = 1

    def __str__(self) -> str:
        parts = [self.file]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column {self.column}")
        return ", ".join(parts) + f": {self.reason}"


class InputError(EngineError):
    """An input file is not usable; nothing was scored or written."""

    what = "input"

    def __init__(self, problems: Sequence[InputProblem | str]) -> None:
        self.items = list(problems)
        super().__init__([str(p) for p in problems])
