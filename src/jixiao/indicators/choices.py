"""Words of the indicator library; the values are the engine's (``jixiao.engine.scheme``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """An indicator's kind (指标类型)."""

    RESULT = "result", _("result (结果性)")
    PROCESS = "process", _("process (过程性)")
    CONSTRAINT = "constraint", _("constraint (约束性)")
    NEGATIVE = "negative", _("negative list (负面清单)")
    BONUS = "bonus", _("bonus (加分)")


class DataSource(models.TextChoices):
    """Where an indicator's values come from (数据来源)."""

    MANUAL = "manual", _("manual entry (手工填报)")
    IMPORT = "import", _("file import (批量导入)")
    API = "api", _("business system API (系统对接)")
    SURVEY = "survey", _("survey or rating (问卷/测评)")
    COMPLAINTS = "complaints", _("complaint hotline (12345)")
