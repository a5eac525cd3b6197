"""Errors of schemes."""

from django.utils.translation import gettext_lazy as _

from jixiao.core.errors import JixiaoError


class InvalidSchemeError(JixiaoError):
    """The engine's checks refused the scheme; ``problems`` lists each by its place in the file."""

    code = "invalid_scheme"
    status = 422
    message = _("The scheme is not valid: {problems}")

    def __init__(self, problems: list[str]) -> None:
        super().__init__(problems="; ".join(problems))
        self.problems = problems
