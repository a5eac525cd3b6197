"""Errors of three-party checks."""

from django.utils.translation import gettext_lazy as _

from jixiao.core.errors import JixiaoError


class CheckInputError(JixiaoError):
    """A round, review or verification with a field missing or wrong."""

    code = "check_input"
    status = 422
    message = _("{field}: {problem}")


class CheckStateError(JixiaoError):
    """The step is not open for the item as it stands (a refused transition names the current state)."""

    code = "check_state"
    status = 409
    message = _("{unit} {indicator}: cannot {step} an item that is {state}.")


class StaleValueError(JixiaoError):
    """The unit's value changed after it was sampled: the verified value would replace a value nobody
    verified."""

    code = "check_stale"
    status = 409
    message = _("{unit} {indicator}: the unit's value changed since it was sampled (sampled {sampled}, version "
                "{sampled_version}; now {current}, version {current_version}). Nothing was changed: verify the "
                "current value first.")
