"""12345 hotline tickets: reading exports, rates per unit, hot spots and weight proposals, on hand-worked data."""

from __future__ import annotations

import csv
import datetime as dt
from fractions import Fraction
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao.engine.errors import InputError
from jixiao.engine.hotspots import (
    category_changes,
    hotspots,
    largest_remainder,
    repeats,
    rising,
    weight_proposal,
)
from jixiao.engine.ticketrates import RATE_COLUMNS, Sla, indicators, overall, percent, read_sla, without_unit
from jixiao.engine.tickets import TICKET_COLUMNS, in_period, parse_period, read_tickets

T0 = dt.datetime(2026, 3, 2, 8, 0)
H = dt.timedelta(hours=1)
S = dt.timedelta(seconds=1)

EN_HEADER = ("id", "received_at", "category", "unit", "urgency", "responded_at", "closed_at", "resolution",
             "satisfaction", "street", "co_units", "transfers")
ZH_HEADER = ("工单编号", "受理时间", "问题分类", "承办单位", "紧急程度", "首次响应时间", "办结时间", "办理结果",
             "回访满意度", "街道", "协办单位", "转办次数")
ROWS = [
    ("T1", "2026-03-02 08:00:00", "城乡建设/市容环境", "城管局", "urgent", "2026-03-02 10:00:00",
     "2026-03-03 08:00", "solved", "satisfied", "东街", "区住建局；东街街道、 社区", "2"),
    ("T2", "2026/3/2 8:00", "环境保护", "环保局", "", "2026-03-03T08:00:00", "", "未解决",
     "basically satisfied", "西街", "", ""),
    ("T3", "2026-03-02 09:30", "", "", "紧急", "", "", "办理中", "", "", "", "0"),
]


