"""Refusals of evidence files."""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils.translation import gettext_lazy as _

from jixiao.core.errors import JixiaoError


class EvidenceRefusedError(JixiaoError):
    """An evidence file refused for what it is (its content, not its name), its size, or a name that contradicts
    its content. The message names the file and the reason; nothing of the file is kept."""

    code = "evidence_refused"
    status = 422
    message = _("The file “{name}” was refused: {reason}")

    EMPTY: ClassVar[Any] = _("it is empty.")
    TOO_LARGE: ClassVar[Any] = _("it is larger than {limit}.")
    NOT_ALLOWED: ClassVar[Any] = _(
        "it is {what}. Evidence may be a PDF document, a PNG, JPEG, GIF or WebP image, a Word, Excel or "
        "PowerPoint document, or an OFD document."
    )
    WRONG_NAME: ClassVar[Any] = _(
        "its content is {what}, but its name ends in “{suffix}”. Name it with {extensions} and upload it again."
    )
    NO_EXTENSION: ClassVar[Any] = _(
        "its content is {what}, but its name has no extension. Name it with {extensions} and upload it again."
    )
    MACROS: ClassVar[Any] = _(
        "it is an Office document with macros, which are not taken as evidence. Save it without macros "
        "(.docx, .xlsx or .pptx) and upload it again."
    )

    @classmethod
    def because(cls, name: str, reason: Any, **params: Any) -> EvidenceRefusedError:
        """The refusal of ``name`` for ``reason`` (one of the texts above) filled with ``params``."""
        return cls(name=name, reason=str(reason).format(**{k: str(v) for k, v in params.items()}))
