"""Words of results."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Lang(models.TextChoices):
    """Languages of the explanation (得分说明); the values are the engine's."""

    ZH = "zh", _("Chinese")
    EN = "en", _("English")


class VersionKind(models.TextChoices):
    """Why a version of a cycle's results was made."""

    MACHINE = "machine", _("machine score (机器评分)")
    REVIEW = "review", _("office review correction (复核更正)")
    PUBLICITY = "publicity", _("put to publicity (公示结果)")
    APPEAL = "appeal", _("appeal decided (申诉更正)")
    RECOMPUTE = "recompute", _("recomputed (重新计算)")
    FINAL = "final", _("final publication (定稿)")
