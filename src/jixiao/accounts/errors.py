"""Errors of accounts."""

from django.utils.translation import gettext_lazy as _

from jixiao.core.errors import JixiaoError


class NotSignedInError(JixiaoError):
    """An endpoint for signed-in users was called anonymously."""

    code = "not_signed_in"
    status = 401
    message = _("Sign in first.")