def write_csv(path: Path, header: tuple[str, ...], rows: list[tuple[str, ...]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows([header, *rows])
    return path


def problems_of(exc: pytest.ExceptionInfo[InputError]) -> list[tuple[int | None, str | None, str]]:
    return [(p.row, p.column, p.reason) for p in exc.value.items]  # type: ignore[union-attr]


def tickets(**columns: list[object]) -> pl.DataFrame:
    """A ticket frame of the columns the rates need, with defaults for those not given."""
    n = len(next(iter(columns.values())))
    base: dict[str, list[object]] = {"unit": ["A"] * n, "category": [None] * n, "urgency": ["一般"] * n,
                                     "resolution": [None] * n, "satisfaction": [None] * n,
                                     "received_at": [T0] * n, "responded_at": [None] * n}
    base.update(columns)
    schema = {"unit": pl.String, "category": pl.String, "urgency": pl.String, "resolution": pl.String,
              "satisfaction": pl.String, "received_at": pl.Datetime("us"), "responded_at": pl.Datetime("us")}
    schema.update({k: pl.String for k in columns if k not in schema})
    return pl.DataFrame(base, schema=schema)


# --- reading -------------------------------------------------------------------------------------------------


def test_it_reads_an_english_export_into_the_canonical_columns(tmp_path: Path) -> None:
    frame = read_tickets(write_csv(tmp_path / "t.csv", EN_HEADER, ROWS))
    assert frame.columns == [*TICKET_COLUMNS, "_row"]
    assert frame["received_at"].dtype == pl.Datetime("us")
    assert frame["transfers"].dtype == pl.Int32
    assert frame["_row"].to_list() == [2, 3, 4]
    first = frame.row(0, named=True)
    assert first["urgency"] == "紧急"
    assert first["resolution"] == "已解决"
    assert first["satisfaction"] == "满意"
    assert first["co_units"] == "区住建局;东街街道;社区"
    assert first["transfers"] == 2
    assert first["closed_at"] == dt.datetime(2026, 3, 3, 8, 0)
    second = frame.row(1, named=True)
    assert second["received_at"] == T0
    assert second["responded_at"] == T0 + 24 * H
    assert (second["urgency"], second["satisfaction"], second["co_units"]) == ("一般", "基本满意", None)
    third = frame.row(2, named=True)
    assert (third["unit"], third["category"], third["text"], third["resolution"]) == (None, None, None, "办理中")


def test_both_header_languages_and_gbk_give_the_same_frame(tmp_path: Path) -> None:
    english = read_tickets(write_csv(tmp_path / "en.csv", EN_HEADER, ROWS))
    chinese = read_tickets(write_csv(tmp_path / "zh.csv", ZH_HEADER, ROWS, encoding="gbk"))
    bom = read_tickets(write_csv(tmp_path / "bom.csv", tuple(h.upper() + " " for h in EN_HEADER), ROWS,
                                 encoding="utf-8-sig"))
    assert chinese.equals(english)
    assert bom.equals(english)


def test_it_reads_an_xlsx_with_real_datetime_cells(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["工单编号", "受理时间", "响应时间", "承办单位", "转办次数"])
    ws.append([1001, dt.datetime(2026, 3, 2, 8, 0), dt.datetime(2026, 3, 2, 9, 59, 59, 999_700), "城管局", 3])
    ws.append([None, None, None, None, None])
    ws.append(["1002", "2026/3/2 8:00", None, "环保局", None])
    wb.save(tmp_path / "t.xlsx")
    frame = read_tickets(tmp_path / "t.xlsx")
    assert frame.select("id", "received_at", "responded_at", "unit", "transfers", "_row").rows() == [
        ("1001", T0, T0 + 2 * H, "城管局", 3, 2),
        ("1002", T0, None, "环保局", None, 4),
    ]


BAD_ROWS = [
    ("T1", "2026-13-01 08:00", "", "", "", "", "", "", "meh", "", "", "x"),
    ("", "2026-03-02 08:00", "", "", "", "2026-03-02 07:59:59", "2026-03-01 08:00", "", "", "", "", "1.5"),
    ("T1", "", "", "", "", "", "", "", "", "", "", ""),
]


def test_it_refuses_every_bad_cell_by_row_and_column_in_chinese(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "t.csv", ZH_HEADER, BAD_ROWS)
    with pytest.raises(InputError) as exc:
        read_tickets(path)
    assert problems_of(exc) == [
        (2, "受理时间", "无法识别的日期时间“2026-13-01 08:00”"),
        (2, "回访满意度", "无法识别的满意度“meh”（应为 满意、基本满意 或 不满意）"),
        (2, "转办次数", "转办次数“x”不是非负整数"),
        (3, "工单编号", "不能为空"),
        (3, "首次响应时间", "“2026-03-02 07:59:59”早于受理时间“2026-03-02 08:00”"),
        (3, "办结时间", "“2026-03-01 08:00”早于受理时间“2026-03-02 08:00”"),
        (3, "转办次数", "转办次数“1.5”不是非负整数"),
        (4, "工单编号", "工单编号“T1”重复（第 2 行已有）"),
        (4, "受理时间", "不能为空"),
    ]
    assert "t.csv 第 2 行“受理时间”列：无法识别的日期时间“2026-13-01 08:00”" in str(exc.value)


def test_it_refuses_every_bad_cell_by_row_and_column_in_english(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "t.csv", EN_HEADER, BAD_ROWS)
    with pytest.raises(InputError) as exc:
        read_tickets(path, lang="en")
    got = problems_of(exc)
    assert got[0] == (2, "received_at", "not a date and time: '2026-13-01 08:00'")
    assert (4, "id", "duplicate id 'T1' (already at row 2)") in got
    assert (3, "responded_at", "'2026-03-02 07:59:59' is before the received time '2026-03-02 08:00'") in got
    assert len(got) == 9
    assert "t.csv, row 2, column received_at: not a date and time: '2026-13-01 08:00'" in str(exc.value)


def test_it_lists_twenty_problems_and_counts_the_rest(tmp_path: Path) -> None:
    rows = [(f"T{i}", "not a time") + ("",) * 10 for i in range(25)]
    with pytest.raises(InputError) as exc:
        read_tickets(write_csv(tmp_path / "t.csv", EN_HEADER, rows), lang="en")
    items = exc.value.items
    assert len(items) == 21
    assert str(items[-1]).endswith("... and 5 more problems")
    assert items[-1].count == 5  # type: ignore[union-attr]


@pytest.mark.parametrize(("content", "suffix", "reason"), [
    ("", ".csv", "the file is empty"),
    ("id,received_at\n", ".csv", "has a header but no data rows"),
    ("id,text\nT1,x\n", ".csv", "missing column 'received_at' (the header has: id, text)"),
    ("id,received_at\n", ".json", "unsupported file type '.json'; use .csv or .xlsx"),
])
def test_it_refuses_an_unusable_file(tmp_path: Path, content: str, suffix: str, reason: str) -> None:
    path = tmp_path / f"t{suffix}"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_tickets(path, lang="en")
    assert [p.reason for p in exc.value.items] == [reason]  # type: ignore[union-attr]


def test_a_missing_chinese_column_is_named_in_chinese_on_row_1(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "t.csv", ("工单编号", "诉求内容"), [("T1", "噪音")])
    with pytest.raises(InputError) as exc:
        read_tickets(path)
    assert problems_of(exc) == [(1, "受理时间", "缺少必需的列“受理时间”（表头为：工单编号、诉求内容）")]


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        read_tickets(tmp_path / "nope.csv", lang="en")


# --- periods -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "start", "end"), [
    ("2026", dt.date(2026, 1, 1), dt.date(2027, 1, 1)),
    ("2026-03", dt.date(2026, 3, 1), dt.date(2026, 4, 1)),
    ("2026-12", dt.date(2026, 12, 1), dt.date(2027, 1, 1)),
    ("2026-Q1", dt.date(2026, 1, 1), dt.date(2026, 4, 1)),
    ("2026-03-01..2026-03-31", dt.date(2026, 3, 1), dt.date(2026, 4, 1)),
    ("2026-03-05..2026-03-05", dt.date(2026, 3, 5), dt.date(2026, 3, 6)),
])
def test_parse_period_reads_the_written_forms(text: str, start: dt.date, end: dt.date) -> None:
    assert parse_period(text) == (start, end)


