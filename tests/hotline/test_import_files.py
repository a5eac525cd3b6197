"""Ticket exports as files: UTF-8 with English headers, GBK with Chinese headers and .xlsx store the same
tickets; the upload page runs them as import jobs; ``jixiao tickets import`` refuses a bad file with status 2."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from jixiao.audit.models import AuditEvent
from jixiao.hotline.choices import HotlineAction
from jixiao.hotline.models import Ticket, TicketBatch
from jixiao.hotline.services.tickets import do_import_tickets
from jixiao.imports.choices import JobState
from jixiao.imports.models import ImportJob

EN = ["id", "received_at", "text", "category", "unit", "urgency", "responded_at", "closed_at", "resolution",
      "satisfaction", "channel", "district", "street", "co_units", "transfers"]
ZH = ["工单编号", "受理时间", "诉求内容", "问题分类", "承办单位", "紧急程度", "响应时间", "办结时间", "办理结果",
      "满意度", "来源渠道", "所属区", "所属街道", "协办单位", "转办次数"]
ROWS = [
    ["H001", "2025-04-01 08:00:00", "门口有人摆摊", "市容环境/市容秩序/占道经营", "A", "一般", "2025-04-01 09:00:00",
     "2025-04-02 10:00:00", "已解决", "满意", "电话", "东城区", "东华门街道", "城市管理局、A1", "1"],
    ["H002", "2025/4/1 9:05", "路灯坏了", "路灯损坏", "城市管理局", "紧急", "", "", "", "", "网站", "西城区", "", "",
     ""],
    ["H003", "2025-05-02 10:00:00", "噪音扰民", "环境保护/噪声", "某某办", "", "", "", "", "", "电话", "", "", "", "0"],
]
FIELDS = ("number", "received_at", "text", "category_id", "category_by", "unit_id", "unit_text", "urgency",
          "responded_at", "closed_at", "resolution", "satisfaction", "channel", "district", "street", "co_units",
          "transfers")


def write_csv(path: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8") -> Path:
    path.write_bytes(("\n".join(",".join(r) for r in [header, *rows]) + "\n").encode(encoding))
    return path


def write_xlsx(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [header, *rows]:
        sheet.append(row)
    book.save(path)
    return path


def stored() -> list[tuple[Any, ...]]:
    return list(Ticket.objects.order_by("number").values_list(*FIELDS))


def test_utf8_english_gbk_chinese_and_xlsx_store_the_same_tickets(hotline_world: Any, tmp_path: Path) -> None:
    admin = hotline_world.personas["admin"]
    files = [write_csv(tmp_path / "en.csv", EN, ROWS), write_csv(tmp_path / "zh.csv", ZH, ROWS, "gbk"),
             write_xlsx(tmp_path / "zh.xlsx", ZH, ROWS)]
    results = []
    for path in files:
        Ticket.objects.all().delete()
        batch = do_import_tickets(path, actor=admin)
        assert (batch.created, batch.unmatched_units, batch.unmatched_categories) == (3, 1, 1), path.name
        results.append(stored())
    assert results[0] == results[1] == results[2]
    h1 = Ticket.objects.get(number="H001")
    assert h1.co_units == "城市管理局;A1"
    assert h1.unit == hotline_world.unit_a
    assert Ticket.objects.get(number="H002").category.code == "020101"  # a unique level-3 name
    event = AuditEvent.objects.filter(action=HotlineAction.IMPORT).order_by("seq").last()
    assert event is not None
    assert event.after["file"] == "zh.xlsx"
    assert len(event.after["sha256"]) == 64


def test_a_bad_file_is_refused_by_row_and_column_in_chinese(hotline_world: Any, tmp_path: Path) -> None:
    bad = [*ROWS, ["H004", "2025-13-01 08:00", "", "", "", "", "", "", "", "还行", "", "", "", "", ""]]
    from jixiao.core.errors import ImportRefusedError

    with pytest.raises(ImportRefusedError) as caught:
        do_import_tickets(write_csv(tmp_path / "zh.csv", ZH, bad, "gbk"), actor=hotline_world.personas["admin"])
    assert {(p[1], p[2]) for p in caught.value.problems} == {(5, "受理时间"), (5, "满意度")}
    assert not Ticket.objects.exists()
    assert not TicketBatch.objects.exists()


def test_the_upload_page_imports_a_ticket_export_as_a_job(hotline_world: Any, settings: Any) -> None:
    settings.IMPORT_JOBS_INLINE = True
    client = hotline_world.client("admin")
    data = ("\n".join(",".join(r) for r in [ZH, *ROWS]) + "\n").encode("gbk")
    r = client.post("/app/imports/new/", {"kind": "tickets", "file": SimpleUploadedFile("工单.csv", data)})
    assert r.status_code == 302, r.content.decode()[:2000]
    job = ImportJob.objects.get()
    assert job.state == JobState.DONE, job.problems
    assert job.counts["rows"] == 3
    assert job.counts["created"] == 3
    assert Ticket.objects.count() == 3
    actions = list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))[-3:]
    assert actions == ["import.start", "hotline.import", "import.finish"]


def test_a_refused_upload_keeps_its_problems_with_row_and_column_in_chinese(
    hotline_world: Any, settings: Any
) -> None:
    settings.IMPORT_JOBS_INLINE = True
    client = hotline_world.client("admin")
    do_import_tickets_rows = [ROWS[0]]
    first = ("\n".join(",".join(r) for r in [ZH, *do_import_tickets_rows]) + "\n").encode("utf-8")
    client.post("/app/imports/new/", {"kind": "tickets", "file": SimpleUploadedFile("一月.csv", first)})
    moved = [["H001", "2025-04-01 08:30:00", *ROWS[0][2:]]]
    data = ("\n".join(",".join(r) for r in [ZH, *moved]) + "\n").encode("utf-8")
    client.post("/app/imports/new/", {"kind": "tickets", "file": SimpleUploadedFile("二月.csv", data)})
    job = ImportJob.objects.order_by("pk").last()
    assert job is not None
    assert job.state == JobState.REFUSED
    assert job.problems[0].startswith("二月.csv 第 2 行“受理时间”列：")
    assert "H001" in job.problems[0]
    page = client.get(f"/app/imports/{job.pk}/").content.decode()
    assert "二月.csv 第 2 行“受理时间”列" in page
    assert Ticket.objects.get().received_at.minute == 0


def test_the_command_imports_and_reports_the_counts(hotline_world: Any, tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command("tickets", "import", str(write_csv(tmp_path / "en.csv", EN, ROWS)), stdout=out, stderr=err)
    assert "3 tickets" in out.getvalue()
    assert "3 new" in out.getvalue()
    assert "checking: 3 rows" in err.getvalue()  # not a terminal: a line per phase
    assert Ticket.objects.count() == 3


def test_the_command_exits_2_on_a_bad_file_and_imports_nothing(hotline_world: Any, tmp_path: Path) -> None:
    bad = [*ROWS, ["H004", "", "", "", "", "", "", "", "", "", "", "", "", "", ""]]
    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("tickets", "import", str(write_csv(tmp_path / "bad.csv", EN, bad)), stderr=err)
    assert caught.value.returncode == 2
    assert "Nothing was imported." in str(caught.value)
    assert "bad.csv 第 5 行“received_at”列" in err.getvalue()
    assert not Ticket.objects.exists()


def test_the_progress_bar_redraws_in_place_on_a_terminal() -> None:
    from jixiao.hotline.management.commands.tickets import Bar

    out = io.StringIO()
    bar = Bar(out, tty=True)
    bar("read", 1_000_000)
    bar("checking", 520_000)
    bar("saving", 1_000_000)
    bar.end()
    text = out.getvalue()
    assert "\r[" + "#" * 16 + " " * 14 + "]  52% 520,000/1,000,000 checking" in text
    assert text.endswith("100% 1,000,000/1,000,000 saving   \n")
