"""Words of import jobs."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ImportKind(models.TextChoices):
    """What a file brings in: the unit tree, staff, a cycle's values, or a hotline system's ticket export."""

    UNITS = "units", pgettext_lazy("import kind", "units")
    STAFF = "staff", pgettext_lazy("import kind", "staff")
    VALUES = "values", pgettext_lazy("import kind", "values")
    TICKETS = "tickets", pgettext_lazy("import kind", "hotline tickets")


class JobState(models.TextChoices):
    """An import job is queued until its job has run; then it is done, refused (the file had problems; nothing
    was imported) or failed (something unexpected; nothing was imported either)."""

    QUEUED = "queued", _("queued")
    DONE = "done", _("imported")
    REFUSED = "refused", _("refused")
    FAILED = "failed", _("failed")


class ImportAction(models.TextChoices):
    """Audit actions of import jobs."""

    START = "import.start", _("import started")
    FINISH = "import.finish", _("import finished")