@pytest.mark.parametrize("text", ["2026-13", "2026-Q5", "26-03", "2026-03-31..2026-03-01", "2026-02-30..2026-03-01",
                                  "March"])
def test_parse_period_refuses_anything_else(text: str) -> None:
    with pytest.raises(ValueError, match="not a period"):
        parse_period(text, lang="en")


def test_in_period_includes_the_start_and_excludes_the_end() -> None:
    frame = tickets(received_at=[dt.datetime(2026, 2, 28, 23, 59, 59), dt.datetime(2026, 3, 1),
                                 dt.datetime(2026, 3, 31, 23, 59, 59), dt.datetime(2026, 4, 1)])
    got = in_period(frame, *parse_period("2026-03"))
    assert got["received_at"].to_list() == [dt.datetime(2026, 3, 1), dt.datetime(2026, 3, 31, 23, 59, 59)]


# --- rates ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("num", "den", "rate"), [
    (2, 3, 66.67), (1, 8, 12.5), (1, 16, 6.25), (1, 3, 33.33), (5, 6, 83.33), (1, 200, 0.5), (1, 400, 0.25),
    (1, 800, 0.13), (0, 7, 0.0), (7, 7, 100.0), (1, 0, None),
])
def test_percent_rounds_half_up_exactly(num: int, den: int, rate: float | None) -> None:
    assert percent(num, den) == rate


def test_the_sla_edge_exactly_at_the_limit_is_on_time() -> None:
    frame = tickets(
        unit=["A", "A", "A", "B", "B", "B"],
        urgency=["紧急", "紧急", "紧急", "一般", "一般", "一般"],
        responded_at=[T0 + 2 * H, T0 + 2 * H + S, None, T0 + 24 * H, T0 + 24 * H + S, T0])
    got = indicators(frame).select("unit", "received", "responded_on_time", "response_rate").rows()
    # A: 2 h 00 on time, 2 h 00 01 late, never responded late -> 1/3; B: 24 h and 0 h on time -> 2/3.
    assert got == [("A", 3, 1, 33.33), ("B", 3, 2, 66.67)]


