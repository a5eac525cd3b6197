"""Errors of using the results."""

from django.utils.translation import gettext_lazy as _

from jixiao.core.errors import JixiaoError


class OutcomeInputError(JixiaoError):
    """A parameter, file or row that is missing or wrong: names what and where."""

    code = "outcome_input"
    status = 422
    message = _("{field}: {problem}")


class OutcomeStateError(JixiaoError):
    """The step does not fit where the allocation, plan or proposal stands."""

    code = "outcome_state"
    status = 409
    message = _("{what}: {problem}")
