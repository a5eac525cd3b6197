from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvidenceConfig(AppConfig):
    """Evidence files (佐证材料) of entered values: checked by their content, kept outside the public media path,
    opened only by those who may see the value, every replaced file kept."""

    name = "jixiao.evidence"
    label = "evidence"
    verbose_name = _("Evidence")
