"""Refusals of import jobs."""

from django.utils.translation import gettext_lazy as _

from jixiao.core.errors import ImportTooManyRowsError, InvalidInputError

__all__ = ["ImportCycleRequiredError", "ImportFileTypeError", "ImportTooLargeError", "ImportTooManyRowsError"]


class ImportTooLargeError(InvalidInputError):
    """The file is over the size an import job accepts (``IMPORT_MAX_MB``)."""

    code = "import_too_large"
    status = 413
    message = _("The file is {size} MB; an import takes at most {limit} MB. Split it into smaller files.")


class ImportFileTypeError(InvalidInputError):
    """Only .csv and .xlsx files are imported."""

    code = "import_file_type"
    message = _("“{name}” is not a .csv or .xlsx file.")


class ImportCycleRequiredError(InvalidInputError):
    """A values file goes into a cycle."""

    code = "import_cycle_required"
    message = _("Choose the cycle the values go into.")
