"""Errors of the organisation tree."""

from django.utils.translation import gettext_lazy as _

from jixiao.core.errors import JixiaoError


class TreeError(JixiaoError):
    """A change that would break the tree (a field that cannot change, a parent that no longer exists, a path
    too long to store)."""

    code = "invalid_tree"
    status = 422
    message = _("{reason}")


class UnitLoopError(TreeError):
    """A unit put under itself or under one of its descendants: the parents would form a loop. A conflict with
    the tree as it stands (409): the same move is fine once the parent has been moved out of the branch."""

    code = "unit_loop"
    status = 409
    message = _("{parent} is inside {unit}; a unit cannot move under itself")


class UnitCodeTakenError(TreeError):
    """A new unit with the code of an existing one: codes name units in files, paths and the API."""

    code = "unit_code_taken"
    status = 409
    message = _("There is already a unit with code {code}.")
