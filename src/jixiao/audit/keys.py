"""The audit key: the secret of the trail's HMACs, kept outside the database (docs/audit.md).

``AUDIT_KEY`` (or the file named by ``AUDIT_KEY_FILE``) when set; otherwise, for the embedded default, a
random key made once in ``DATA_DIR/audit.key`` with mode 0600 and read from there ever after.
"""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

KEY_FILE_NAME = "audit.key"
MIN_KEY_LENGTH = 32


def audit_key() -> bytes:
    """The key, as bytes for ``hmac``."""
    configured = settings.AUDIT_KEY
    if configured:
        return str(configured).encode("utf-8")
    return _key_from_file(Path(settings.DATA_DIR) / KEY_FILE_NAME)


def key_source() -> str:
    """Where the key comes from, for messages (never the key itself)."""
    if settings.AUDIT_KEY:
        return "AUDIT_KEY"
    return str(Path(settings.DATA_DIR) / KEY_FILE_NAME)


@lru_cache(maxsize=8)
def _key_from_file(path: Path) -> bytes:
    try:
        text = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        text = _create_key_file(path)
    if len(text) < MIN_KEY_LENGTH:
        raise ImproperlyConfigured(
            f"{path} holds no usable audit key (fewer than {MIN_KEY_LENGTH} characters); "
            "restore the file the trail was written with, or set AUDIT_KEY"
        )
    return text.encode("utf-8")


def _create_key_file(path: Path) -> str:
    """Write a new random key, readable by its owner only. Two processes starting at once must end up with
    one key: each writes a private temporary file and links it into place, which fails for all but the
    first; the others read the winner's key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(key + "\n")
            file.flush()
            os.fsync(file.fileno())
        os.link(temporary, path)
    except FileExistsError:
        return path.read_text(encoding="utf-8").strip()
    finally:
        temporary.unlink(missing_ok=True)
    return key