def test_the_response_seconds_column_gives_the_same_rates() -> None:
    frame = tickets(urgency=["紧急", "紧急", "一般"], responded_at=[T0 + 2 * H, T0 + 2 * H + S, None])
    seconds = frame.with_columns(response_seconds=pl.Series([7200.0, 7201.0, None])).drop("received_at",
                                                                                        "responded_at")
    assert indicators(seconds).equals(indicators(frame))
    assert indicators(seconds)["responded_on_time"].to_list() == [1]


def test_sla_rules_apply_to_the_category_then_its_ancestors_then_all() -> None:
    sla = Sla(rules=[("城乡建设", "紧急", 1), ("城乡建设/市容环境/占道经营", "紧急", 0.5), (None, "紧急", 3)])
    frame = tickets(
        unit=["占道", "占道", "市容", "市容", "教育", "相似"],
        category=["城乡建设/市容环境/占道经营", "城乡建设/市容环境/占道经营", "城乡建设/市容环境",
                  "城乡建设/市容环境", "教育", "城乡建设业"],
        urgency=["紧急"] * 6,
        responded_at=[T0 + 30 * dt.timedelta(minutes=1), T0 + 31 * dt.timedelta(minutes=1), T0 + H,
                      T0 + H + S, T0 + 3 * H, T0 + 3 * H])
    got = dict(indicators(frame, sla).select("unit", "responded_on_time").rows())
    # exact 0.5 h; ancestor 1 h; the empty-category rule 3 h (城乡建设业 is not under 城乡建设).
    assert got == {"占道": 1, "市容": 1, "教育": 1, "相似": 1}


def test_an_urgency_without_any_time_limit_is_refused_with_its_count() -> None:
    frame = tickets(urgency=["特急", "特急", "一般"])
    with pytest.raises(InputError) as exc:
        indicators(frame, lang="en")
    assert [p.reason for p in exc.value.items] == [  # type: ignore[union-attr]
        "urgency '特急' has no response time limit (2 tickets); add a rule for it to the SLA file"]
    assert indicators(frame, Sla(rules=[(None, "特急", 1)]))["received"].to_list() == [3]


def test_empty_denominators_give_null_rates_and_satisfaction_counts_basically_satisfied() -> None:
    frame = tickets(
        unit=["A", "A", "A", "A", "B", None],
        resolution=["已解决", "未解决", "部分解决", "已解决", "办理中", "已解决"],
        satisfaction=["满意", "基本满意", "不满意", None, None, "满意"])
    table = indicators(frame)
    assert table.columns == list(RATE_COLUMNS)
    assert table.rows() == [
        ("A", 4, 0, 0.0, 3, 2, 66.67, 3, 2, 66.67),
        ("B", 1, 0, 0.0, 0, 0, None, 0, 0, None),
    ]
    strict = indicators(frame, satisfied=("满意",))
    assert strict.filter(pl.col("unit") == "A").select("satisfied", "satisfaction_rate").row(0) == (1, 33.33)
    assert without_unit(frame) == 1
    city = overall(frame)
    assert (city["received"], city["closed"], city["solved"], city["resolution_rate"]) == (6, 4, 3, 75.0)


def test_an_sla_file_is_read_with_ancestors_and_bad_rows_refused(tmp_path: Path) -> None:
    good = write_csv(tmp_path / "sla.csv", ("问题分类", "紧急程度", "时限"),
                     [("城乡建设/", "紧急", "1.5"), ("", "一般", "12"), ("", "urgent", "3")], encoding="gbk")
    sla = read_sla(good)
    assert sla.hours("城乡建设/市容环境", "紧急") == 1.5
    assert sla.hours("教育", "紧急") == 3.0
    assert sla.hours(None, "一般") == 12.0
    bad = write_csv(tmp_path / "bad.csv", ("category", "urgency", "hours"),
                    [("城乡建设", "紧急", "0"), ("", "", "2"), ("城乡建设", "紧急", "x")])
    with pytest.raises(InputError) as exc:
        read_sla(bad, lang="en")
    assert problems_of(exc) == [
        (2, "hours", "not a number of hours above 0: '0'"),
        (3, "urgency", "must not be empty"),
        (4, "category", "repeats the rule of row 2 (same category and urgency)"),
        (4, "hours", "not a number of hours above 0: 'x'"),
    ]


