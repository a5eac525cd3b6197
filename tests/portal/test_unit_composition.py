"""The portal adds a unit's total up (总分构成) and says why its grade is not the one its total alone gives: the
unit's page lists its first-level nodes, each bonus and penalty item, the part above a cap, and the veto or quota
reason in the engine's words; the cycle's ranking names the reason next to the grade. Pages are read as rendered."""

from __future__ import annotations

import io
import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from django.db.models import F
from django.test import Client
from openpyxl import load_workbook

from jixiao.cycles.models import Cycle
from jixiao.engine import breakdown
from jixiao.results.models import Result
from jixiao.results.services import score_cycle


def shown(x: float) -> str:
    """A figure as the pages show it (Django's floatformat: half up on the number as written)."""
    return str(Decimal(repr(x)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def number(text: str) -> Decimal:
    return Decimal(text.replace("\u2212", "-").replace("+", "").replace(",", ""))


def public(lang: str = "zh-hans") -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE=lang)


def composition(page_tables: Any, html: str) -> tuple[list[tuple[str, str, Decimal]], Decimal]:
    """The composition table's lines as (kind, item text, points as shown) and its 合计, read off the page."""
    rows = page_tables(html)["composition"]
    head, *body = rows
    assert [text for text, _a in head[1:]] == ["项目", "分值"]
    lines, total = [], None
    for tr, (item, _ia), (points, attrs) in body:
        kind = tr[1].get("tr-data-kind")
        if kind is None:  # the footer
            assert item == "合计"
            total = number(points)
            assert total == Decimal(attrs["data-points"])
            continue
        lines.append((kind, item, number(points)))
        assert number(points) == Decimal(attrs["data-points"])  # the sign shown is the sign counted
    assert total is not None
    return lines, total


def test_every_units_lines_add_up_to_its_published_total(portal_world: Any, page_tables: Any) -> None:
    client = public()
    for result in Result.objects.filter(cycle=portal_world.cycle).select_related("subject"):
        html = client.get(f"/public/{portal_world.cycle.code}/{result.subject.code}/").content.decode()
        lines, total = composition(page_tables, html)
        assert total == Decimal(shown(result.total)), result.subject.code
        assert sum(p for _k, _i, p in lines) == total, (result.subject.code, lines)
        # The first-level nodes come first, with the points the stored result keeps.
        nodes = [(i, p) for k, i, p in lines if k == "node"]
        assert nodes == [(n, Decimal(shown(result.points[c]))) for c, n in
                         (("CORE", "核心指标"), ("LEAD", "领导评价"), ("NEG", "负面清单"))]


def test_a_units_page_lists_each_bonus_item_and_the_part_above_the_cap(portal_world: Any, page_tables: Any) -> None:
    html = public().get(f"/public/{portal_world.cycle.code}/{portal_world.bonus}/").content.decode()
    lines, total = composition(page_tables, html)
    # 3 + 4 = 7 bonus points, capped at 5; no penalty item applied.
    assert [(k, i, p) for k, i, p in lines if k != "node"] == [
        ("bonus", "加分 创新成果", Decimal("3.00")), ("bonus", "加分 改革成效", Decimal("4.00")),
        ("bonus_cap", "加分上限 加分超过上限 5 分的部分不计", Decimal("-2.00")),
        ("penalty", "扣分 无扣分项", Decimal("0.00"))]
    assert "+3.00" in html
    assert "\u22122.00" in html
    assert sum(p for _k, _i, p in lines) == total


def test_a_units_page_lists_each_penalty_item_and_gives_back_what_is_above_the_cap(portal_world: Any,
                                                                                   page_tables: Any) -> None:
    lines, _total = composition(page_tables, public().get(
        f"/public/{portal_world.cycle.code}/{portal_world.penalty}/").content.decode())
    assert [(k, i, p) for k, i, p in lines if k != "node"] == [
        ("bonus", "加分 无加分项", Decimal("0.00")), ("penalty", "扣分 安全事故扣分", Decimal("-2.00"))]
    lines, total = composition(page_tables, public().get(
        f"/public/{portal_world.cycle.code}/{portal_world.capped_penalty}/").content.decode())
    assert [(k, i, p) for k, i, p in lines if k != "node"] == [
        ("bonus", "加分 改革成效", Decimal("1.50")), ("penalty", "扣分 安全事故扣分", Decimal("-12.00")),
        ("penalty_cap", "扣分上限 扣分超过上限 10 分的部分不扣", Decimal("2.00"))]
    assert sum(p for _k, _i, p in lines) == total


def test_the_vetoed_units_page_gives_the_veto_item_and_the_grade(portal_world: Any, page_tables: Any) -> None:
    result = Result.objects.get(cycle=portal_world.cycle, subject__code=portal_world.veto)
    assert (result.rank, result.grade, result.flags) == (2, "不合格", "veto:MAJOR")  # 2nd, above 90, 不合格
    html = public().get(f"/public/{portal_world.cycle.code}/{portal_world.veto}/").content.decode()
    assert "重大安全责任事故：一票否决，等次定为「不合格」" in html
    assert 'href="#composition">一票否决</a>' in html  # next to the grade at the top of the page
    lines, total = composition(page_tables, html)
    assert total == Decimal(shown(result.total))
    assert sum(p for _k, _i, p in lines) == total


def test_a_unit_kept_out_of_a_full_quota_is_told_so(portal_world: Any) -> None:
    html = public().get(f"/public/{portal_world.cycle.code}/{portal_world.quota}/").content.decode()
    # 8 units of category A: floor(0.15 x 8) = 1 place, taken by the best total; the vetoed unit takes none.
    assert "名额调整" in html
    assert "总分达到「优秀」的最低分 90，但该等次名额为 floor(0.15 × 8) = 1 个，已被总分更高的单位占满" in html
    plain = public().get(f"/public/{portal_world.cycle.code}/D01/").content.decode()
    assert "名额调整" not in plain
    assert "一票否决" not in plain


def test_the_figures_and_words_are_the_engines(portal_world: Any) -> None:
    _subjects, engine = score_cycle(portal_world.cycle)
    for code in (portal_world.veto, portal_world.quota, portal_world.bonus):
        made = breakdown(engine, code)
        response = public().get(f"/public/{portal_world.cycle.code}/{code}/")
        assert [ln["points"] for ln in response.context["lines"] if not ln.get("none")] == \
            [ln.points for ln in made.shown()]
        assert [n["text"] for n in response.context["notes"]] == [n.text("zh") for n in made.notes]


def test_the_page_speaks_english_in_the_engines_english(portal_world: Any) -> None:
    html = public("en").get(f"/public/{portal_world.cycle.code}/{portal_world.veto}/").content.decode()
    assert "How the total adds up" in html
    assert "重大安全责任事故: veto, so the grade is \u201c不合格\u201d" in html


def test_the_composition_exports_as_numbers_that_add_up(portal_world: Any) -> None:
    r = public().get(f"/public/{portal_world.cycle.code}/{portal_world.bonus}/?export=composition")
    assert r.status_code == 200
    rows = list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("类别", "项目", "分值")
    *lines, last = rows[1:]
    assert last[0] == "合计"
    assert math.isclose(sum(p for *_x, p in lines), last[2], abs_tol=1e-9)


def test_the_cycle_page_names_the_reason_next_to_the_grade(portal_world: Any, page_tables: Any) -> None:
    html = public().get(f"/public/{portal_world.cycle.code}/").content.decode()
    grades = {row[3][0]: row[5][0] for row in page_tables(html)["results"][1:]}
    assert grades["示范市应急管理局"] == "不合格（一票否决）"
    assert grades["示范市生态环境局"] == "良好（名额调整）"
    assert grades["示范市市场监督管理局"] == "优秀"
    assert grades["示范市交通运输局"] == "良好"
    en = public("en").get(f"/public/{portal_world.cycle.code}/").content.decode()
    assert {row[3][0]: row[5][0] for row in page_tables(en)["results"][1:]}["示范市应急管理局"] == "不合格 (veto)"


def test_the_cycle_export_keeps_the_reason_with_the_grade(portal_world: Any) -> None:
    r = public().get(f"/public/{portal_world.cycle.code}/?export=results")
    rows = list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert ("A", 2, "示范市应急管理局", pytest.approx(Result.objects.get(
        cycle=portal_world.cycle, subject__code=portal_world.veto).total), "不合格（一票否决）") in rows


def test_the_cycle_is_scored_once_for_all_its_units_pages(portal_world: Any) -> None:
    client = public()
    first = _queries(client, f"/public/{portal_world.cycle.code}/{portal_world.veto}/")
    assert any("collection_value" in q["sql"] for q in first)  # the engine read the cycle's data to score it
    second = _queries(client, f"/public/{portal_world.cycle.code}/{portal_world.bonus}/")
    assert second
    assert not any("collection_value" in q["sql"] for q in second)  # another unit: not scored again


def _queries(client: Client, url: str) -> list[Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return list(ctx.captured_queries)


def test_out_of_date_results_show_no_lines_but_still_the_reason(portal_world: Any) -> None:
    # Data written after the results were computed (here the version counter alone): the stored total no longer
    # matches what the engine would say, so the page shows no lines that might not add up to it.
    Cycle.objects.filter(pk=portal_world.cycle.pk).update(data_version=F("data_version") + 1)
    response = public().get(f"/public/{portal_world.cycle.code}/{portal_world.veto}/")
    html = response.content.decode()
    assert response.context["lines"] == []
    assert "data-table=\"composition\"" not in html
    assert "结果按当前数据重新计算后" in html
    assert 'href="#composition">一票否决</a>' in html  # the flags still give the reason
