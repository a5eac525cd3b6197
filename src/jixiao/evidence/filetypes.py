"""What an uploaded evidence file is, by its content: the allow-list and its checks.

Only these kinds are taken, each recognised by its content and named with one of its extensions:

- PDF (``%PDF-``), PNG, JPEG, GIF and WebP images (their signatures);
- Office Open XML (.docx, .xlsx, .pptx): a ZIP holding ``[Content_Types].xml`` and a ``word/``, ``xl/`` or
  ``ppt/`` folder, without macros (no ``macroEnabled`` content type, no ``vbaProject.bin``);
- Office 97-2003 (.doc, .xls, .ppt): an OLE2 compound file whose directory names a ``WordDocument``,
  ``Workbook`` (or ``Book``) or ``PowerPoint Document`` stream, without a VBA project;
- OFD (GB/T 33190, the Chinese e-document format of e-invoices and official papers): a ZIP holding ``OFD.xml``.

Everything else is refused and named: a web page, an SVG (an "image" that can carry scripts), XML, a script, a
program, a plain ZIP or other archive, a password-protected Office file, text, or something unknown. A file
whose name contradicts its content (a PNG named .pdf) is refused too: it is downloaded under its name, and the
name must not make a program open it as something else.

No library does this: ``filetype`` (unreleased since 2022) tells OOXML from ZIP only by the first member's
name and mistakes many real .docx files for plain ZIPs; ``puremagic`` 2 looks inside ZIPs but needs Python 3.12;
``python-magic`` needs the C libmagic. The checks below are a dozen signatures and a look at a ZIP's member
names with the standard library.
"""

from __future__ import annotations

import codecs
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext_lazy as _

from jixiao.evidence.choices import FileKind
from jixiao.evidence.errors import EvidenceRefusedError


@dataclass(frozen=True)
class Allowed:
    """A kind of file taken as evidence: the content type it is served with and the extensions it may have."""

    content_type: str
    extensions: tuple[str, ...]


ALLOWED: dict[FileKind, Allowed] = {
    FileKind.PDF: Allowed("application/pdf", (".pdf",)),
    FileKind.PNG: Allowed("image/png", (".png",)),
    FileKind.JPEG: Allowed("image/jpeg", (".jpg", ".jpeg")),
    FileKind.GIF: Allowed("image/gif", (".gif",)),
    FileKind.WEBP: Allowed("image/webp", (".webp",)),
    FileKind.DOCX: Allowed("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",)),
    FileKind.XLSX: Allowed("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)),
    FileKind.PPTX: Allowed("application/vnd.openxmlformats-officedocument.presentationml.presentation", (".pptx",)),
    FileKind.DOC: Allowed("application/msword", (".doc",)),
    FileKind.XLS: Allowed("application/vnd.ms-excel", (".xls",)),
    FileKind.PPT: Allowed("application/vnd.ms-powerpoint", (".ppt",)),
    FileKind.OFD: Allowed("application/ofd", (".ofd",)),
}

SIGNATURES: tuple[tuple[bytes, FileKind], ...] = (
    (b"%PDF-", FileKind.PDF),
    (b"\x89PNG\r\n\x1a\n", FileKind.PNG),
    (b"\xff\xd8\xff", FileKind.JPEG),
    (b"GIF87a", FileKind.GIF),
    (b"GIF89a", FileKind.GIF),
)
ZIP = (b"PK\x03\x04", b"PK\x05\x06")  # a ZIP's first member, or the end record of an empty ZIP
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
HEAD = 4096

# What a refused file is, completing "it is ...".
PROGRAM = _("a program")
SCRIPT = _("a script")
HTML = _("a web page (HTML)")
SVG = _("an SVG image, which can carry scripts")
XML = _("an XML file")
ZIP_ARCHIVE = _("a ZIP archive (not an Office or OFD document)")
ARCHIVE = _("a compressed archive")
DAMAGED_ZIP = _("a damaged ZIP file")
ENCRYPTED = _("a password-protected Office document")
OTHER_OLE = _("an Office compound file that is not a Word, Excel or PowerPoint document")
TEXT = _("a text file")
UNKNOWN = _("a file of a kind that is not recognised")

