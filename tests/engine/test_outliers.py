"""The peer check of the anomaly rules with hand-worked numbers, and ``jixiao outliers`` on files.

Hand-worked, group [1, 2, 3, 4, 100]:
  median 3; absolute deviations 2, 1, 0, 1, 97 -> MAD 1; modified z of 100 = 0.6745 x 97 / 1 = 65.4265 (flagged),
  of 1 = 0.6745 x (-2) = -1.349 (not);
  mean 22; deviations -21, -20, -19, -18, 78; population variance (441 + 400 + 361 + 324 + 6084) / 5 = 1522,
  SD 39.0128; z of 100 = 78 / 39.0128 = 1.9994: not flagged at 3.0 (the outlier inflates the SD that judges it).
MAD = 0, group [5, 5, 5, 5, 9]:
  median 5; deviations 0, 0, 0, 0, 4 -> MAD 0; MeanAD 0.8;
  score of 9 = 4 / (1.253314 x 0.8) = 4 / 1.002651 = 3.98942 (flagged).
"""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl
import pytest

from jixiao.cli import main
from jixiao.engine.outliers import outliers, scores, why


def frame(values: list[float | None], indicator: str = "RESP", group: str = "A") -> pl.DataFrame:
    return pl.DataFrame({"unit": [f"U{k}" for k in range(len(values))], "indicator": [indicator] * len(values),
                         "value": pl.Series(values, dtype=pl.Float64), "group": [group] * len(values)})


def test_modified_z_score_by_hand() -> None:
    s = scores(frame([1, 2, 3, 4, 100])).sort("unit")
    assert s["score"].to_list() == pytest.approx([-1.349, -0.6745, 0.0, 0.6745, 65.4265])
    flagged = outliers(frame([1, 2, 3, 4, 100]))
    assert flagged.select("unit", "value").rows() == [("U4", 100.0)]
    assert flagged["centre"].to_list() == [3.0]


def test_mad_zero_falls_back_to_the_mean_absolute_deviation() -> None:
    s = scores(frame([5, 5, 5, 5, 9])).sort("unit")
    assert s["score"].to_list() == pytest.approx([0, 0, 0, 0, 4 / (1.253314 * 0.8)])
    assert s["score"][4] == pytest.approx(3.98942, abs=1e-5)
    assert outliers(frame([5, 5, 5, 5, 9]))["unit"].to_list() == ["U4"]
    assert outliers(frame([5, 5, 5, 5, 9]), threshold=4.0).height == 0


def test_all_equal_values_have_no_outlier() -> None:
    assert scores(frame([7, 7, 7, 7, 7]))["score"].to_list() == [0.0] * 5
    assert outliers(frame([7, 7, 7, 7, 7])).height == 0


def test_the_z_score_by_hand_and_why_the_modified_one_is_the_default() -> None:
    s = scores(frame([1, 2, 3, 4, 100]), method="z").sort("unit")
    assert s["score"][4] == pytest.approx(78 / 1522 ** 0.5)
    assert s["score"][4] == pytest.approx(1.9994, abs=1e-4)
    assert outliers(frame([1, 2, 3, 4, 100]), method="z").height == 0


def test_groups_under_five_are_not_assessed_and_empty_values_are_left_out() -> None:
    assert scores(frame([1, 2, 3, 100]))["score"].to_list() == [None] * 4
    assert outliers(frame([1, 2, 3, None, 100])).height == 0  # four values: not assessed
    both = pl.concat([frame([1, 2, 3, 4, 100], group="A"), frame([100, 100, 101, 99, 100], group="B")])
    flagged = outliers(both)
    assert flagged.select("group", "value").rows() == [("A", 100.0)]  # 100 is usual among B's


def test_each_flag_says_why_in_words() -> None:
    row = outliers(frame([1, 2, 3, 4, 100])).row(0, named=True)
    assert why(row, "modz") == "100 明显高于同组 5 个单位的中位数 3（修正 z 分数 65.43）"
    assert why(row, "modz", "en").startswith("100 is far above its 5 peers' median 3")


def test_a_threshold_must_be_positive() -> None:
    with pytest.raises(ValueError, match="above 0"):
        outliers(frame([1, 2, 3, 4, 5]), threshold=0)


def write(path: Path, header: list[str], rows: list[list[object]]) -> str:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return str(path)


def test_jixiao_outliers_writes_the_flagged_values(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    units = write(tmp_path / "units.csv", ["unit", "name", "category"],
                  [[f"A{k}", f"甲{k}", "A"] for k in range(5)] + [[f"B{k}", f"乙{k}", "B"] for k in range(5)])
    a = [1, 2, 3, 4, 100]
    b = [100, 100, 101, 99, 100]
    values = write(tmp_path / "values.csv", ["unit", "indicator", "value"],
                   [[f"A{k}", "RESP", v] for k, v in enumerate(a)] + [[f"B{k}", "RESP", v] for k, v in enumerate(b)])
    assert main(["outliers", values, "--units", units]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == ["unit,indicator,value,score", "A4,RESP,100.0,65.4265"]
    assert "1 of 10 values flagged" in err
    # compared with all ten units, A's small values are the outliers
    assert main(["outliers", values, "--units", units, "--by", "all", "--out", str(tmp_path / "o.csv")]) == 0
    flagged = pl.read_csv(tmp_path / "o.csv")
    assert set(flagged["unit"]) == {"A0", "A1", "A2", "A3"}
    assert main(["outliers", values, "--units", units, "--method", "z", "--threshold", "1.5"]) == 0
    assert capsys.readouterr().out.splitlines()[1].startswith("A4,RESP,100.0,1.99")


def test_jixiao_outliers_refuses_bad_input_saying_where(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    units = write(tmp_path / "units.csv", ["unit", "name", "category"], [["A0", "甲", "A"]])
    values = write(tmp_path / "values.csv", ["unit", "indicator", "value"], [["A0", "RESP", "9,5"], ["X9", "RESP", 1]])
    assert main(["outliers", values, "--units", units]) == 2
    err = capsys.readouterr().err
    assert "values.csv" in err
    assert "row 2" in err
    assert main(["outliers", values, "--units", units, "--threshold", "-1"]) == 2
    assert "--threshold" in capsys.readouterr().err
    assert not (tmp_path / "o.csv").exists()
