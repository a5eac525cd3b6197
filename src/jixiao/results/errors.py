"""Errors of computing results."""

from django.utils.translation import gettext_lazy as _

from jixiao.core.errors import JixiaoError


class ComputeInputError(JixiaoError):
    """The cycle's data cannot be scored; ``problems`` name the table, row and column of each."""

    code = "compute_input"
    status = 422
    message = _("The cycle's data cannot be scored ({count} problems): {first}")

    def __init__(self, problems: list[str]) -> None:
        super().__init__(count=len(problems), first=problems[0] if problems else "")
        self.problems = problems