PROGRAMS = (b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"\x00asm")
ARCHIVES = (b"Rar!\x1a\x07", b"7z\xbc\xaf\x27\x1c", b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00")


def _ole_name(name: str) -> bytes:
    """A stream's name as an OLE2 directory entry holds it: UTF-16LE, ended by a NUL character."""
    return name.encode("utf-16-le") + b"\x00\x00"


OLE_STREAMS: tuple[tuple[bytes, FileKind], ...] = (
    (_ole_name("WordDocument"), FileKind.DOC),
    (_ole_name("Workbook"), FileKind.XLS),
    (_ole_name("Book"), FileKind.XLS),  # Excel 5/95 workbooks, which Excel 97-2003 also reads
    (_ole_name("PowerPoint Document"), FileKind.PPT),
)
OLE_VBA = "_VBA_PROJECT".encode("utf-16-le")  # the VBA project of a .doc (Macros/VBA) or .xls (_VBA_PROJECT_CUR)
OLE_ENCRYPTED = _ole_name("EncryptedPackage")  # an OOXML document saved with a password


def inspect_file(uploaded: Any, name: str | None = None) -> tuple[str, FileKind]:
    """The content type and kind of ``uploaded`` (a Django ``File``, or any seekable binary file) by its content,
    or ``EvidenceRefusedError`` naming the file and why. ``name`` defaults to the file's own name. Reads the head
    of the file, and the rest only for a ZIP's directory or an OLE2 file's stream names; leaves the file at its
    start."""
    name = Path(name if name is not None else getattr(uploaded, "name", "") or "").name
    try:
        uploaded.seek(0)
        head = uploaded.read(HEAD)
        if not head:
            raise EvidenceRefusedError.because(name, EvidenceRefusedError.EMPTY)
        kinds = _kinds(uploaded, name, head)
    finally:
        uploaded.seek(0)
    suffix = Path(name).suffix.lower()
    kind = next((k for k in kinds if suffix in ALLOWED[k].extensions), None)
    if kind is None:
        allowed = ALLOWED[kinds[0]]
        extensions = " / ".join(allowed.extensions)
        reason = EvidenceRefusedError.WRONG_NAME if suffix else EvidenceRefusedError.NO_EXTENSION
        raise EvidenceRefusedError.because(name, reason, what=kinds[0].label, suffix=suffix, extensions=extensions)
    return ALLOWED[kind].content_type, kind


def _kinds(uploaded: IO[bytes], name: str, head: bytes) -> list[FileKind]:
    """The allowed kinds the content is (a ZIP may be two at once), else the refusal saying what it is."""
    for signature, kind in SIGNATURES:
        if head.startswith(signature):
            return [kind]
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return [FileKind.WEBP]
    if head.startswith(ZIP):
        return _zip_kinds(uploaded, name)
    if head.startswith(OLE2):
        return _ole_kinds(uploaded, name)
    raise EvidenceRefusedError.because(name, EvidenceRefusedError.NOT_ALLOWED, what=describe(head))


def _zip_kinds(uploaded: IO[bytes], name: str) -> list[FileKind]:
    """An Office Open XML or OFD document, by the names of the ZIP's members (nothing is extracted but the small
    ``[Content_Types].xml``)."""
    try:
        with zipfile.ZipFile(uploaded) as archive:  # leaves ``uploaded`` open: it was passed in
            names = archive.namelist()
            kinds = [FileKind.OFD] if "OFD.xml" in names else []
            if "[Content_Types].xml" in names:
                with archive.open("[Content_Types].xml") as member:
                    types = member.read(1 << 20)
                if b"macroEnabled" in types or any(n.lower().endswith("vbaproject.bin") for n in names):
                    raise EvidenceRefusedError.because(name, EvidenceRefusedError.MACROS)
                for prefix, kind in (("word/", FileKind.DOCX), ("xl/", FileKind.XLSX), ("ppt/", FileKind.PPTX)):
                    if any(n.startswith(prefix) for n in names):
                        kinds.append(kind)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, RuntimeError,
            NotImplementedError, ValueError):
        raise EvidenceRefusedError.because(name, EvidenceRefusedError.NOT_ALLOWED, what=DAMAGED_ZIP) from None
    if not kinds:
        raise EvidenceRefusedError.because(name, EvidenceRefusedError.NOT_ALLOWED, what=ZIP_ARCHIVE)
    return kinds


def _ole_kinds(uploaded: IO[bytes], name: str) -> list[FileKind]:
    """A Word, Excel or PowerPoint 97-2003 file, by the stream names in the compound file's directory."""
    found = _find(uploaded, [OLE_VBA, OLE_ENCRYPTED, *(needle for needle, _kind in OLE_STREAMS)])
    if OLE_VBA in found:
        raise EvidenceRefusedError.because(name, EvidenceRefusedError.MACROS)
    kinds = list(dict.fromkeys(kind for needle, kind in OLE_STREAMS if needle in found))
    if kinds:
        return kinds
    what = ENCRYPTED if OLE_ENCRYPTED in found else OTHER_OLE
    raise EvidenceRefusedError.because(name, EvidenceRefusedError.NOT_ALLOWED, what=what)


def _find(uploaded: IO[bytes], needles: Iterable[bytes], chunk: int = 1 << 20) -> set[bytes]:
    """Which of ``needles`` occur in the file, read a chunk at a time (a needle across two chunks is found)."""
    wanted = set(needles)
    keep = max(len(n) for n in wanted) - 1
    found: set[bytes] = set()
    uploaded.seek(0)
    tail = b""
    while wanted - found:
        block = uploaded.read(chunk)
        if not block:
            break
        window = tail + block
        found |= {n for n in wanted - found if n in window}
        tail = window[-keep:]
    return found


def describe(head: bytes) -> Any:
    """What a file that is none of the allowed kinds is, from its first bytes, for the refusal."""
    if head.startswith(PROGRAMS):
        return PROGRAM
    if head.startswith(ARCHIVES):
        return ARCHIVE
    text = _text(head)
    if text is None:
        return UNKNOWN
    start = text.lstrip("\ufeff \t\r\n").lower()
    if start.startswith(("<!doctype html", "<html")):
        return HTML
    if "<svg" in start:
        return SVG
    if any(tag in start for tag in ("<html", "<script", "<body", "<iframe", "<head")):
        return HTML
    if start.startswith("<?xml"):
        return XML
    if start.startswith("#!"):
        return SCRIPT
    return TEXT


def _text(head: bytes) -> str | None:
    """``head`` as text (UTF-8, UTF-16 with its byte-order mark, or GB18030), or None when it is binary."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return head.decode("utf-16", "replace")
    if b"\x00" in head:
        return None
    for encoding in ("utf-8", "gb18030"):
        try:
            return head.decode(encoding)
        except UnicodeDecodeError as exc:
            if exc.start >= len(head) - 4:  # a character cut off by the end of the head
                return head[: exc.start].decode(encoding, "replace")
    return None
