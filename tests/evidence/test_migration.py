"""Migration 0002 turns the files attached to values before this app (``collection.Value.evidence``, in the
public media path) into Evidence rows: copied into the private store with the content type their content shows,
size and SHA-256, the originals left where they were; a missing file is skipped, and running it again adds
nothing."""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# serialized_rollback: the migrations run here touch tables that other apps' migrations filled (see
# tests/platform/test_audit_migration.py).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [("evidence", "0001_initial")]
AFTER = [("evidence", "0002_copy_value_evidence")]


def _migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def before_copy(world: Any) -> Iterator[Any]:
    """The database as it was before the copy (evidence at 0001; ``Value.evidence`` still there)."""
    apps = _migrate(BEFORE)
    try:
        yield apps
    finally:
        _migrate(_latest())


def test_files_attached_to_values_become_evidence_rows(before_copy: Any, world: Any, files: Any,
                                                       settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    value_model = before_copy.get_model("collection", "Value")
    legacy = {"RESP": ("evidence/2026/03/报表.pdf", files.pdf()), "DAYS": ("evidence/2026/03/page.html", files.HTML),
              "EXEC": ("evidence/2026/03/gone.pdf", None)}
    for indicator, (name, data) in legacy.items():
        if data is not None:
            (settings.MEDIA_ROOT / name).parent.mkdir(parents=True, exist_ok=True)
            (settings.MEDIA_ROOT / name).write_bytes(data)
        value_model.objects.filter(subject__cycle__code=world.open.code, subject__code="A",
                                   indicator=indicator).update(evidence=name)

    apps = _migrate(AFTER)  # the models as they are right after the copy (later migrations change Value)
    evidence_model = apps.get_model("evidence", "Evidence")
    rows = {e.indicator: e for e in evidence_model.objects.filter(subject__code="A").select_related("value")}
    assert sorted(rows) == ["DAYS", "RESP"]  # the missing file is skipped
    pdf = rows["RESP"]
    assert (pdf.name, pdf.content_type, pdf.size) == ("报表.pdf", "application/pdf", len(files.pdf()))
    assert pdf.sha256 == hashlib.sha256(files.pdf()).hexdigest()
    assert pdf.value.indicator == "RESP"
    assert pdf.value.evidence.name == legacy["RESP"][0]
    assert pdf.uploaded_at == pdf.value.entered_at
    assert pdf.uploaded_by_id == pdf.value.entered_by_id
    assert pdf.replaced_at is None
    assert Path(pdf.file.path).is_relative_to(Path(settings.PRIVATE_ROOT))
    assert Path(pdf.file.path).read_bytes() == files.pdf()
    assert rows["DAYS"].content_type == "application/octet-stream"  # kept, and only ever downloaded
    assert (settings.MEDIA_ROOT / legacy["RESP"][0]).exists()  # the original is left where it was

    migration = importlib.import_module("jixiao.evidence.migrations.0002_copy_value_evidence")
    migration.copy_value_evidence(apps, None)  # a second run adds nothing
    assert evidence_model.objects.count() == 2
