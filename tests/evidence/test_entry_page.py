"""Evidence through the data-entry page, end to end: a file over the limit is refused while it arrives and the
page says which file, for which item, and why; a file of the wrong kind is refused beside its item; a good one
is attached and listed in the item's history. Nothing is silently dropped."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from jixiao.collection.models import Value
from jixiao.evidence.models import Evidence


def _post(world: Any, client: Any, upload: SimpleUploadedFile) -> Any:
    """The operator's save of the page with one evidence file for EXEC and its value as it was shown."""
    stored = Value.objects.get(subject=world.subject(world.open, world.unit_a), indicator="EXEC")
    shown = f"{stored.value:g}"
    url = f"/app/cycles/{world.open.code}/entry/A/"
    return client.post(url, {"action": "save", "v_EXEC": shown, "o_EXEC": shown, "ver_EXEC": stored.version,
                             "e_EXEC": upload})


def test_an_oversized_file_is_refused_on_the_way_in_and_the_page_says_so(
        world: Any, client_as: Any, files: Any, settings: Any) -> None:
    settings.EVIDENCE_MAX_BYTES = 1000
    r = _post(world, client_as(world, "operator_a"), SimpleUploadedFile("扫描件.pdf", files.pdf() + b"0" * 5000))
    assert r.status_code == 422
    page = r.content.decode()
    assert "扫描件.pdf" in page  # the file, the item and the limit are named in the error beside the item
    assert "1000" in page
    assert not Evidence.objects.exists()
    assert files.stored_files(Path(settings.PRIVATE_ROOT)) == []


def test_a_file_of_the_wrong_kind_is_refused_beside_its_item(world: Any, client_as: Any, files: Any,
                                                             settings: Any) -> None:
    r = _post(world, client_as(world, "operator_a"), SimpleUploadedFile("通知.pdf", files.HTML,
                                                                        content_type="application/pdf"))
    assert r.status_code == 422
    assert "通知.pdf" in r.content.decode()
    assert not Evidence.objects.exists()
    assert files.stored_files(Path(settings.PRIVATE_ROOT)) == []


def test_a_good_file_is_attached_and_shown_in_the_items_history(world: Any, client_as: Any, files: Any) -> None:
    client = client_as(world, "operator_a")
    r = _post(world, client, SimpleUploadedFile("执行表.xlsx", files.xlsx()))
    assert r.status_code == 302
    evidence = Evidence.objects.get()
    assert (evidence.indicator, evidence.name, evidence.uploaded_by) == ("EXEC", "执行表.xlsx",
                                                                         world.personas["operator_a"])
    page = client.get(r["Location"]).content.decode()
    assert f'href="/app/evidence/{evidence.pk}/"' in page
