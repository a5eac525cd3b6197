"""Three-party checks end to end with hand-worked numbers: the sample, the finance review and verification, the
gaps and flags per unit, applying a verified value through the value's own audited path, and the refusals."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jixiao.audit.models import AuditEvent
from jixiao.collection.models import Value
from jixiao.collection.services import do_set_value
from jixiao.core.errors import PermissionDeniedError
from jixiao.evidence.errors import EvidenceRefusedError
from jixiao.review.models import Correction
from jixiao.verification.choices import ItemState
from jixiao.verification.errors import CheckInputError, CheckStateError, StaleValueError
from jixiao.verification.models import CheckItem, CheckRound
from jixiao.verification.services import (
    do_add_check_item,
    do_apply_check_item,
    do_draw_round,
    do_review_check_item,
    do_verify_check_item,
    unit_rows,
)

from .conftest import DAY, full_round, item


def _sample(rnd: CheckRound) -> list[tuple[str, str, float, int]]:
    return sorted(CheckItem.objects.filter(round=rnd).values_list("subject__code", "indicator", "self_value",
                                                                  "self_version"))


def test_the_sample_is_reproducible_from_its_seed_and_covers_every_unit(world: Any) -> None:
    admin = world.personas["admin"]
    first = do_draw_round(world.open, actor=admin, name="第一批", per_unit=1, seed=11)
    again = do_draw_round(world.open, actor=admin, name="第一批（复抽）", per_unit=1, seed=11)
    assert _sample(first) == _sample(again)
    assert {row[0] for row in _sample(first)} == {"A", "A1", "B"}
    assert len(_sample(first)) == 3
    # Only the units' own items: EXEC, ONSITE and NEG (RESP and DAYS come from the hotline and a system).
    assert {row[1] for row in _sample(first)} <= {"EXEC", "ONSITE", "NEG"}
    event = AuditEvent.objects.filter(action="check_round.draw").order_by("seq").first()
    assert event is not None
    assert (event.after["seed"], event.after["units"], event.after["items"]) == (11, 3, 3)


def test_a_round_without_a_seed_records_the_one_it_drew(world: Any) -> None:
    rnd = do_draw_round(world.open, actor=world.personas["admin"], name="随机", per_unit=2)
    copy = do_draw_round(world.open, actor=world.personas["admin"], name="复抽", per_unit=2, seed=rnd.seed)
    assert _sample(rnd) == _sample(copy)
    # A has EXEC, ONSITE, NEG: two; A1 the same; B has EXEC and NEG: both.
    assert len(_sample(rnd)) == 6


def test_the_items_keep_the_self_reported_value_and_its_version(world: Any) -> None:
    rnd = full_round(world, verify=False)
    assert (item(rnd, "A", "EXEC").self_value, item(rnd, "A", "EXEC").self_version) == (97.0, 1)
    assert CheckItem.objects.filter(round=rnd).count() == 8  # A 3, A1 3, B 2


def test_gaps_and_flags_per_unit_hand_worked(world: Any) -> None:
    rnd = full_round(world)
    rows = {r.subject.code: r for r in unit_rows(rnd, list(CheckItem.objects.filter(round=rnd)
                                                          .select_related("subject")))}
    # A: EXEC 97 vs 71 (26/71, over), ONSITE 1.5 h vs 2.0 h (lower is better: 0.5/2, over); NEG not verified.
    assert rows["A"].mean_gap == pytest.approx((26 / 71 + 0.5 / 2) / 2)  # 0.30810
    assert (rows["A"].verified, rows["A"].over, rows["A"].flagged) == (2, 2, True)
    # A1: EXEC 96 vs 88: 8/88 = 9.09 %, over, under the 10 % threshold.
    assert rows["A1"].mean_gap == pytest.approx(8 / 88)
    assert (rows["A1"].over, rows["A1"].flagged) == (1, False)
    # B: EXEC 95 vs 96 (under-reported, 1/96), NEG 2 vs 2.
    assert rows["B"].mean_gap == pytest.approx((1 / 96 + 0) / 2)
    assert (rows["B"].over, rows["B"].flagged) == (0, False)
    # The flagged unit first, then by mean gap.
    ordered = [r.subject.code for r in unit_rows(rnd, list(CheckItem.objects.filter(round=rnd)
                                                           .select_related("subject")))]
    assert ordered == ["A", "A1", "B"]


def test_a_lower_threshold_flags_a1_too(world: Any) -> None:
    rnd = full_round(world)
    CheckRound.objects.filter(pk=rnd.pk).update(threshold=0.09)
    rnd.refresh_from_db()
    rows = unit_rows(rnd, list(CheckItem.objects.filter(round=rnd).select_related("subject")))
    assert [r.subject.code for r in rows if r.flagged] == ["A", "A1"]


def test_the_finance_review_keeps_its_reviewed_value(world: Any) -> None:
    rnd = full_round(world, verify=False)
    b = item(rnd, "B", "EXEC")
    assert (b.finance, b.finance_value, b.reviewed_value, b.state) == ("adjusted", 95.5, 95.5, "reviewed")
    assert item(rnd, "A", "EXEC").reviewed_value == 97.0
    with pytest.raises(CheckInputError):  # not agreeing needs a note
        do_review_check_item(b, actor=world.personas["auditor"], agrees=False, value=95.0, note="")


def test_applying_writes_the_value_through_the_normal_path_with_its_event_and_version(world: Any) -> None:
    rnd = full_round(world)
    a = item(rnd, "A", "EXEC")
    seq = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
    applied = do_apply_check_item(a, actor=world.personas["admin"])
    value = Value.objects.get(subject__code="A", subject__cycle=world.open, indicator="EXEC")
    assert (value.value, value.version, value.source) == (71.0, 2, "manual")
    assert value.note.startswith("第三方核查：")
    assert (applied.state, applied.applied_version) == (ItemState.APPLIED, 2)
    events = list(AuditEvent.objects.filter(seq__gt=seq).order_by("seq").values_list("action", flat=True))
    assert events == ["value.set", "check_item.apply"]
    with pytest.raises(CheckStateError):  # applied once only
        do_apply_check_item(a, actor=world.personas["admin"])


def test_a_value_changed_since_sampling_is_refused_and_nothing_changes(world: Any) -> None:
    rnd = full_round(world)
    a = item(rnd, "A", "EXEC")
    do_set_value(a.subject, "EXEC", 96.0, actor=world.personas["operator_a"], version=1)
    seq = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
    with pytest.raises(StaleValueError) as refused:
        do_apply_check_item(a, actor=world.personas["admin"])
    assert refused.value.status == 409
    assert "96" in refused.value.text
    assert "97" in refused.value.text
    value = Value.objects.get(subject=a.subject, indicator="EXEC")
    assert (value.value, value.version) == (96.0, 2)
    a.refresh_from_db()
    assert (a.state, a.applied_version) == (ItemState.VERIFIED, None)
    assert not AuditEvent.objects.filter(seq__gt=seq).exists()


def test_in_review_applying_is_the_offices_correction(closed_world: Any) -> None:
    w = closed_world
    rnd = full_round(w, w.closed)
    a = item(rnd, "A", "EXEC")
    seq = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
    applied = do_apply_check_item(a, actor=w.personas["admin"])
    correction = Correction.objects.get(subject=a.subject, indicator="EXEC")
    assert (correction.before, correction.after) == (97.0, 71.0)
    assert correction.reason.startswith("第三方核查：")
    assert applied.applied_version == Value.objects.get(subject=a.subject, indicator="EXEC").version == 2
    events = list(AuditEvent.objects.filter(seq__gt=seq).order_by("seq").values_list("action", flat=True))
    assert events == ["value.correct", "cycle.compute", "check_item.apply"]


def test_the_steps_go_in_order(world: Any) -> None:
    rnd = full_round(world, verify=False)
    a = item(rnd, "A", "NEG")
    with pytest.raises(CheckStateError):
        do_apply_check_item(a, actor=world.personas["admin"])
    fresh = do_draw_round(world.open, actor=world.personas["admin"], name="再抽", per_unit=1, seed=3)
    first = CheckItem.objects.filter(round=fresh).select_related("subject").first()
    assert first is not None
    with pytest.raises(CheckStateError, match=r"awaiting finance review|待财政复核"):
        do_verify_check_item(first, actor=world.personas["admin"], value=1, method="ledger", on=DAY)


def test_only_the_office_verifies_draws_and_applies(world: Any) -> None:
    rnd = full_round(world, verify=False)
    a = item(rnd, "A", "EXEC")
    with pytest.raises(PermissionDeniedError):
        do_verify_check_item(a, actor=world.personas["auditor"], value=71, method="ledger", on=DAY)
    with pytest.raises(PermissionDeniedError):
        do_draw_round(world.open, actor=world.personas["auditor"], name="x", per_unit=1)
    with pytest.raises(PermissionDeniedError):
        do_review_check_item(a, actor=world.personas["operator_a"], agrees=True)


def test_a_verified_value_goes_through_the_value_check(world: Any) -> None:
    rnd = full_round(world, verify=False)
    with pytest.raises(CheckInputError):
        do_verify_check_item(item(rnd, "A", "NEG"), actor=world.personas["admin"], value=-3, method="ledger",
                             on=DAY)


def test_an_evidence_file_is_checked_by_its_content(world: Any) -> None:
    rnd = full_round(world, verify=False)
    a = item(rnd, "A", "EXEC")
    with pytest.raises(EvidenceRefusedError):
        do_verify_check_item(a, actor=world.personas["admin"], value=71, method="unannounced", on=DAY,
                             evidence=SimpleUploadedFile("核查.pdf", b"MZ\x90\x00 not a pdf", "application/pdf"))
    a.refresh_from_db()
    assert a.state == ItemState.REVIEWED
    done = do_verify_check_item(a, actor=world.personas["admin"], value=71, method="unannounced", on=DAY,
                                evidence=SimpleUploadedFile("核查.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"))
    assert done.file_name == "核查.pdf"
    assert done.file


def test_the_office_adds_a_value_by_hand_once(world: Any) -> None:
    rnd = do_draw_round(world.open, actor=world.personas["admin"], name="第一批", per_unit=1, seed=5)
    subject = world.subject(world.open, world.unit_b)
    existing = set(CheckItem.objects.filter(round=rnd, subject=subject).values_list("indicator", flat=True))
    indicator = ({"EXEC", "NEG"} - existing).pop()
    added = do_add_check_item(rnd, subject, indicator, actor=world.personas["admin"])
    assert added.by_hand
    with pytest.raises(CheckInputError):
        do_add_check_item(rnd, subject, indicator, actor=world.personas["admin"])
    with pytest.raises(CheckInputError):  # the hotline's figure is not the unit's own report
        do_add_check_item(rnd, subject, "RESP", actor=world.personas["admin"])


def test_an_operator_sees_only_their_units_items_after_verification(world: Any) -> None:
    rnd = full_round(world, verify=False)
    op_a, op_b = world.personas["operator_a"], world.personas["operator_b"]
    assert not CheckItem.objects.restrict(op_a).exists()
    assert not CheckRound.objects.restrict(op_a).exists()
    do_verify_check_item(item(rnd, "B", "EXEC"), actor=world.personas["admin"], value=96, method="ledger", on=DAY)
    assert not CheckItem.objects.restrict(op_a).exists()
    assert list(CheckItem.objects.restrict(op_b).values_list("subject__code", "indicator")) == [("B", "EXEC")]
    assert list(CheckRound.objects.restrict(op_b)) == [rnd]
    for persona in ("public", "rater"):
        assert not CheckItem.objects.restrict(world.personas[persona]).exists()
        assert not CheckRound.objects.restrict(world.personas[persona]).exists()
    assert CheckItem.objects.restrict(world.personas["auditor"]).count() == 8
