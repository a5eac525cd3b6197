"""Words shared by every app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    """What a user wants to do with an object; ``restrict(user, action)`` answers per action."""

    VIEW = "view", _("view")
    CHANGE = "change", _("change")
    DELETE = "delete", _("delete")


class Source(models.TextChoices):
    """Where a write came from, recorded on every audit event (the same service serves all of them)."""

    WEB = "web", _("web")
    ADMIN = "admin", _("admin")
    API = "api", _("API")
    COMMAND = "command", _("command")
    JOB = "job", _("background job")
    SYSTEM = "system", _("system")