def test_an_empty_frame_gives_an_empty_table() -> None:
    table = indicators(tickets(unit=[]))
    assert table.columns == list(RATE_COLUMNS)
    assert table.height == 0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["A", "B", "C"]), st.sampled_from([None, "已解决", "未解决", "办理中"]),
                          st.sampled_from([None, "满意", "基本满意", "不满意"]),
                          st.one_of(st.none(), st.integers(0, 50))), max_size=40))
def test_rates_stay_in_range_and_counts_are_monotone(rows: list[tuple[str, str | None, str | None, int | None]],
                                                     ) -> None:
    frame = tickets(unit=[r[0] for r in rows], resolution=[r[1] for r in rows], satisfaction=[r[2] for r in rows],
                    responded_at=[None if r[3] is None else T0 + r[3] * H for r in rows])
    table = indicators(frame)
    assert table["received"].sum() == len(rows)
    for row in table.iter_rows(named=True):
        assert row["solved"] <= row["closed"] <= row["received"]
        assert row["satisfied"] <= row["surveyed"] <= row["received"]
        assert row["responded_on_time"] <= row["received"]
        for rate in ("response_rate", "resolution_rate", "satisfaction_rate"):
            assert row[rate] is None or 0 <= row[rate] <= 100
    # The rates do not depend on row order.
    assert indicators(frame.reverse()).equals(table)


# --- hot spots -----------------------------------------------------------------------------------------------


def test_hotspots_count_unresolved_demands_by_category_area_and_month() -> None:
    d = dt.datetime
    frame = pl.DataFrame({
        "category": ["城建/占道"] * 6 + ["城建/噪音"] * 2 + ["环保/油烟"] * 3,
        "street": ["东街"] * 5 + ["西街"] + ["东街"] * 2 + ["东街"] * 3,
        "received_at": [d(2026, 3, 1), d(2026, 3, 9), d(2026, 3, 31, 23), d(2026, 3, 15), d(2026, 4, 1),
                        d(2026, 3, 2), d(2026, 3, 3), d(2026, 3, 4), d(2026, 3, 5), d(2026, 3, 6), d(2026, 3, 7)],
        "resolution": ["未解决", None, "已解决", "部分解决", None, None, None, "未解决", None, None, "已解决"],
    })
    got = hotspots(frame, min_unresolved=2).rows()
    assert got == [
        ("城建/占道", "东街", dt.date(2026, 3, 1), 4, 3, 75.0),
        ("环保/油烟", "东街", dt.date(2026, 3, 1), 3, 2, 66.67),  # as many unresolved as 噪音, more tickets
        ("城建/噪音", "东街", dt.date(2026, 3, 1), 2, 2, 100.0),
    ]
    by_level = hotspots(frame, level=1, min_unresolved=5).rows()
    assert by_level == [("城建", "东街", dt.date(2026, 3, 1), 6, 5, 83.33)]
    weekly = hotspots(frame, window="week", min_unresolved=1, top=1).rows()
    # Week of Monday 2026-03-02: 噪音 has 2 of 2 open, 油烟 2 of 3 (more tickets, so first); 占道 on Sunday 3/1
    # is the week before.
    assert weekly == [("环保/油烟", "东街", dt.date(2026, 3, 2), 3, 2, 66.67)]


