"""Words of assessment cycles."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CycleState(models.TextChoices):
    """draft -> open (data entry) -> closed (scored) -> published (公示)."""

    DRAFT = "draft", _("draft (草稿)")
    OPEN = "open", _("open for data entry (填报中)")
    CLOSED = "closed", _("closed and scored (已评分)")
    PUBLISHED = "published", _("published (已公示)")


class PeriodKind(models.TextChoices):
    """The length of a cycle's period."""

    YEAR = "year", _("year (年度)")
    HALF = "half", _("half year (半年)")
    QUARTER = "quarter", _("quarter (季度)")
    MONTH = "month", _("month (月度)")


class SubjectKind(models.TextChoices):
    """What a cycle assesses: units, or people (staff appraisal)."""

    UNIT = "unit", _("units (单位)")
    PERSON = "person", _("people (个人)")


#: The number of periods of each kind in a year.
PERIODS_PER_YEAR = {PeriodKind.YEAR: 1, PeriodKind.HALF: 2, PeriodKind.QUARTER: 4, PeriodKind.MONTH: 12}
