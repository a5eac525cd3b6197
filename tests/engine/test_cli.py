"""`jixiao score` on good and bad files, CSV and real .xlsx written with openpyxl."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from jixiao.engine.testing import SCORING_MD_SCHEME

UNITS = [("unit", "name", "category"), ("X", "市公安局", "A"), ("Y", "市财政局", "B"), ("Z", "市教育局", "A")]
VALUES = [("unit", "indicator", "value"),
          ("X", "RESP", "90"), ("X", "DAYS", "8"), ("X", "EXEC", "95"), ("X", "ONSITE", "1.5"), ("X", "NEG", "2"),
          ("X", "INNOV", "3"), ("X", "REFORM", "4"), ("X", "ACCIDENT", "2"),
          ("Y", "RESP", "100"), ("Y", "DAYS", "5"), ("Y", "EXEC", "120"), ("Y", "NEG", "0"),
          ("Z", "RESP", "85"), ("Z", "MAJOR", "1")]
RATINGS = [("unit", "indicator", "group", "rater", "score"),
           ("X", "LEAD", "superior", "s0", "70"), ("X", "LEAD", "superior", "s1", "80"),
           ("X", "LEAD", "superior", "s2", "90"), ("X", "LEAD", "superior", "s3", "100"),
           ("X", "LEAD", "peer", "p0", "60")]


def jixiao(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "jixiao.cli", *args], capture_output=True, text=True, cwd=cwd,
                          check=False)


def write_csv(path: Path, rows: list[tuple[str, ...]], bom: bool = False) -> Path:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[tuple[object, ...]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    scheme = tmp_path / "scheme.yaml"
    scheme.write_text(SCORING_MD_SCHEME, encoding="utf-8")
    return {"scheme": scheme, "units": write_csv(tmp_path / "units.csv", UNITS, bom=True),
            "values": write_csv(tmp_path / "values.csv", VALUES),
            "ratings": write_csv(tmp_path / "ratings.csv", RATINGS)}


def score_args(f: dict[str, Path], *extra: str) -> list[str]:
    return ["score", str(f["scheme"]), "--units", str(f["units"]), "--values", str(f["values"]),
            "--ratings", str(f["ratings"]), *extra]


def read_out(path: Path) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8-sig") as fh:
        return {row["unit"]: row for row in csv.DictReader(fh)}


def test_it_writes_the_table_with_the_columns_in_order(files: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "result.csv"
    proc = jixiao(*score_args(files, "--out", str(out)))
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 Chinese only with the BOM
    with out.open(encoding="utf-8-sig") as fh:
        header = next(csv.reader(fh))
    assert header == ["unit", "name", "category", "total", "rank", "grade", "flags",
                      "CORE", "RESP", "DAYS", "EXEC", "ONSITE", "LEAD", "NEG"]
    rows = read_out(out)
    assert rows["X"]["total"] == "74.21"
    assert rows["Y"]["total"] == "70.00"   # CORE 60 + NEG 10; no ratings for Y, so LEAD is missing: 0
    assert rows["Z"]["grade"] == "不合格"
    assert "veto:MAJOR" in rows["Z"]["flags"]
    assert rows["Y"]["ONSITE"] == ""


def test_it_prints_a_readable_table_without_out(files: dict[str, Path]) -> None:
    proc = jixiao(*score_args(files))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].split()[:7] == ["unit", "name", "category", "total", "rank", "grade", "flags"]
    assert any(line.startswith("X") and "74.21" in line for line in lines)


def test_it_explains_one_unit(files: dict[str, Path]) -> None:
    proc = jixiao(*score_args(files, "--explain", "X", "--lang", "zh"))
    assert proc.returncode == 0, proc.stderr
    assert "市公安局（X，A 类）" in proc.stdout
    assert "三、总分 = 指标得分 71.21 + 加分 5.00 − 扣分 2.00 = 74.21" in proc.stdout


def test_it_reads_real_xlsx_files(files: dict[str, Path], tmp_path: Path) -> None:
    units = write_xlsx(tmp_path / "units.xlsx", UNITS)
    # Numbers as Excel stores them: numeric cells, not text.
    values = write_xlsx(tmp_path / "values.xlsx",
                        [VALUES[0], *[(u, i, float(v)) for u, i, v in VALUES[1:]]])
    ratings = write_xlsx(tmp_path / "ratings.xlsx", [RATINGS[0], *[(*r[:4], int(r[4])) for r in RATINGS[1:]]])
    out = tmp_path / "result.xlsx"
    proc = jixiao("score", str(files["scheme"]), "--units", str(units), "--values", str(values),
                  "--ratings", str(ratings), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    ws = openpyxl.load_workbook(out).active
    assert ws is not None
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:4] == ("unit", "name", "category", "total")
    assert {r[0]: r[3] for r in rows[1:]}["X"] == 74.21


def test_a_percentage_cell_in_excel_is_read_as_percent_points(files: dict[str, Path], tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["unit", "indicator", "value"])
    ws.append(["X", "RESP", 0.9])          # shown as 90% in Excel
    ws["C2"].number_format = "0%"
    values = tmp_path / "values.xlsx"
    wb.save(values)
    proc = jixiao("score", str(files["scheme"]), "--units", str(files["units"]), "--values", str(values),
                  "--explain", "X", "--lang", "en")
    assert proc.returncode == 0, proc.stderr
    assert "actual value 90%" in proc.stdout


def test_a_percentage_on_an_indicator_not_measured_in_percent_is_refused(files: dict[str, Path],
                                                                          tmp_path: Path) -> None:
    bad = write_csv(tmp_path / "values.csv", [VALUES[0], ("X", "DAYS", "8%")])
    proc = jixiao("score", str(files["scheme"]), "--units", str(files["units"]), "--values", str(bad))
    assert proc.returncode == 2
    assert "values.csv, row 2, column value: 审批平均时长 (DAYS): written as a percentage, but it is measured in 天" \
        in proc.stderr


@pytest.mark.parametrize(("which", "rows", "message"), [
    ("values", [VALUES[0], ("X", "RESP", "90"), ("Q", "RESP", "90")],
     "values.csv, row 3, column unit: unit 'Q' is not in units.csv"),
    ("values", [VALUES[0], ("X", "RESP", "90"), ("X", "NOPE", "1")],
     "values.csv, row 3, column indicator: unknown indicator 'NOPE'"),
    ("values", [VALUES[0], ("X", "CORE", "1")],
     "values.csv, row 2, column indicator: 'CORE' is a group of indicators"),
    ("values", [VALUES[0], ("X", "LEAD", "1")],
     "values.csv, row 2, column indicator: 'LEAD' is a rating indicator; its ratings belong in the ratings file"),
    ("values", [VALUES[0], ("X", "RESP", "九十")],
     "values.csv, row 2, column value: '九十' is not a number"),
    ("values", [VALUES[0], ("X", "RESP", "90"), ("Y", "RESP", "80"), ("X", "RESP", "91")],
     "values.csv, row 4, column unit+indicator: duplicate row: this unit and indicator already given at row 2"),
    ("values", [VALUES[0], ("X", "NEG", "-1")],
     "values.csv, row 2, column value: 负面清单 (NEG): must be 0 or more; got -1"),
    ("values", [("unit", "indicator", "amount"), ("X", "RESP", "90")],
     "values.csv, row 1, column value: missing column 'value' (the header has: unit, indicator, amount)"),
    ("values", [VALUES[0], ("X", "RESP", "90", "extra")],
     "values.csv, row 2: has 4 fields where the header has 3"),
    ("ratings", [RATINGS[0], ("X", "LEAD", "superior", "s0", "101")],
     "ratings.csv, row 2, column score: 101 is outside LEAD's scale [0, 100]"),
    ("ratings", [RATINGS[0], ("X", "LEAD", "boss", "s0", "80")],
     "ratings.csv, row 2, column group: 'boss' is not a rater group of LEAD"),
    ("ratings", [RATINGS[0], ("X", "LEAD", "superior", "s0", "80"), ("X", "LEAD", "superior", "s0", "90")],
     "ratings.csv, row 3, column unit+indicator+group+rater: duplicate row"),
    ("ratings", [RATINGS[0], ("X", "RESP", "superior", "s0", "80")],
     "ratings.csv, row 2, column indicator: 'RESP' is not a rating indicator"),
    ("units", [UNITS[0], ("X", "a", "A"), ("X", "b", "B")],
     "units.csv, row 3, column unit: duplicate unit 'X' (first at row 2)"),
    ("units", [UNITS[0], ("X", "a", "")],
     "units.csv, row 2, column category: the category is empty"),
])
def test_bad_input_stops_with_status_2_names_the_place_and_writes_nothing(
        files: dict[str, Path], tmp_path: Path, which: str, rows: list[tuple[str, ...]], message: str) -> None:
    write_csv(files[which], rows)
    out = tmp_path / "result.csv"
    proc = jixiao(*score_args(files, "--out", str(out)))
    assert proc.returncode == 2, proc.stdout
    assert message in proc.stderr
    assert "Nothing was written." in proc.stderr
    assert not out.exists()
    assert not list(tmp_path.glob(".jixiao-*"))


def test_a_broken_xlsx_file_is_refused_clearly(files: dict[str, Path], tmp_path: Path) -> None:
    broken = tmp_path / "values.xlsx"
    broken.write_bytes(b"PK\x03\x04 this is not really a workbook")
    proc = jixiao("score", str(files["scheme"]), "--units", str(files["units"]), "--values", str(broken))
    assert proc.returncode == 2
    assert "values.xlsx: is not a readable .xlsx workbook" in proc.stderr


def test_a_gbk_csv_is_refused_with_advice(files: dict[str, Path]) -> None:
    files["units"].write_bytes("unit,name,category\nX,市公安局,A\n".encode("gbk"))
    proc = jixiao(*score_args(files))
    assert proc.returncode == 2
    assert "units.csv: is not UTF-8 text" in proc.stderr


def test_a_wrong_scheme_is_refused_before_reading_data(files: dict[str, Path]) -> None:
    files["scheme"].write_text(SCORING_MD_SCHEME.replace("floor: 80, ", ""), encoding="utf-8")
    proc = jixiao(*score_args(files))
    assert proc.returncode == 2
    assert "tree[0].children[0].rule.floor: required for type linear" in proc.stderr


def test_explaining_an_unknown_unit_is_an_error(files: dict[str, Path]) -> None:
    proc = jixiao(*score_args(files, "--explain", "NOPE"))
    assert proc.returncode == 2
    assert "--explain NOPE: no such unit" in proc.stderr


def test_the_score_command_does_not_import_django(files: dict[str, Path]) -> None:
    code = ("import sys; from jixiao.cli import main; rc = main(" + repr(score_args(files)) + "); "
            "assert rc == 0; assert not any(m == 'django' or m.startswith('django.') for m in sys.modules), "
            "'django imported'")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr


def test_a_negotiated_target_overrides_the_schemes(files: dict[str, Path], tmp_path: Path) -> None:
    targets = write_csv(tmp_path / "targets.csv", [("unit", "indicator", "floor", "target"), ("X", "RESP", "70", "90")])
    proc = jixiao(*score_args(files, "--targets", str(targets), "--explain", "X", "--lang", "en"))
    assert proc.returncode == 0, proc.stderr
    # RESP 90 now meets its negotiated target 90 (floor 70): the full 18 points instead of 9.
    assert ("RESP 诉求响应率: actual value 90%; fraction 100.0%; 18.00 of 18.00 points. Rule (negotiated): "
            "Full points at 90% or more, none at 70% or less, in proportion between.") in proc.stdout


def test_an_explanation_states_each_rule_in_the_words_of_the_pages(files: dict[str, Path]) -> None:
    proc = jixiao(*score_args(files, "--explain", "X", "--lang", "zh"))
    assert proc.returncode == 0, proc.stderr
    assert ("RESP 诉求响应率：实际值 90%；得分率 50.0%，满分 18.00 分，得 9.00 分。"
            "计分规则：100% 及以上得满分，80% 及以下不得分，其间按比例计分。") in proc.stdout
    assert "计分规则：分档计分：≤ 1 小时: 100%；≤ 2 小时: 60%；其余 0%。" in proc.stdout


def test_a_target_equal_to_its_floor_is_refused(files: dict[str, Path], tmp_path: Path) -> None:
    targets = write_csv(tmp_path / "targets.csv", [("unit", "indicator", "floor", "target"), ("X", "RESP", "90", "90")])
    proc = jixiao(*score_args(files, "--targets", str(targets)))
    assert proc.returncode == 2
    assert "targets.csv, row 2, column target: RESP: the target must differ from the floor" in proc.stderr


FORMULAS = ["=1+1", "@SUM(A1)", "+1", "-1+2", "\tx"]
EVIL = "=cmd|' /C calc'!A0"
#: (code, name, category) as the table holds them: the reader strips spaces around text (a leading tab too).
FORMULA_UNITS = [*[(f"U{i}{text}", text.strip(), "A") for i, text in enumerate(FORMULAS)], ("=X", EVIL, "=B")]


@pytest.fixture
def formula_files(files: dict[str, Path], tmp_path: Path) -> dict[str, Path]:
    """Units whose codes, names and categories a spreadsheet would run as formulas (OWASP CSV injection)."""
    units = [UNITS[0], *[(f"U{i}{text}", text, "A") for i, text in enumerate(FORMULAS)], ("=X", EVIL, "=B")]
    values = [VALUES[0], *[(u[0], "RESP", "90") for u in units[1:]]]
    return {**files, "units": write_csv(tmp_path / "units.csv", units),
            "values": write_csv(tmp_path / "values.csv", values),
            "ratings": write_csv(tmp_path / "ratings.csv", [RATINGS[0]])}


def test_text_that_looks_like_a_formula_is_written_to_xlsx_as_text(formula_files: dict[str, Path],
                                                                    tmp_path: Path) -> None:
    out = tmp_path / "result.xlsx"
    proc = jixiao(*score_args(formula_files, "--out", str(out)))
    assert proc.returncode == 0, proc.stderr
    ws = openpyxl.load_workbook(out).active
    assert ws is not None
    rows = list(ws.iter_rows(min_row=2))
    assert sorted(tuple(c.value for c in row[:3]) for row in rows) == sorted(FORMULA_UNITS)
    assert all(c.data_type == "s" for row in rows for c in row[:3])
    # Numbers stay numbers: RESP 90 earns 0.5 of its 18 points (24 in category =B, without ONSITE).
    assert {row[0].value: (row[3].data_type, row[3].value) for row in rows} == \
        {code: ("n", 12.0 if code == "=X" else 9.0) for code, _, _ in FORMULA_UNITS}
    assert all(row[4].data_type == "n" and isinstance(row[4].value, int) for row in rows)


def test_text_that_looks_like_a_formula_is_quoted_in_csv(formula_files: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "result.csv"
    proc = jixiao(*score_args(formula_files, "--out", str(out)))
    assert proc.returncode == 0, proc.stderr
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))[1:]
    quoted = [("U0=1+1", "'=1+1", "A"), ("U1@SUM(A1)", "'@SUM(A1)", "A"), ("U2+1", "'+1", "A"),
              ("U3-1+2", "'-1+2", "A"), ("U4\tx", "x", "A"), ("'=X", "'" + EVIL, "'=B")]
    assert sorted(tuple(row[:3]) for row in rows) == sorted(quoted)
    assert [row[3] for row in rows] == ["9.00"] * 5 + ["12.00"]     # numbers are not quoted


def test_the_command_ends_with_everything_it_printed_and_its_status(files: dict[str, Path], tmp_path: Path) -> None:
    # The console command leaves without taking the interpreter down (``jixiao.cli.run``): what it printed must
    # still all reach a pipe (buffered, as it is unless PYTHONUNBUFFERED says otherwise), and its exit status be the
    # command's own.
    units = [UNITS[0]] + [(f"U{k:05d}", f"单位{k}", "A" if k % 2 else "B") for k in range(4000)]
    files["units"] = write_csv(tmp_path / "many.csv", units)
    files["values"] = write_csv(tmp_path / "none.csv", [VALUES[0]])
    files["ratings"] = write_csv(tmp_path / "no_ratings.csv", [RATINGS[0]])
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    proc = subprocess.run([sys.executable, "-m", "jixiao.cli", *score_args(files)], capture_output=True, text=True,
                          env=env, check=False)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 2 + 4000  # the header, its rule and every unit
    assert lines[-1].startswith("U03999")
    files["values"] = write_csv(tmp_path / "bad.csv", [VALUES[0], ("U00001", "RESP", "abc")])
    proc = subprocess.run([sys.executable, "-m", "jixiao.cli", *score_args(files)], capture_output=True, text=True,
                          env=env, check=False)
    assert proc.returncode == 2
    assert "'abc' is not a number" in proc.stderr
