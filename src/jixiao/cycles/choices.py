"""Words of assessment cycles."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CycleState(models.TextChoices):
    """draft -> open (data entry) -> closed (machine score, office review) -> publicity (公示, appeals) ->
    appeals (publicity over, appeals and hearings being decided) -> published (final, 定稿)."""

    DRAFT = "draft", _("draft (草稿)")
    OPEN = "open", _("open for data entry (填报中)")
    CLOSED = "closed", _("scored, under office review (已评分，复核中)")
    PUBLICITY = "publicity", _("in publicity (公示中)")
    APPEALS = "appeals", _("publicity over, appeals being decided (申诉处理中)")
    PUBLISHED = "published", _("final (已定稿)")


#: The states in which a cycle's results are public: in publicity, while its appeals are decided, and final.
PUBLIC_STATES = (CycleState.PUBLICITY, CycleState.APPEALS, CycleState.PUBLISHED)
#: The states after the machine score in which the office may correct a value and recompute.
REVIEW_STATES = (CycleState.CLOSED, CycleState.PUBLICITY, CycleState.APPEALS)


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
