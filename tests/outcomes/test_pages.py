"""The pages of using the results, by role, with real requests: proposing, refusals shown beside their fields
(422, nothing made), confirming, exporting, improvement plans, weights, fairness and the annual report."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

from jixiao.outcomes.models import ImprovementPlan, Plan
from jixiao.outcomes.services.plans import do_confirm_plan, do_propose_plan

from .conftest import client_for

PROPOSE = "/app/outcomes/cycle/2025/propose/"


def test_who_opens_what(world: Any) -> None:
    for persona, cycle_page, index in (("admin", 200, 200), ("auditor", 200, 200), ("operator_a", 404, 200),
                                       ("leader", 404, 200), ("rater", 404, 404)):
        client = client_for(world, persona)
        assert client.get("/app/outcomes/cycle/2025/").status_code == cycle_page, persona
        assert client.get("/app/outcomes/").status_code == index, persona
        assert client.get("/app/outcomes/cycle/2025/fairness/").status_code == cycle_page, persona
        assert client.get("/app/outcomes/cycle/2025/weights/").status_code == cycle_page, persona
    assert client_for(world, "public").get("/app/outcomes/").status_code == 302  # to sign in
    auditor = client_for(world, "auditor").get("/app/outcomes/cycle/2025/").content.decode()
    assert 'id="form-bonus"' not in auditor
    office = client_for(world, "admin").get("/app/outcomes/cycle/2025/").content.decode()
    assert 'id="form-bonus"' in office
    assert 'id="form-reserve"' not in office


def test_propose_refused_beside_its_field_then_made_confirmed_and_exported(world: Any) -> None:
    client = client_for(world, "admin")
    bad = client.post(PROPOSE + "bonus/", {"bonus-pool": "10000", "bonus-coefficients": "优秀=1.2"})
    assert bad.status_code == 422
    assert 'id="error-coefficients"' in bad.content.decode()
    assert "合格" in bad.content.decode()
    assert not Plan.objects.exists()
    heads = SimpleUploadedFile("人数.csv", "单位,人数\nA,10\nA1,5\nB,3\n".encode("gb18030"))
    made = client.post(PROPOSE + "bonus/", {"bonus-pool": "1000", "bonus-coefficients": "合格=0.8",
                                            "bonus-headcount": heads})
    plan = Plan.objects.get()
    assert made.status_code == 302
    assert made["Location"] == f"/app/outcomes/plan/{plan.pk}/"
    page = client.get(made["Location"]).content.decode()
    assert "555" in page
    assert "278" in page
    assert "167" in page
    assert "1,000" in page
    confirmed = client.post(f"/app/outcomes/plan/{plan.pk}/confirm/", {"comment": "审定"})
    assert confirmed.status_code == 302
    plan.refresh_from_db()
    assert plan.state == "confirmed"
    export = client.get(f"/app/outcomes/plan/{plan.pk}/export/")
    assert export.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(export.content))
    sheet = book.worksheets[0]
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert 555 in values
    assert 278 in values
    assert 167 in values


def test_a_unit_sees_its_own_rows_of_what_was_confirmed(world: Any) -> None:
    admin = world.personas["admin"]
    plan = do_propose_plan(world.published, "bonus", {"pool": 1000, "coefficients": "合格=0.8",
                                                      "headcounts": {"A": 10, "A1": 5, "B": 3}}, actor=admin)
    op_b = client_for(world, "operator_b")
    assert op_b.get(f"/app/outcomes/plan/{plan.pk}/").status_code == 404  # a proposal is the office's
    do_confirm_plan(plan, actor=admin)
    page = op_b.get(f"/app/outcomes/plan/{plan.pk}/").content.decode()
    assert "机关事务局" in page
    assert "市场监管局东城所" not in page
    api = op_b.get(f"/api/outcomes/plans/{plan.pk}").json()
    assert [r["code"] for r in api["rows"]] == ["B"]
    assert op_b.post(f"/app/outcomes/plan/{plan.pk}/withdraw/", {"comment": "x"}).status_code == 404


def test_improvement_plan_from_the_unit_to_the_office(world: Any) -> None:
    op_b = client_for(world, "operator_b")
    url = "/app/outcomes/cycle/2025/improvement/B/"
    assert client_for(world, "operator_a").get(url).status_code == 404
    short = op_b.post(url, {"text": "整改"})
    assert short.status_code == 422
    assert not ImprovementPlan.objects.exists()
    sent = op_b.post(url, {"text": "压减一般性支出，优化项目结构，按季度报告进展。"})
    plan = ImprovementPlan.objects.get()
    assert sent.status_code == 302
    office = client_for(world, "admin")
    refused = office.post(f"/app/outcomes/improvement/{plan.pk}/", {"step": "return", "comment": ""})
    assert refused.status_code == 422
    office.post(f"/app/outcomes/improvement/{plan.pk}/", {"step": "return", "comment": "请补充完成时限"})
    plan.refresh_from_db()
    assert plan.state == "returned"
    assert "请补充完成时限" in op_b.get(f"/app/outcomes/improvement/{plan.pk}/").content.decode()
    op_b.post(url, {"text": "压减一般性支出，优化项目结构，2026年6月底前完成，按季度报告进展。"})
    plan.refresh_from_db()
    assert plan.state == "submitted"
    assert "6月底" in plan.text


def test_budgets_and_history_uploads(world: Any, tmp_path: Path) -> None:
    client = client_for(world, "admin")
    bad = client.post("/app/outcomes/cycle/2025/budgets/", {"budgets-file": SimpleUploadedFile(
        "预算.csv", "单位代码,项目编号,项目名称,预算金额\nA,P1,信息化,一百万\n".encode("gb18030"))})
    assert bad.status_code == 422
    assert "一百万" in bad.content.decode()
    good = client.post("/app/outcomes/cycle/2025/budgets/", {"budgets-file": SimpleUploadedFile(
        "预算.csv", "单位代码,项目编号,项目名称,预算金额\nA,P1,信息化,1000000\n".encode("gb18030"))})
    assert good.status_code == 302
    broken = client.post("/app/outcomes/history/", {"file": SimpleUploadedFile("h.xlsx", b"not a workbook")})
    assert broken.status_code == 422
    assert client_for(world, "auditor").post("/app/outcomes/history/", {}).status_code == 404


def test_weights_page_proposes_and_accepts(world: Any) -> None:
    client = client_for(world, "admin")
    assert client.post("/app/outcomes/cycle/2025/weights/propose/", {"method": "critic"}).status_code == 302
    page = client.get("/app/outcomes/cycle/2025/weights/").content.decode()
    assert "CRITIC" in page
    assert "诉求响应率" in page
    from jixiao.outcomes.models import WeightSuggestion

    s = WeightSuggestion.objects.get()
    assert client.post(f"/app/outcomes/weights/{s.pk}/accept/", {"comment": ""}).status_code == 302
    s.refresh_from_db()
    assert s.state == "accepted"


def test_fairness_page_and_the_annual_report(world: Any) -> None:
    client = client_for(world, "admin")
    page = client.get("/app/outcomes/cycle/2025/fairness/")
    assert page.status_code == 200
    text = page.content.decode()
    for key in ("ceiling", "quota", "inflation", "rotation", "raters", "renewal"):
        assert f'id="check-{key}"' in text
    pdf = client.get("/app/outcomes/cycle/2025/report.pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content[:5] == b"%PDF-"
    xlsx = client.get("/app/outcomes/cycle/2025/report.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames[:3] == ["总览", "考核结果", "指标得分"]
    assert client.get("/app/outcomes/cycle/2025/report.doc").status_code == 404
    assert client_for(world, "operator_a").get("/app/outcomes/cycle/2025/report.pdf").status_code == 404


def test_a_unit_whose_cut_waits_is_asked_for_its_plan(world: Any, tmp_path: Path) -> None:
    from jixiao.outcomes.services.files import do_import_budgets

    from .conftest import write_csv

    admin = world.personas["admin"]
    do_import_budgets(world.published, write_csv(tmp_path / "b.csv", [["unit", "project", "name", "amount"],
                                                                      ["B", "B-P1", "后勤", "1000000"]]), actor=admin)
    plan = do_propose_plan(world.published, "budget", {"percents": "合格=-10", "cut_waits_for_plan": True},
                           actor=admin)
    do_confirm_plan(plan, actor=admin)
    page = client_for(world, "operator_b").get("/app/outcomes/").content.decode()
    assert 'href="/app/outcomes/cycle/2025/improvement/B/"' in page
    assert "-100000" in page  # B's cut, waiting
    other = client_for(world, "operator_a").get("/app/outcomes/").content.decode()
    assert "/improvement/" not in other  # A has no project budget, so no cut waits for it
