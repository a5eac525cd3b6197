"""Errors of data collection."""

from django.utils.translation import gettext_lazy as _

from jixiao.core.errors import ImportRefusedError, JixiaoError

__all__ = ["ImportRefusedError", "InvalidValueError", "UnknownIndicatorError"]


class UnknownIndicatorError(JixiaoError):
    """The code is not an indicator of the cycle's scheme that takes this kind of data."""

    code = "unknown_indicator"
    status = 422
    message = _("{indicator} is not {what} of this cycle's scheme.")


class InvalidValueError(JixiaoError):
    """A value, floor, target or score that cannot be used."""

    code = "invalid_value"
    status = 422
    message = _("{field}: {reason}")
