"""The pages of three-party checks: who sees what, the flagged unit first, and the forms keeping what was typed
when refused (HTTP 422, the error beside its field)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from jixiao.collection.models import Value
from jixiao.collection.services import do_set_value
from jixiao.verification.models import CheckItem, CheckRound

from .conftest import client_for, full_round, item


def test_the_office_sees_the_three_party_view_with_the_flagged_unit_first(world: Any) -> None:
    rnd = full_round(world)
    response = client_for(world, "admin").get(reverse("verification:round", args=[rnd.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index('id="unit-A"') < html.index('id="unit-A1"') < html.index('id="unit-B"')
    assert 'class="unit-row flagged" data-unit="A"' in html
    assert 'class="unit-row" data-unit="B"' in html
    assert "30.8%" in html  # A's mean gap (26/71 + 0.5/2) / 2
    assert "36.6%" in html  # A's EXEC 97 vs 71
    assert "95.5" in html  # B's EXEC as finance reviewed it


def test_the_filters_narrow_the_view(world: Any) -> None:
    rnd = full_round(world)
    client = client_for(world, "admin")
    flagged = client.get(reverse("verification:round", args=[rnd.pk]), {"flagged": "1"}).content.decode()
    assert 'id="unit-A"' in flagged
    assert 'id="unit-B"' not in flagged
    b_only = client.get(reverse("verification:round", args=[rnd.pk]), {"q": "机关"}).content.decode()
    assert 'id="unit-B"' in b_only
    assert 'id="unit-A"' not in b_only
    reviewed = client.get(reverse("verification:round", args=[rnd.pk]), {"state": "reviewed"}).content.decode()
    assert 'id="unit-B"' not in reviewed  # both of B's values are verified


def test_an_operator_sees_only_their_units_verified_items(world: Any) -> None:
    rnd = full_round(world)
    html = client_for(world, "operator_b").get(reverse("verification:round", args=[rnd.pk])).content.decode()
    assert 'id="unit-B"' in html
    assert 'id="unit-A"' not in html
    assert 'id="add-form"' not in html
    a_item = item(rnd, "A", "EXEC")
    assert client_for(world, "operator_b").get(reverse("verification:item", args=[a_item.pk])).status_code == 404


def test_the_public_and_a_rater_see_nothing(world: Any) -> None:
    rnd = full_round(world)
    public = client_for(world, "public").get(reverse("verification:round", args=[rnd.pk]))
    assert public.status_code == 302
    rater = client_for(world, "rater")
    assert rater.get(reverse("verification:round", args=[rnd.pk])).status_code == 404
    assert rater.get(reverse("verification:index")).status_code == 404


def test_an_operator_of_another_unit_sees_no_round_before_verification(world: Any) -> None:
    rnd = full_round(world, verify=False)
    assert client_for(world, "operator_a").get(reverse("verification:round", args=[rnd.pk])).status_code == 404


def test_the_auditor_reviews_and_a_refusal_keeps_the_typed_text(world: Any) -> None:
    rnd = do_round(world)
    target = item(rnd, "B", "EXEC")
    client = client_for(world, "auditor")
    page = client.get(reverse("verification:item", args=[target.pk])).content.decode()
    assert 'id="review-form"' in page
    assert 'id="verify-form"' not in page  # the office's
    refused = client.post(reverse("verification:item_review", args=[target.pk]),
                          {"conclusion": "adjusted", "value": "95.5", "note": ""})
    assert refused.status_code == 422
    html = refused.content.decode()
    assert 'id="error-note"' in html
    assert 'value="95.5"' in html
    ok = client.post(reverse("verification:item_review", args=[target.pk]),
                     {"conclusion": "adjusted", "value": "95.5", "note": "凭证核减"})
    assert ok.status_code == 302
    assert CheckItem.objects.get(pk=target.pk).finance_value == 95.5


def do_round(world: Any) -> CheckRound:
    from jixiao.verification.services import do_draw_round

    return do_draw_round(world.open, actor=world.personas["admin"], name="第一批", share=1.0, seed=1)


def test_a_refused_verification_shows_the_error_beside_the_value_and_keeps_the_input(world: Any) -> None:
    rnd = full_round(world, verify=False)
    target = item(rnd, "A", "NEG")
    response = client_for(world, "admin").post(reverse("verification:item_verify", args=[target.pk]), {
        "value": "-3", "method": "unannounced", "on": "2026-03-12", "note": "暗访发现台账缺失"})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="error-value"' in html
    assert 'value="-3"' in html
    assert "暗访发现台账缺失" in html
    assert 'value="unannounced" selected' in html or 'value="unannounced" checked' in html or \
        '<option value="unannounced" selected>' in html
    assert CheckItem.objects.get(pk=target.pk).verified_value is None


def test_applying_a_stale_value_is_refused_on_the_page_and_changes_nothing(world: Any) -> None:
    rnd = full_round(world)
    target = item(rnd, "A", "EXEC")
    do_set_value(target.subject, "EXEC", 96.0, actor=world.personas["operator_a"], version=1)
    response = client_for(world, "admin").post(reverse("verification:item_apply", args=[target.pk]), {})
    assert response.status_code == 422
    assert "96" in response.content.decode()
    assert Value.objects.get(subject=target.subject, indicator="EXEC").value == 96.0


def test_the_office_applies_from_the_page(world: Any) -> None:
    rnd = full_round(world)
    target = item(rnd, "A", "EXEC")
    response = client_for(world, "admin").post(reverse("verification:item_apply", args=[target.pk]), {})
    assert response.status_code == 302
    assert Value.objects.get(subject=target.subject, indicator="EXEC").value == 71.0


def test_the_office_draws_a_round_and_a_refusal_keeps_the_input(world: Any) -> None:
    client = client_for(world, "admin")
    assert 'id="draw-form"' in client.get(reverse("verification:index")).content.decode()
    refused = client.post(reverse("verification:index"), {"cycle": "2026", "name": "第二批", "per_unit": "2",
                                                          "share": "50", "threshold": "10"})
    assert refused.status_code == 422
    html = refused.content.decode()
    assert 'id="error-per_unit"' in html
    assert 'value="第二批"' in html
    ok = client.post(reverse("verification:index"), {"cycle": "2026", "name": "第二批", "per_unit": "2",
                                                     "seed": "9", "threshold": "10"})
    assert ok.status_code == 302
    rnd = CheckRound.objects.get(name="第二批")
    assert (rnd.seed, rnd.per_unit, rnd.threshold) == (9, 2, 0.1)


def test_adding_a_value_twice_is_refused_beside_the_indicator(world: Any) -> None:
    rnd = full_round(world)
    response = client_for(world, "admin").post(reverse("verification:add_item", args=[rnd.pk]),
                                               {"unit": "B", "indicator": "EXEC"})
    assert response.status_code == 422
    assert 'id="error-indicator"' in response.content.decode()


def test_the_navigation_shows_three_party_checks_to_the_office_and_auditors(world: Any) -> None:
    url = reverse("verification:index")
    for persona, shown in (("admin", True), ("auditor", True), ("operator_a", False)):
        html = client_for(world, persona).get(reverse("web:home")).content.decode()
        assert (f'href="{url}"' in html) is shown, persona


def test_the_back_office_lists_rounds_and_items_read_only(world: Any) -> None:
    rnd = full_round(world)
    client = client_for(world, "admin")
    assert client.get("/admin/verification/checkround/").status_code == 200
    assert client.get("/admin/verification/checkitem/").status_code == 200
    page = client.get(f"/admin/verification/checkitem/{item(rnd, 'A', 'EXEC').pk}/change/")
    assert page.status_code == 200
    assert 'name="verified_value"' not in page.content.decode()
