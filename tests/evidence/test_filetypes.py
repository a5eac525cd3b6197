"""What a file is comes from its content: the allowed kinds are taken under a name that fits them; everything
else, and a name that contradicts the content, is refused with a message naming the file and what it is."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.utils import translation

from jixiao.evidence.choices import FileKind
from jixiao.evidence.errors import EvidenceRefusedError
from jixiao.evidence.filetypes import inspect_file


def _accepted(files: Any) -> list[tuple[str, bytes, FileKind, str]]:
    f = files
    return [
        ("统计报表.pdf", f.pdf(), FileKind.PDF, "application/pdf"),
        ("现场照片.PNG", f.png(), FileKind.PNG, "image/png"),
        ("照片.jpg", f.JPEG, FileKind.JPEG, "image/jpeg"),
        ("照片.jpeg", f.JPEG, FileKind.JPEG, "image/jpeg"),
        ("图.gif", f.GIF, FileKind.GIF, "image/gif"),
        ("图.webp", f.WEBP, FileKind.WEBP, "image/webp"),
        ("说明.docx", f.docx(), FileKind.DOCX,
         "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("说明（另存）.docx", f.docx(first="word/document.xml"), FileKind.DOCX,
         "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("台账.xlsx", f.xlsx(), FileKind.XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("汇报.pptx", f.pptx(), FileKind.PPTX,
         "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
        ("旧文件.doc", f.ole2("WordDocument", "1Table"), FileKind.DOC, "application/msword"),
        ("旧台账.xls", f.ole2("Workbook"), FileKind.XLS, "application/vnd.ms-excel"),
        ("旧汇报.ppt", f.ole2("PowerPoint Document", "Current User"), FileKind.PPT, "application/vnd.ms-powerpoint"),
        ("电子发票.ofd", f.ofd(), FileKind.OFD, "application/ofd"),
    ]


def test_each_allowed_kind_is_recognised_by_its_content(files: Any) -> None:
    for name, data, kind, content_type in _accepted(files):
        stream = io.BytesIO(data)
        assert inspect_file(stream, name) == (content_type, kind), name
        assert stream.tell() == 0  # left at its start for whoever reads it next


def test_the_browsers_word_for_the_type_is_not_believed(files: Any) -> None:
    assert inspect_file(files.upload("照片.png", files.png(), "text/html")) == ("image/png", FileKind.PNG)
    with pytest.raises(EvidenceRefusedError):
        inspect_file(files.upload("page.pdf", files.HTML, "application/pdf"))


def _refusal(data: bytes, name: str) -> str:
    with translation.override("en"), pytest.raises(EvidenceRefusedError) as caught:
        inspect_file(io.BytesIO(data), name)
    assert caught.value.status == 422
    assert caught.value.code == "evidence_refused"
    assert f"“{name}”" in caught.value.text
    return caught.value.text


@pytest.mark.parametrize(
    ("name", "make", "says"),
    [
        ("说明.html", lambda f: f.HTML, "a web page (HTML)"),
        ("说明.pdf", lambda f: f.HTML, "a web page (HTML)"),
        ("logo.png", lambda f: f.SVG, "an SVG image"),
        ("logo.svg", lambda f: f.SVG, "an SVG image"),
        ("setup.pdf", lambda f: f.EXE, "a program"),
        ("run.sh", lambda f: b"#!/bin/sh\nrm -rf /\n", "a script"),
        ("data.xml", lambda f: b'<?xml version="1.0"?><data/>', "an XML file"),
        ("材料.zip", lambda f: f.zip_of({"a.pdf": b"%PDF-1.4"}), "a ZIP archive"),
        ("材料.docx", lambda f: f.zip_of({"word/document.xml": b"<w/>"}), "a ZIP archive"),
        ("坏.docx", lambda f: b"PK\x03\x04" + b"\x00" * 200, "a damaged ZIP file"),
        ("说明.txt", lambda f: "完成率 96%".encode(), "a text file"),
        ("说明.pdf", lambda f: "完成率 96%".encode("gbk"), "a text file"),
        ("安装包.doc", lambda f: f.ole2("\x05SummaryInformation"), "not a Word, Excel or PowerPoint document"),
        ("加密.docx", lambda f: f.ole2("EncryptedPackage", "EncryptionInfo"), "a password-protected Office document"),
        ("x.bin", lambda f: bytes(range(256)) * 4, "not recognised"),
        ("a.7z", lambda f: b"7z\xbc\xaf\x27\x1c" + bytes(50), "a compressed archive"),
    ],
)
def test_other_kinds_are_refused_with_what_they_are(files: Any, name: str, make: Any, says: str) -> None:
    text = _refusal(make(files), name)
    assert says in text
    assert "Evidence may be a PDF document" in text


def test_a_name_that_contradicts_the_content_is_refused(files: Any) -> None:
    text = _refusal(files.png(), "统计报表.pdf")
    assert "its content is a PNG image, but its name ends in “.pdf”" in text
    assert ".png" in text
    assert "a Word document (.docx)" in _refusal(files.docx(), "说明.doc")
    assert "an Excel workbook (.xlsx)" in _refusal(files.xlsx(), "台账.docx")
    assert "has no extension" in _refusal(files.pdf(), "统计报表")


def test_office_documents_with_macros_are_refused(files: Any) -> None:
    assert "with macros" in _refusal(files.docm(), "说明.docx")
    assert "with macros" in _refusal(files.docm(), "说明.docm")
    assert "with macros" in _refusal(files.ole2("WordDocument", "Macros", "VBA", "_VBA_PROJECT"), "旧.doc")


def test_an_empty_file_is_refused() -> None:
    assert "it is empty" in _refusal(b"", "空.pdf")


def test_the_refusal_is_in_the_users_language(files: Any) -> None:
    """The messages are translatable: the English text is the msgid; the catalogue gives the Chinese."""
    with translation.override("zh-hans"), pytest.raises(EvidenceRefusedError) as caught:
        inspect_file(io.BytesIO(files.HTML), "说明.pdf")
    assert "说明.pdf" in caught.value.text
