"""Errors of data collection."""

from django.utils.translation import gettext_lazy as _

from jixiao.core.errors import ImportRefusedError, JixiaoError

__all__ = [
    "ExplanationRequiredError",
    "ImportRefusedError",
    "InvalidValueError",
    "NotYoursToEnterError",
    "UnknownIndicatorError",
    "ValueRefusedError",
    "VersionConflictError",
    "VersionRequiredError",
]


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


class ValueRefusedError(JixiaoError):
    """The one value check refused the value; the message is the check's own (naming the item and why)."""

    code = "invalid_value"
    status = 422
    message = _("{text}")


class ExplanationRequiredError(JixiaoError):
    """The value check warns about the value: it is saved only with a short explanation, for review."""

    code = "explanation_required"
    status = 422
    message = _("{text}. Give a short explanation to save it.")


class VersionConflictError(JixiaoError):
    """The value changed since it was read: the save would overwrite someone else's."""

    code = "conflict"
    status = 409
    message = _("{indicator} was changed by {by} at {at} (now {current}) after you opened it; your value "
                "{yours} was not saved. Check it and save again to replace it.")


class VersionRequiredError(JixiaoError):
    """Changing an existing value needs the version it is based on."""

    code = "version_required"
    status = 428
    message = _("{indicator} already has a value (version {version}): give the version you read (If-Match "
                "or \"version\") to change it.")


class NotYoursToEnterError(JixiaoError):
    """An item the user may see but not write: the office's item, or the unit's data are locked."""

    code = "permission_denied"
    status = 403
    message = _("{indicator}: {why}")
