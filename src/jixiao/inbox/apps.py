from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboxConfig(AppConfig):
    """Notifications (通知): what the platform tells a user (a publicity started, an appeal waits, a result is
    out), in their inbox (收件箱) and, when they have an address, by e-mail."""

    name = "jixiao.inbox"
    label = "inbox"
    verbose_name = _("Inbox")
