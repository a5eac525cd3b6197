"""Errors of progress monitoring."""

from django.utils.translation import gettext_lazy as _

from jixiao.core.errors import JixiaoError


class MonitoringInputError(JixiaoError):
    """A period value, answer or follow-up with a field missing or wrong."""

    code = "monitoring_input"
    status = 422
    message = _("{field}: {problem}")


class WarningStateError(JixiaoError):
    """The step is not open for the warning as it stands (a refused transition names the current state)."""

    code = "warning_state"
    status = 409
    message = _("Warning of {unit} ({indicator}): cannot {step} a warning that is {state}.")


class OrderStateError(JixiaoError):
    """The step is not open for the rectification order as it stands (names the current state)."""

    code = "order_state"
    status = 409
    message = _("Order {number}: cannot {step} an order that is {state}.")
