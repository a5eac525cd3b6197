"""The synthetic ticket generator: deterministic, the canonical columns, and the shares it promises."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from jixiao.engine.classify import KeywordRules
from jixiao.hotline.sample import COLUMNS, DEFAULT_STREETS, generate, labelled_texts, read_taxonomy

START, END = datetime(2025, 1, 1), datetime(2026, 1, 1)


@pytest.fixture(scope="module")
def tickets() -> pl.DataFrame:
    return generate(40_000, seed=7, start=START, end=END, streets=DEFAULT_STREETS,
                    units_by_category={"市场监管": "D-SCJG"}, unlabelled=0.1)


def test_the_shipped_taxonomy_is_a_three_level_tree() -> None:
    nodes = read_taxonomy()
    levels = [n.level for n in nodes]
    assert levels.count(1) == 12
    assert 35 <= levels.count(2) <= 50
    assert 120 <= levels.count(3) <= 150
    codes = {n.code for n in nodes}
    for n in nodes:
        assert len(n.code) == 2 * n.level
        assert (n.parent is None) == (n.level == 1)
        assert n.parent is None or (n.parent in codes and n.code.startswith(n.parent))
        assert n.path.count("/") == n.level - 1
        assert (3 <= len(n.keywords) <= 8) if n.level == 3 else not n.keywords
    assert "住房保障与物业/物业管理/供暖不热" in {n.path for n in nodes}


def test_a_taxonomy_row_with_an_unknown_parent_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "t.csv"
    bad.write_text("code,name,parent,keywords\n01,城乡建设,,\n0201,市政设施,02,\n", encoding="utf-8")
    with pytest.raises(ValueError, match="row 3: parent '02'"):
        read_taxonomy(bad)


def test_the_generator_is_deterministic_for_a_seed() -> None:
    kw = {"start": START, "end": END, "streets": DEFAULT_STREETS, "unlabelled": 0.1}
    a = generate(3000, seed=5, **kw)
    assert a.equals(generate(3000, seed=5, **kw))
    assert not a.equals(generate(3000, seed=6, **kw))
    assert labelled_texts(500, seed=1).equals(labelled_texts(500, seed=1))


def test_columns_and_types(tickets: pl.DataFrame) -> None:
    assert tickets.columns == list(COLUMNS)
    schema = tickets.schema
    for c in ("received_at", "responded_at", "closed_at"):
        assert schema[c] == pl.Datetime("us")
    assert schema["transfers"] == pl.Int8
    assert all(schema[c] == pl.String for c in COLUMNS if c not in ("received_at", "responded_at", "closed_at",
                                                                    "transfers"))
    assert tickets["id"].is_unique().all()
    assert tickets["id"].str.contains(r"^BJ20\d{6}\d{5}$").all()
    assert tickets["received_at"].is_sorted()
    assert tickets["received_at"].min() >= START
    assert tickets["received_at"].max() < END
    # An id carries its day.
    assert (tickets["id"].str.slice(2, 8) == tickets["received_at"].dt.strftime("%Y%m%d")).all()
    assert tickets.filter(pl.col("responded_at") < pl.col("received_at")).height == 0
    assert tickets.filter(pl.col("closed_at") < pl.col("responded_at")).height == 0


def test_shares_are_roughly_as_specified(tickets: pl.DataFrame) -> None:
    n = tickets.height
    share = lambda expr: tickets.filter(expr).height / n  # noqa: E731
    assert share(pl.col("urgency") == "紧急") == pytest.approx(0.08, abs=0.01)
    assert share(pl.col("category").is_null()) == pytest.approx(0.10, abs=0.01)
    assert share(pl.col("resolution") == "已解决") == pytest.approx(0.75, abs=0.04)
    assert share(pl.col("resolution") == "未解决") == pytest.approx(0.12, abs=0.02)
    assert 0.03 < share(pl.col("closed_at").is_null()) < 0.15
    assert set(tickets["channel"].unique()) == {"电话", "网络", "小程序", "信件"}
    closed = tickets.filter(pl.col("closed_at").is_not_null())
    assert closed["satisfaction"].is_not_null().mean() == pytest.approx(0.6, abs=0.03)
    unhappy = lambda r: closed.filter(pl.col("resolution") == r)["satisfaction"].eq("不满意").mean()  # noqa: E731
    assert unhappy("未解决") > 3 * unhappy("已解决")
    assert tickets.filter(pl.col("closed_at").is_null())["resolution"].is_null().all()
    # Response: hours, not days, with some over the deadline and some never.
    hours = (tickets["responded_at"] - tickets["received_at"]).dt.total_seconds() / 3600
    assert 2 < hours.median() < 8
    assert 0.01 < share(pl.col("responded_at").is_null()) < 0.05
    late = tickets.filter(((pl.col("responded_at") - pl.col("received_at")) > timedelta(hours=24))
                          & (pl.col("urgency") == "一般"))
    assert 0.01 < late.height / n < 0.12
    # Units: the street office, or the market regulator for some of its tickets.
    assert set(tickets["unit"].unique()) <= {s[0] for s in DEFAULT_STREETS} | {"D-SCJG"}
    market = tickets.filter(pl.col("category").str.starts_with("市场监管"))
    assert 0.4 < market["unit"].eq("D-SCJG").mean() < 0.8


def test_repeat_addresses_and_repeat_tickets(tickets: pl.DataFrame) -> None:
    per_address = tickets.group_by("address").len()
    assert per_address["len"].max() > 50  # some addresses complain again and again
    repeats = tickets.filter(pl.col("repeat_of").is_not_null())
    assert 0.01 < repeats.height / tickets.height < 0.4
    earlier = repeats.join(tickets.select(pl.col("id").alias("repeat_of"), pl.col("address").alias("a0"),
                                          pl.col("received_at").alias("t0")), on="repeat_of")
    assert earlier.height == repeats.height
    assert (earlier["a0"] == earlier["address"]).all()
    assert (earlier["t0"] <= earlier["received_at"]).all()


def test_popularity_is_skewed_and_seasons_show(tickets: pl.DataFrame) -> None:
    counts = tickets.group_by("category").len().drop_nulls().sort("len", descending=True)["len"]
    assert counts[0] > 10 * counts[counts.len() // 2]
    heating = tickets.filter(pl.col("category") == "住房保障与物业/物业管理/供暖不热")
    month = heating["received_at"].dt.month()
    assert month.is_in([11, 12, 1, 2, 3]).mean() > 0.8
    noise = tickets.filter(pl.col("category").str.contains("噪"))["received_at"].dt.month()
    assert noise.is_in([6, 7, 8]).mean() > 0.3  # a quarter of the year, more than a quarter of the noise


def test_texts_are_not_trivially_keyword_separable() -> None:
    data = labelled_texts(5000, seed=3)
    rules = KeywordRules.from_taxonomy(read_taxonomy())
    found, hits = rules.match(data["text"].to_list())
    no_keyword = sum(1 for h in hits if h == 0) / data.height
    assert 0.05 < no_keyword < 0.2  # ~10 % name only their level-2 area
    right = sum(f == c for f, c in zip(found, data["category"].to_list(), strict=True)) / data.height
    assert 0.4 < right < 0.9  # shared words and noise: rules alone are far from perfect
