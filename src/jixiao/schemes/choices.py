"""Words of schemes."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemRole(models.TextChoices):
    """Where a library indicator sits in a scheme: in the tree, or among the adjustments outside it."""

    TREE = "tree", _("indicator (指标)")
    BONUS = "bonus", _("bonus item (加分项)")
    PENALTY = "penalty", _("penalty item (扣分项)")
    VETO = "veto", _("veto item (一票否决项)")