def test_rising_flags_a_category_above_its_scaled_baseline() -> None:
    d = dt.datetime
    rows = ([("噪音", d(2026, 1, 10))] * 20 + [("噪音", d(2026, 3, 10))] * 30
            + [("供暖", d(2026, 1, 10))] * 40 + [("供暖", d(2026, 3, 10))] * 25
            + [("新能源充电", d(2026, 3, 10))] * 20 + [("占道", d(2026, 1, 10))] * 4 + [("占道", d(2026, 3, 10))] * 9)
    frame = pl.DataFrame(rows, schema={"category": pl.String, "received_at": pl.Datetime("us")}, orient="row")
    got = rising(frame, current=(dt.date(2026, 3, 1), dt.date(2026, 4, 1)),
                 baseline=(dt.date(2026, 1, 1), dt.date(2026, 3, 1)), min_count=20)
    # current 31 days, baseline 59 days. 噪音: expected 20*31/59 = 10.508, ratio 2.855, z = 19.492/3.2416 = 6.01.
    # 供暖: expected 21.017, ratio 1.19 (not flagged). 占道: expected 2.1017, ratio 4.28, z 6.898/1.4497 = 4.76,
    # but only 9 tickets. 充电: new.
    assert got.select("category", "current", "baseline", "ratio", "z", "flagged").rows() == [
        ("新能源充电", 20, 0, None, None, True),
        ("噪音", 30, 20, 2.85, 6.01, True),
        ("占道", 9, 4, 4.28, 4.76, False),
        ("供暖", 25, 40, 1.19, 0.87, False),
    ]
    assert got["expected"][1] == pytest.approx(20 * 31 / 59)


def test_repeats_find_an_address_with_tickets_close_in_time_and_linked_tickets() -> None:
    d = dt.datetime
    frame = pl.DataFrame({
        "id": ["a", "b", "c", "d", "e", "f", "g", "h"],
        "received_at": [d(2026, 1, 1), d(2026, 2, 1), d(2026, 3, 31), d(2026, 1, 1), d(2026, 3, 1),
                        d(2026, 6, 1), d(2026, 2, 1), d(2026, 2, 2)],
        "address": ["幸福路 １２号", "幸福路12号", None, "东街1号", "东街1号", "东街 1号", "西街", "别处"],
        "repeat_of": [None, None, "a", None, None, None, None, "g"],
        "category": ["噪音", "噪音", "供暖", "占道", "占道", "占道", "油烟", "油烟"],
        "resolution": ["已解决", None, None, None, None, None, None, None],
    })
    got = repeats(frame, within_days=90)
    # 幸福路12号: a, b, and c (linked to a), Jan 1 to Mar 31 = 89 days. 东街1号: 3 tickets but 151 days apart.
    assert got.rows() == [("幸福路12号", 3, 2, d(2026, 1, 1), d(2026, 3, 31), "供暖；噪音", "a,b,c")]
    assert repeats(frame, within_days=89).height == 0
    # Two within 90 days: 东街1号 (d, e: 59 days) joins; h counts at 西街, the address of the ticket it repeats.
    linked = repeats(frame, min_count=2)
    assert linked.select("address", "tickets", "ids").rows() == [
        ("东街1号", 3, "d,e,f"), ("幸福路12号", 3, "a,b,c"), ("西街", 2, "g,h")]


def test_category_changes_flag_volume_and_unresolved_share_rises() -> None:
    last = pl.DataFrame({"category": ["噪音/夜间"] * 50 + ["占道"] * 40 + ["油烟"] * 10,
                         "resolution": ["已解决"] * 45 + [None] * 5 + ["已解决"] * 40 + ["已解决"] * 10})
    this = pl.DataFrame({"category": ["噪音/白天"] * 60 + ["占道"] * 40 + ["供暖"] * 3,
                         "resolution": ["已解决"] * 57 + [None] * 3 + ["已解决"] * 38 + ["未解决"] * 2 + [None] * 3})
    got = category_changes(last, this).rows()
    assert got == [
        # 噪音: 50 -> 60 (+20 %, 60 >= 50); share 10 % -> 5 %.
        ("噪音", 50, 60, 20.0, 10.0, 5.0, -5.0, True),
        # 占道: 0 % -> 5 %: exactly 5 points.
        ("占道", 40, 40, 0.0, 0.0, 5.0, 5.0, True),
        ("供暖", 0, 3, None, None, 100.0, None, False),
        ("油烟", 10, 0, -100.0, 0.0, None, None, False),
    ]


