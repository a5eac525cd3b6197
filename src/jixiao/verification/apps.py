from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VerificationConfig(AppConfig):
    """Three-party checks (三方制衡): a sample of the units' self-reported values (单位自评) reviewed by finance
    (财政复核) and verified by a third party (第三方核查), and the gap between them."""

    name = "jixiao.verification"
    label = "verification"
    verbose_name = _("Three-party checks")
