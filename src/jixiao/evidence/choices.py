"""Words of evidence files."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FileKind(models.TextChoices):
    """The kinds of file taken as evidence, as their content shows them (never their name or the browser's
    word). The label completes "it is ..." in a refusal."""

    PDF = "pdf", _("a PDF document")
    PNG = "png", _("a PNG image")
    JPEG = "jpeg", _("a JPEG image")
    GIF = "gif", _("a GIF image")
    WEBP = "webp", _("a WebP image")
    DOCX = "docx", _("a Word document (.docx)")
    XLSX = "xlsx", _("an Excel workbook (.xlsx)")
    PPTX = "pptx", _("a PowerPoint presentation (.pptx)")
    DOC = "doc", _("a Word 97-2003 document (.doc)")
    XLS = "xls", _("an Excel 97-2003 workbook (.xls)")
    PPT = "ppt", _("a PowerPoint 97-2003 presentation (.ppt)")
    OFD = "ofd", _("an OFD document")


class EvidenceAction(models.TextChoices):
    """Audit actions of evidence files."""

    ATTACH = "evidence.attach", _("evidence attached")
