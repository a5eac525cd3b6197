"""Words of the audit trail. The sources of writes are shared by every app, so they live in core."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from jixiao.core.choices import Source

__all__ = ["HashVersion", "Source"]


class HashVersion(models.IntegerChoices):
    """How an event's hash was made (``jixiao.audit.chain``): events written before the key existed keep
    their plain SHA-256 digest; every later event has an HMAC under the audit key."""

    LEGACY = 1, _("SHA-256 (legacy)")
    HMAC = 2, _("HMAC-SHA256 with the audit key")
