"""The evidence upload field of the pages that take a value with its file (佐证材料)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jixiao.evidence.errors import EvidenceRefusedError
from jixiao.evidence.services import check_evidence_file


class EvidenceField(forms.FileField):
    """A file field that refuses what ``do_attach_evidence`` would refuse (size, content, a name that
    contradicts the content), as an error beside the field naming the file and the reason. Name the form field
    ``evidence`` or ``e_<code>``: the upload handler then refuses an oversized file while it arrives (see
    ``jixiao.core.uploads``; the view adds that refusal with ``add_refusals_to_form``)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("evidence"))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if upload and upload is not initial:
            try:
                check_evidence_file(upload)
            except EvidenceRefusedError as exc:
                raise forms.ValidationError(exc.text, code=exc.code) from None
        return upload
