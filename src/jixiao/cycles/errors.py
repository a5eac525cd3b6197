"""Errors of cycles."""

from django.utils.translation import gettext_lazy as _

from jixiao.core.errors import JixiaoError


class CycleStateError(JixiaoError):
    """The action does not fit the cycle's state (e.g. entering a value in a closed cycle)."""

    code = "cycle_state"
    status = 409
    message = _("Cycle {cycle} is {state}: {action} is possible only when it is {allowed}.")


class SubjectError(JixiaoError):
    """A cycle's subjects cannot be formed (e.g. a unit without a category)."""

    code = "invalid_subjects"
    status = 422
    message = _("The subjects are not valid: {problems}")


class UnacceptedDataError(JixiaoError):
    """Closing a cycle while some units' data are not accepted by the office needs an explicit confirmation."""

    code = "unaccepted_data"
    status = 409
    message = _("The data of {count} units are not accepted yet: {units}. Tick the confirmation to close the cycle "
                "anyway.")
