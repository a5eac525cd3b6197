"""Errors of the organisation tree."""

from django.utils.translation import gettext_lazy as _

from jixiao.core.errors import JixiaoError


class TreeError(JixiaoError):
    """A change that would break the tree (a cycle of parents, an unknown parent)."""

    code = "invalid_tree"
    status = 422
    message = _("{reason}")
