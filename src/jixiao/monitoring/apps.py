from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    """Progress through the year (过程监控): period values, the scheduled check against the plan and among peers,
    and the warnings (预警) the units answer."""

    name = "jixiao.monitoring"
    label = "monitoring"
    verbose_name = _("Monitoring")
