from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalConfig(AppConfig):
    """Approval of a unit's data (数据审核), bottom-up: the operator submits, the unit's leader approves or
    returns it, the office accepts; approved data are locked."""

    name = "jixiao.approval"
    label = "approval"
    verbose_name = _("Approval")
