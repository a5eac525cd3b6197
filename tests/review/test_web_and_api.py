"""Appeals through the pages and the API, as the unit and the office use them: the operator drafts with an
evidence file (checked by content, opened only by who may see the appeal), the leader signs, the office decides;
bad input is refused with a message naming the field and changes nothing; the API answers the same."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from jixiao.review.choices import AppealState
from jixiao.review.models import Appeal

from .conftest import client_for, in_publicity

PDF = (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>"
       b"\nendobj\nxref\n0 3\n0000000000 65535 f \n0000000009 00000 n \n0000000058 00000 n \ntrailer\n"
       b"<< /Size 3 /Root 1 0 R >>\nstartxref\n110\n%%EOF\n")


def _now_in_publicity(world: Any) -> Any:
    return in_publicity(world, start=timezone.now() - timedelta(days=1))


def test_the_unit_drafts_with_evidence_the_leader_signs_and_only_they_and_the_office_open_it(world: Any) -> None:
    cycle = _now_in_publicity(world)
    op = client_for(world, "operator_a")
    page = op.get(f"/app/review/{cycle.code}/appeals/")
    assert "起草申诉" in page.content.decode()
    answer = op.post(f"/app/review/{cycle.code}/appeals/new/", {
        "unit": "A", "target": "indicator", "indicator": "EXEC", "grounds": "预算已调整，执行率应重算",
        "cited": "EXEC 预算执行率", "evidence": SimpleUploadedFile("批复.pdf", PDF, content_type="application/pdf")})
    appeal = Appeal.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == f"/app/appeals/{appeal.pk}/"
    assert appeal.evidence_name == "批复.pdf"
    download = op.get(f"/app/appeals/{appeal.pk}/evidence/")
    assert download.status_code == 200
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert client_for(world, "operator_b").get(f"/app/appeals/{appeal.pk}/evidence/").status_code == 404
    assert client_for(world, "rater").get(f"/app/appeals/{appeal.pk}/").status_code == 404
    # the operator cannot sign; the leader can
    op.post(f"/app/appeals/{appeal.pk}/sign/")
    appeal.refresh_from_db()
    assert appeal.state == AppealState.DRAFT
    client_for(world, "leader").post(f"/app/appeals/{appeal.pk}/sign/")
    appeal.refresh_from_db()
    assert appeal.state == AppealState.LODGED
    office = client_for(world, "admin")
    page = office.get(f"/app/appeals/{appeal.pk}/").content.decode()
    assert 'id="accept"' in page
    assert 'id="schedule"' in page


def test_bad_input_is_refused_by_field_and_nothing_is_stored(world: Any) -> None:
    cycle = _now_in_publicity(world)
    op = client_for(world, "operator_a")
    html = SimpleUploadedFile("说明.html", b"<html><script>alert(1)</script></html>", content_type="application/pdf")
    answer = op.post(f"/app/review/{cycle.code}/appeals/new/", {
        "unit": "A", "target": "total", "grounds": "总分有误", "evidence": html}, follow=True)
    assert "说明.html" in answer.content.decode()
    answer = op.post(f"/app/review/{cycle.code}/appeals/new/", {"unit": "A", "target": "total", "grounds": ""},
                     follow=True)
    assert "申诉理由" in answer.content.decode()
    answer = op.post(f"/app/review/{cycle.code}/appeals/new/", {"unit": "B", "target": "total", "grounds": "有误"},
                     follow=True)
    # another unit's results are public, its appeals are not this operator's to draft
    assert "申诉只能由本单位填报员起草" in answer.content.decode()
    assert not Appeal.objects.exists()


def test_the_office_decides_with_corrections_written_as_lines(world: Any) -> None:
    cycle = _now_in_publicity(world)
    from jixiao.review.services import do_draft_appeal, do_sign_appeal

    appeal = do_sign_appeal(do_draft_appeal(world.subject(cycle, world.unit_a), actor=world.personas["operator_a"],
                                            target="indicator", indicator="EXEC", grounds="有误"),
                            actor=world.personas["leader"])
    office = client_for(world, "admin")
    bad = office.post(f"/app/appeals/{appeal.pk}/accept/", {"reason": "属实", "corrections": "EXEC 99"}, follow=True)
    assert "第 1 行" in bad.content.decode()
    refused = office.post(f"/app/appeals/{appeal.pk}/accept/", {"reason": "属实", "corrections": "EXEC = -5"},
                          follow=True)
    assert "EXEC" in refused.content.decode() or "预算执行率" in refused.content.decode()
    appeal.refresh_from_db()
    assert appeal.state == AppealState.LODGED
    office.post(f"/app/appeals/{appeal.pk}/accept/", {"reason": "属实", "corrections": "EXEC = 99"})
    appeal.refresh_from_db()
    assert appeal.state == AppealState.ACCEPTED
    assert appeal.corrections.get().after == 99


def test_the_api_takes_the_same_steps(world: Any) -> None:
    cycle = _now_in_publicity(world)
    op, leader, office = (client_for(world, p) for p in ("operator_a", "leader", "admin"))
    body = json.dumps({"unit": "A", "target": "grade", "grounds": "等次有误"})
    made = op.post(f"/api/appeals/{cycle.code}/draft", body, content_type="application/json")
    assert made.status_code == 200, made.content
    pk = made.json()["id"]
    assert client_for(world, "public").get(f"/api/appeals/{cycle.code}/").status_code == 401
    assert client_for(world, "operator_b").get(f"/api/appeals/appeal/{pk}").status_code == 404
    refused = op.post(f"/api/appeals/appeal/{pk}/sign", "{}", content_type="application/json")
    assert refused.status_code == 409
    assert leader.post(f"/api/appeals/appeal/{pk}/sign", "{}", content_type="application/json").json()["state"] == \
        "lodged"
    answer = office.post(f"/api/appeals/appeal/{pk}/reject", json.dumps({"reason": "不成立"}),
                         content_type="application/json")
    assert answer.json()["state"] == "rejected"
    assert [s["step"] for s in answer.json()["steps"]] == ["draft", "sign", "reject"]
    assert [a["id"] for a in op.get(f"/api/appeals/{cycle.code}/").json()] == [pk]


def test_the_navigation_marks_only_the_page_one_is_on(world: Any) -> None:
    import re

    office = client_for(world, "admin")

    def current(url: str) -> list[str]:
        html = office.get(url).content.decode()
        return re.findall(r'<a href="([^"]+)" class="active" aria-current="page">', html)

    assert current("/app/") == ["/app/"]
    assert current("/app/cycles/") == ["/app/cycles/"]
    assert current(f"/app/review/{world.closed.code}/") == []  # reached through the cycle's tabs, not the menu
    assert current("/") == ["/"]
