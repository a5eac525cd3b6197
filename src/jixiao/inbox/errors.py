"""Errors of the inbox."""

from django.utils.translation import gettext_lazy as _

from jixiao.core.errors import JixiaoError


class NoticeLinkError(JixiaoError):
    """A notice links only to a page of the site: a path such as ``/app/...``, never another site or a
    script (the link is shown to, and followed by, its recipient)."""

    code = "notice_link"
    status = 422
    message = _("A notice may only link to a page of this site, not {link}.")
