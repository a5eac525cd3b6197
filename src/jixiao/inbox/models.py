"""A notice (通知) in a user's inbox."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jixiao.inbox.choices import NoticeKind
from jixiao.inbox.querysets import NoticeQuerySet

TITLE_MAX = 200
LINK_MAX = 500


def is_site_link(link: str) -> bool:
    """Whether ``link`` is empty or a path of this site (``/app/...``): not another site (``//host``,
    ``https://``), not a script (``javascript:``), no spaces or control characters.

    >>> [is_site_link(x) for x in ("", "/app/inbox/", "//evil.example/", "javascript:alert(1)", "/a b")]
    [True, True, False, False, False]
    """
    if not link:
        return True
    return (link.startswith("/") and not link.startswith(("//", "/\\")) and len(link) <= LINK_MAX
            and all(c.isprintable() and not c.isspace() for c in link))


def validate_site_link(link: str) -> None:
    if not is_site_link(link):
        raise ValidationError(_("A notice may only link to a page of this site."), code="notice_link")


class Notice(models.Model):
    """One notice to one user: what happened (``kind``, ``title``, ``body``), where to look (``link``, a path of
    the site) and, when it is about one, the cycle. Unread while ``read_at`` is empty."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="notices", verbose_name=_("recipient")
    )
    kind = models.CharField(_("notice kind"), max_length=16, choices=NoticeKind.choices, default=NoticeKind.OTHER)
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    body = models.TextField(_("text"), blank=True)
    link = models.CharField(_("link"), max_length=LINK_MAX, blank=True, validators=[validate_site_link])
    cycle = models.ForeignKey(
        "cycles.Cycle", models.SET_NULL, null=True, blank=True, related_name="notices", verbose_name=_("cycle")
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        # The inbox page and the unread count in the navigation of every page: a user's (unread) notices.
        indexes = (models.Index(fields=["recipient", "read_at"], name="inbox_recipient_read_idx"),)

    def __str__(self) -> str:
        return self.title
