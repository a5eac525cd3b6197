from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotlineConfig(AppConfig):
    """The 12345 citizens' hotline (接诉即办): tickets imported or pushed by the hotline system, their categories
    (a three-level tree), classification of uncategorised tickets, routing proposals, per-unit rates flowing into
    the cycle as values, hot spots and weight proposals for next year's scheme."""

    name = "jixiao.hotline"
    label = "hotline"
    verbose_name = _("12345 hotline")
