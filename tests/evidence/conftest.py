"""The evidence tests use the platform's personas and small world (tests/platform/conftest.py, loaded by path as
tests/web/conftest.py does), signed-in clients, and real files of each kind made here: a PDF, a PNG, a GIF, a
.docx and .pptx written as Office writes them, an .xlsx written by openpyxl, an OFD, Office 97-2003 compound
files, and the files that must be refused (a web page, an SVG with a script, a program, a plain ZIP ...)."""

from __future__ import annotations

import importlib.util
import io
import struct
import sys
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

_NAME = "jixiao_platform_world"
if _NAME in sys.modules:  # the web tests loaded it already
    platform_world = sys.modules[_NAME]
else:
    _spec = importlib.util.spec_from_file_location(_NAME, Path(__file__).parents[1] / "platform" / "conftest.py")
    assert _spec is not None
    assert _spec.loader is not None
    platform_world = importlib.util.module_from_spec(_spec)
    sys.modules[_NAME] = platform_world  # dataclasses look their module up there
    _spec.loader.exec_module(platform_world)


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = platform_world.FAST_HASHERS


@pytest.fixture(autouse=True)
def _private_files(settings: Any, tmp_path: Path) -> None:
    """Each test its own audit checkpoint file and its own private store (see tests/platform/conftest.py)."""
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.log"
    settings.PRIVATE_ROOT = tmp_path / "private"


@pytest.fixture
def world(db: Any) -> Any:
    """The world; afterwards the audit chain must still verify."""
    from jixiao.audit.services import verify_chain

    yield platform_world.build_world()
    report = verify_chain()
    assert report.ok, report.problems


@pytest.fixture
def client_as() -> Any:
    def client_for(world: Any, persona: str) -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        if persona != "public":
            client.force_login(world.personas[persona])
        return client

    return client_for


# Files ---------------------------------------------------------------------------------------------------------


def pdf() -> bytes:
    """A one-page PDF with a correct cross-reference table."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for k, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % k + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def png(width: int = 2, height: int = 2) -> bytes:
    """A real PNG (RGB, one red pixel per pixel), written with zlib as Pillow would."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


GIF = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b")
JPEG = (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\xff\xdb\x00\x43\x00"
        + bytes(range(64)) + b"\xff\xd9")
WEBP = b"RIFF" + struct.pack("<I", 26) + b"WEBPVP8L" + struct.pack("<I", 14) + b"\x2f" + bytes(13)

OOXML_TYPES = {
    "word": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "ppt": "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    "word-macro": "application/vnd.ms-word.document.macroEnabled.main+xml",
}


def ooxml(folder: str, main: str, content_type: str, *, extra: dict[str, bytes] | None = None,
          first: str = "[Content_Types].xml") -> bytes:
    """An Office Open XML package as Word or PowerPoint writes it (``first`` is the first member: LibreOffice
    and others do not always write ``[Content_Types].xml`` first)."""
    types = (f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
             f'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
             f'relationships+xml"/><Override PartName="/{folder}/{main}" ContentType="{content_type}"/></Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            f'2006/relationships/officeDocument" Target="{folder}/{main}"/></Relationships>')
    members = {"[Content_Types].xml": types.encode(), "_rels/.rels": rels.encode(),
               f"{folder}/{main}": b'<?xml version="1.0"?><document/>', **(extra or {})}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(first, members.pop(first))
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx(**kwargs: Any) -> bytes:
    return ooxml("word", "document.xml", OOXML_TYPES["word"], **kwargs)


def pptx() -> bytes:
    return ooxml("ppt", "presentation.xml", OOXML_TYPES["ppt"])


def docm() -> bytes:
    return ooxml("word", "document.xml", OOXML_TYPES["word-macro"], extra={"word/vbaProject.bin": b"\xd0\xcf"})


def xlsx() -> bytes:
    """A workbook written by openpyxl, as the platform's own exports are."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["指标", "值"])
    sheet.append(["RESP", 96.5])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def ofd() -> bytes:
    return zip_of({"OFD.xml": b'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"/>',
                   "Doc_0/Document.xml": b"<ofd:Document/>"})


def ole2(*streams: str) -> bytes:
    """An OLE2 compound file's header and one directory sector naming ``streams`` (what the check reads)."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16) + b"\x3e\x00\x03\x00\xfe\xff\x09\x00" + bytes(480)
    entries = b""
    for name in ("Root Entry", *streams):
        raw = name.encode("utf-16-le") + b"\x00\x00"
        entries += raw.ljust(64, b"\x00") + struct.pack("<H", len(raw)) + bytes(62)
    return header + entries.ljust(512, b"\x00") + bytes(1024)


HTML = b"<!DOCTYPE html>\n<html><body><script>alert(document.cookie)</script></body></html>\n"
SVG = (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
       b"<script>alert(1)</script><rect width='10' height='10'/></svg>\n")
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(48) + b"This program cannot be run"


def upload(name: str, data: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    """A file as a browser uploads it; the content type it claims is never believed."""
    return SimpleUploadedFile(name, data, content_type=content_type)


def stored_files(root: Path) -> list[Path]:
    """Every file under the private store's evidence folder."""
    folder = root / "evidence"
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


class Files:
    """The builders above, for the test modules (conftest is not importable by them)."""

    pdf = staticmethod(pdf)
    png = staticmethod(png)
    docx = staticmethod(docx)
    pptx = staticmethod(pptx)
    docm = staticmethod(docm)
    xlsx = staticmethod(xlsx)
    ofd = staticmethod(ofd)
    ole2 = staticmethod(ole2)
    zip_of = staticmethod(zip_of)
    upload = staticmethod(upload)
    stored_files = staticmethod(stored_files)
    GIF, JPEG, WEBP, HTML, SVG, EXE = GIF, JPEG, WEBP, HTML, SVG, EXE


@pytest.fixture
def files() -> type[Files]:
    return Files
