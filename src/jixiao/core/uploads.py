"""A size limit on uploaded evidence files, enforced while the upload arrives, not after it was stored.

Django stores an uploaded file in memory or in a temporary file before any form sees it, so a form's size check
comes after a 2 GB upload has filled the disk. ``LimitedUploadHandler`` runs first among
``FILE_UPLOAD_HANDLERS``: it refuses a file at its announced length, or as soon as the bytes counted exceed the
limit, by raising ``SkipFile``; Django's own handlers after it then never store it, and the rest of that file's
bytes are drained from the connection without being kept. A refused file is not silently dropped: it is
recorded on the request (``refused_uploads(request)``: field name -> file name) and ``add_refusals_to_form``
turns each refusal into an error on its form field.

Which fields: evidence fields only, by name: ``evidence``, or a name starting with ``e_`` (the data-entry form's
per-indicator evidence fields). Other uploads (the office's import files, with their own and larger
``IMPORT_MAX_MB``) pass through untouched. The limit cannot be chosen by the view: the request's body is parsed
by ``RefuseBadTextMiddleware`` before any view runs, so a limit set by a view would come too late; a field-name
convention is known when the body is parsed.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from jixiao.core.errors import InvalidInputError

#: The attribute of the request that holds the refused uploads: {field name: file name}.
REFUSED = "refused_uploads"


def is_evidence_field(field_name: str) -> bool:
    """Whether the size limit applies to this upload field (see the module's docstring)."""
    return field_name == "evidence" or field_name.startswith("e_")


def size_text(size: int) -> str:
    """A size as people read it, in the active language ("10.0 MB")."""
    return str(filesizeformat(size))


class UploadTooLargeError(InvalidInputError):
    """An uploaded file over ``EVIDENCE_MAX_BYTES``, refused while it was being received."""

    code = "upload_too_large"
    status = 413
    message = _("The file “{name}” for “{field}” is larger than {limit}; it was not received.")


class LimitedUploadHandler(FileUploadHandler):
    """Refuses an evidence upload larger than ``settings.EVIDENCE_MAX_BYTES`` before it is read in full (see the
    module's docstring); passes every byte of the others on to the next handler."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.limit: int | None = None
        self.received = 0

    def new_file(self, field_name: str, file_name: str, content_type: str, content_length: int | None,
                 charset: str | None = None, content_type_extra: dict[str, bytes] | None = None) -> None:
        super().new_file(field_name, file_name, content_type, content_length, charset, content_type_extra)
        self.received = 0
        self.limit = int(settings.EVIDENCE_MAX_BYTES) if is_evidence_field(field_name) else None
        if self.limit is not None and content_length is not None and content_length > self.limit:
            self._refuse()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if self.limit is not None:
            self.received += len(raw_data)
            if self.received > self.limit:
                self._refuse()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler (memory or temporary file) makes the file

    def _refuse(self) -> None:
        if self.request is not None:
            refused = refused_uploads(self.request)
            refused[str(self.field_name)] = str(self.file_name)
            setattr(self.request, REFUSED, refused)
        raise SkipFile(f"{self.file_name!r} in {self.field_name!r} is over {self.limit} bytes")


def refused_uploads(request: Any) -> dict[str, str]:
    """The uploads refused for size while ``request`` was parsed: {field name: file name}."""
    return dict(getattr(request, REFUSED, None) or {})


def refusal(field_label: str, file_name: str) -> UploadTooLargeError:
    """The refusal of one file, naming the file, the field and the limit."""
    return UploadTooLargeError(name=file_name, field=field_label, limit=size_text(settings.EVIDENCE_MAX_BYTES))


def add_refusals_to_form(form: Any, request: Any) -> bool:
    """Add an error to each field of ``form`` whose file was refused for size; True when there was one. A form
    that shows its fields calls this after ``is_valid()``, so that a refused file is never taken for "no file"."""
    found = False
    for field_name, file_name in refused_uploads(request).items():
        field = form.fields.get(field_name)
        if field is None:
            continue
        form.add_error(field_name, refusal(str(field.label or field_name), file_name).text)
        found = True
    return found
