"""Errors of data approval."""

from django.utils.translation import gettext_lazy as _

from jixiao.core.errors import JixiaoError


class StepNotAllowedError(JixiaoError):
    """The step is not open to this user for the unit's data as they stand."""

    code = "step_not_allowed"
    status = 409
    message = _("{unit}: cannot {step} data that are {state}.")


class ReasonRequiredError(JixiaoError):
    """Returning or reopening data needs a reason the unit can act on."""

    code = "reason_required"
    status = 422
    message = _("Give a reason to {step} the data.")
