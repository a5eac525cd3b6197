"""Errors of the indicator library."""

from django.utils.translation import gettext_lazy as _

from jixiao.core.errors import JixiaoError


class IndicatorExistsError(JixiaoError):
    """A new indicator must have a new code."""

    code = "indicator_exists"
    status = 409
    message = _("An indicator with code {code} exists; revise it instead.")