def test_weight_proposal_moves_weight_to_the_measure_that_fell_and_keeps_the_total() -> None:
    current = [("H1", "response_rate", 30), ("H2", "resolution_rate", 35), ("H3", "satisfaction_rate", 35)]
    this = {"response_rate": 96.0, "resolution_rate": 84.1, "satisfaction_rate": 95.0}
    last = {"response_rate": 92.0, "resolution_rate": 87.2, "satisfaction_rate": 95.0}
    got = weight_proposal(current, this, last)
    # pressures: 4/8 = 0.5, 15.9/12.8 = 1.2421875, 1. weight x p: 15, 43.4765625, 35 (sum 93.4765625).
    # x 100 / 93.477: 16.047, 46.511, 37.443 -> floors 16, 46, 37 (99); the extra unit to .511 -> 16, 47, 37.
    assert got["proposed"].to_list() == [16, 47, 37]
    assert got["pressure"].to_list() == [0.5, 1.2422, 1.0]
    # The weighted mean pressure: (30 x 0.5 + 35 x 1.2421875 + 35 x 1) / 100 = 0.934765625.
    assert got["reason"][1] == ("诉求解决率由 87.20% 降至 84.10%，未解决比例上升；差距为上年的 1.24 倍（各指标加权平均 "
                                "0.93 倍），建议权重由 35 调至 47")
    assert got["reason"][0] == ("按时响应率由 92.00% 升至 96.00%，未按时响应比例下降；差距为上年的 0.50 倍"
                                "（各指标加权平均 0.93 倍），建议权重由 30 调至 16")
    english = weight_proposal(current, this, last, lang="en")
    assert english["reason"][1] == ("The resolution rate fell from 87.20% to 84.10%, more unresolved tickets; "
                                    "its shortfall is 1.24x last year's (weighted mean of the indicators 0.93x); "
                                    "move the weight from 35 to 47.")


def test_weight_proposal_keeps_weights_when_rates_are_missing() -> None:
    current = [("H1", "response_rate", 50), ("H2", "resolution_rate", 50)]
    got = weight_proposal(current, {"response_rate": None}, {}, lang="zh")
    assert got["proposed"].to_list() == [50, 50]
    assert got["reason"][0] == "缺少两年的按时响应率，按压力不变计，建议维持权重 50"


def test_largest_remainder_breaks_ties_by_original_order() -> None:
    assert largest_remainder([Fraction(1)] * 3, 2) == [1, 1, 0]
    assert largest_remainder([Fraction(1), Fraction(2)], 10) == [3, 7]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(0, 60), min_size=1, max_size=6),
       st.lists(st.one_of(st.none(), st.floats(0, 100).map(lambda x: round(x, 2))), min_size=6, max_size=6),
       st.lists(st.one_of(st.none(), st.floats(0, 100).map(lambda x: round(x, 2))), min_size=6, max_size=6))
def test_weight_proposals_add_up_to_the_same_total(weights: list[int], this: list[float | None],
                                                   last: list[float | None]) -> None:
    measures = ["response_rate", "resolution_rate", "satisfaction_rate"]
    current = [(f"H{i}", measures[i % 3], w) for i, w in enumerate(weights)]
    got = weight_proposal(current, dict(zip(measures, this[:3], strict=True)),
                          dict(zip(measures, last[:3], strict=True)))
    total = sum(weights)
    assert got["proposed"].sum() == (total if any(weights) else 0)
    assert all(p >= 0 for p in got["proposed"].to_list())


def test_the_column_percentages_are_the_same_floats_as_python_s() -> None:
    """Polars multiplies by 0.01 where Python divides by 100: 7357 hundredths must still read 73.57."""
    from jixiao.engine.ticketrates import percent, percent_expr

    pairs = [(n, d) for d in range(1, 400) for n in range(0, d + 1, 7)] + [(7357, 10000), (8498, 10000)]
    frame = pl.DataFrame({"n": [p[0] for p in pairs], "d": [p[1] for p in pairs]})
    got = frame.select(percent_expr(pl.col("n"), pl.col("d"))).to_series().to_list()
    assert got == [percent(n, d) for n, d in pairs]
