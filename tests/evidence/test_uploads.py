"""An oversized evidence file is refused while it arrives, before Django has stored it, and the refusal is kept
on the request so the form can say so: nothing is silently dropped. Other uploads (the office's import files)
are not limited by it."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import SkipFile
from django.test import RequestFactory, override_settings
from django.utils import translation

from jixiao.core.uploads import LimitedUploadHandler, add_refusals_to_form, refused_uploads
from jixiao.evidence.forms import EvidenceField

LIMIT = 1000


def _handler(field: str = "e_RESP", name: str = "big.pdf", length: int | None = None) -> LimitedUploadHandler:
    request = RequestFactory().post("/")
    handler = LimitedUploadHandler(request)
    handler.new_file(field, name, "application/pdf", length)
    return handler


@override_settings(EVIDENCE_MAX_BYTES=LIMIT)
def test_the_handler_refuses_as_soon_as_the_bytes_pass_the_limit() -> None:
    handler = _handler()
    passed: list[bytes] = []

    def receive(chunks: list[bytes]) -> None:
        """As Django's parser feeds a handler: chunk after chunk, until a handler raises."""
        for k, chunk in enumerate(chunks):
            passed.append(handler.receive_data_chunk(chunk, k * 300))

    with pytest.raises(SkipFile):
        receive([b"x" * 300] * 10)  # 3000 bytes on the way; the limit is 1000
    assert len(passed) == 3  # the fourth chunk passed the limit: the remaining six were never asked for
    assert passed == [b"x" * 300] * 3  # what came before was handed on untouched
    assert refused_uploads(handler.request) == {"e_RESP": "big.pdf"}


@override_settings(EVIDENCE_MAX_BYTES=LIMIT)
def test_the_handler_refuses_at_once_when_the_announced_length_is_over_the_limit() -> None:
    request = RequestFactory().post("/")
    with pytest.raises(SkipFile):
        LimitedUploadHandler(request).new_file("evidence", "扫描件.pdf", "application/pdf", LIMIT + 1)
    assert refused_uploads(request) == {"evidence": "扫描件.pdf"}


@override_settings(EVIDENCE_MAX_BYTES=LIMIT)
def test_the_handler_passes_a_file_within_the_limit_and_files_of_other_fields() -> None:
    handler = _handler(length=LIMIT)
    assert handler.receive_data_chunk(b"x" * LIMIT, 0) == b"x" * LIMIT
    assert handler.file_complete(LIMIT) is None  # the next handler makes the file
    other = _handler(field="file", name="values.csv")
    assert other.receive_data_chunk(b"x" * 10 * LIMIT, 0) == b"x" * 10 * LIMIT
    assert refused_uploads(other.request) == {}


@override_settings(EVIDENCE_MAX_BYTES=LIMIT, FILE_UPLOAD_MAX_MEMORY_SIZE=100)
def test_a_request_keeps_its_other_fields_and_files_and_says_which_file_was_refused(files: Any) -> None:
    request = RequestFactory().post("/app/", {
        "v_RESP": "96.5",
        "e_RESP": SimpleUploadedFile("大文件.pdf", b"%PDF-1.4\n" + b"x" * 5000),
        "e_DAYS": SimpleUploadedFile("小文件.pdf", files.pdf()),
        "file": SimpleUploadedFile("values.csv", b"unit,indicator,value\n" + b"A,RESP,90\n" * 500),
    })
    try:
        assert request.POST["v_RESP"] == "96.5"
        assert sorted(request.FILES) == ["e_DAYS", "file"]
        assert request.FILES["e_DAYS"].read() == files.pdf()
        assert request.FILES["file"].size > LIMIT  # not an evidence field: the import's own limit applies
        assert refused_uploads(request) == {"e_RESP": "大文件.pdf"}
    finally:
        request.close()  # the temporary files, as the handler closes them after the response


class _EntryForm(forms.Form):
    """The shape of the data-entry form: a value and an evidence file per indicator."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["v_RESP"] = forms.CharField(required=False)
        self.fields["e_RESP"] = EvidenceField(label="诉求响应率")


@override_settings(EVIDENCE_MAX_BYTES=LIMIT)
def test_the_form_says_which_file_was_too_large_for_which_field() -> None:
    big = SimpleUploadedFile("大文件.pdf", b"x" * 5000)
    request = RequestFactory().post("/app/", {"v_RESP": "96.5", "e_RESP": big})
    form = _EntryForm(request.POST, request.FILES)
    assert form.is_valid()  # the file never arrived: without the next line it would pass for "no file"
    with translation.override("en"):
        assert add_refusals_to_form(form, request)
    assert not form.is_valid()
    message = form.errors["e_RESP"][0]
    assert "“大文件.pdf”" in message
    assert "“诉求响应率”" in message
    assert "1000\xa0bytes" in message


def test_the_evidence_field_refuses_what_the_service_would(files: Any) -> None:
    with translation.override("en"):
        form = _EntryForm({}, {"e_RESP": SimpleUploadedFile("logo.png", files.SVG, content_type="image/png")})
        assert not form.is_valid()
        assert "an SVG image" in form.errors["e_RESP"][0]
    good = _EntryForm({}, {"e_RESP": SimpleUploadedFile("报表.pdf", files.pdf())})
    assert good.is_valid()


@pytest.mark.django_db
def test_an_import_file_larger_than_the_evidence_limit_is_still_imported(world: Any, client_as: Any,
                                                                         settings: Any) -> None:
    from jixiao.imports.choices import JobState
    from jixiao.imports.models import ImportJob

    settings.IMPORT_JOBS_INLINE = True
    settings.EVIDENCE_MAX_BYTES = 10
    body = "unit,indicator,value\nA,RESP,91.5\n"
    r = client_as(world, "admin").post("/app/imports/new/", {
        "kind": "values", "cycle": world.open.code,
        "file": SimpleUploadedFile("values.csv", body.encode(), content_type="text/csv")})
    assert r.status_code == 302
    job = ImportJob.objects.get()
    assert job.size > settings.EVIDENCE_MAX_BYTES
    assert job.state == JobState.DONE
