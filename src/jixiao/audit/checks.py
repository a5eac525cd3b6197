"""System checks of the audit trail's files (``jixiao manage check``): a checkpoint that cannot be written is
only logged, at each commit, so a bad path would go unnoticed until the protection it gives is needed."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.checks import CheckMessage, Tags, register

from jixiao.audit.keys import KEY_FILE_NAME


@register(Tags.security)
def check_audit_files(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The checkpoint file's folder must exist and be writable; the embedded key file must be its owner's
    only."""
    problems: list[CheckMessage] = []
    folder = Path(settings.AUDIT_CHECKPOINT_FILE).parent
    if not folder.is_dir() or not os.access(folder, os.W_OK):
        problems.append(
            checks.Warning(
                f"The audit checkpoint file's folder {folder} does not exist or is not writable: commits will "
                "not be checkpointed.",
                hint="Create the folder or set AUDIT_CHECKPOINT_FILE (docs/audit.md).",
                id="jixiao.audit.W001",
            )
        )
    key_file = Path(settings.DATA_DIR) / KEY_FILE_NAME
    if not settings.AUDIT_KEY and key_file.exists() and stat.S_IMODE(key_file.stat().st_mode) & 0o077:
        problems.append(
            checks.Warning(
                f"The audit key file {key_file} is readable by others than its owner.",
                hint=f"chmod 600 {key_file}",
                id="jixiao.audit.W002",
            )
        )
    return problems
