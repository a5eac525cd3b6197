"""Words of results."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Lang(models.TextChoices):
    """Languages of the explanation (得分说明); the values are the engine's."""

    ZH = "zh", _("Chinese")
    EN = "en", _("English")
