"""`jixiao tickets indicators` run as a user runs it: a subprocess, files in and out, no Django."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

SRC = str(Path(__file__).resolve().parents[2] / "src")
HEADER = ("工单编号", "受理时间", "问题分类", "承办单位", "紧急程度", "响应时间", "办理结果", "满意度")
ROWS = [
    ("T1", "2026-03-02 08:00", "城乡建设/占道", "城管局", "紧急", "2026-03-02 10:00", "已解决", "满意"),
    ("T2", "2026-03-02 08:00", "城乡建设/占道", "城管局", "紧急", "2026-03-02 10:00:01", "未解决", "基本满意"),
    ("T3", "2026-03-09 08:00", "环境保护", "城管局", "一般", "", "办理中", "不满意"),
    ("T4", "2026-03-31 23:59:59", "环境保护", "环保局", "", "2026-04-01 08:00", "", ""),
    ("T5", "2026-04-01 00:00", "环境保护", "环保局", "", "", "已解决", "满意"),
    ("T6", "2026-03-05 08:00", "环境保护", "", "", "", "已解决", "满意"),
]


def jixiao(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": SRC, "JIXIAO_LANG": "zh"}
    return subprocess.run([sys.executable, "-X", "importtime", "-m", "jixiao.cli", *args], capture_output=True,
                          text=True, env=env, check=False)


@pytest.fixture
def export(tmp_path: Path) -> Path:
    path = tmp_path / "tickets.csv"
    with path.open("w", encoding="gbk", newline="") as fh:
        csv.writer(fh).writerows([HEADER, *ROWS])
    return path


def read_back(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def test_it_writes_the_rates_of_the_period_without_importing_django(export: Path, tmp_path: Path) -> None:
    out = tmp_path / "rates.csv"
    done = jixiao("tickets", "indicators", str(export), "--period", "2026-03", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    # 城管局: T1 on time (2 h), T2 late by a second, T3 never; closed T1, T2; surveyed 3, satisfied 2.
    # 环保局: T4 responded in 8 h 00 01 (一般: 24 h), nothing closed or surveyed. T5 is April; T6 has no unit.
    assert read_back(out) == [
        ["unit", "received", "responded_on_time", "response_rate", "closed", "solved", "resolution_rate",
         "surveyed", "satisfied", "satisfaction_rate"],
        ["城管局", "3", "1", "33.33", "2", "1", "50.00", "3", "2", "66.67"],
        ["环保局", "1", "1", "100.00", "0", "0", "", "0", "0", ""],
    ]
    assert "5 件工单，2 个承办单位；1 件无承办单位未计入" in done.stderr
    imported = [line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time")]
    assert "jixiao.engine.tickets" in imported
    assert not [m for m in imported if m == "django" or m.startswith("django.")]


def test_an_sla_file_and_the_satisfied_words_change_the_rates(export: Path, tmp_path: Path) -> None:
    sla = tmp_path / "sla.csv"
    sla.write_text("category,urgency,hours\n城乡建设,紧急,2.5\n", encoding="utf-8")
    out = tmp_path / "rates.xlsx"
    done = jixiao("tickets", "indicators", str(export), "--period", "2026-03-01..2026-03-31", "--sla", str(sla),
                  "--satisfied", "满意", "--out", str(out), "--lang", "en")
    assert done.returncode == 0, done.stderr
    ws = openpyxl.load_workbook(out).active
    assert ws is not None
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert rows[1] == ["城管局", 3, 2, 66.67, 2, 1, 50.0, 3, 1, 33.33]
    assert rows[2][6] is None
    assert "5 tickets, 2 responsible units; 1 without a unit not counted" in done.stderr


@pytest.mark.parametrize("bad", ["period", "tickets", "sla"])
def test_bad_input_exits_2_and_writes_nothing(export: Path, tmp_path: Path, bad: str) -> None:
    out = tmp_path / "rates.csv"
    period = "2026-3月" if bad == "period" else "2026-03"
    if bad == "tickets":
        with export.open("a", encoding="gbk", newline="") as fh:
            csv.writer(fh).writerow(("T1", "2026-03-40 08:00", "", "", "", "", "", ""))
    args = ["tickets", "indicators", str(export), "--period", period, "--out", str(out)]
    if bad == "sla":
        sla = tmp_path / "sla.csv"
        sla.write_text("category,urgency,hours\n,紧急,-1\n", encoding="utf-8")
        args += ["--sla", str(sla)]
    done = jixiao(*args)
    assert done.returncode == 2
    assert not out.exists()
    assert list(tmp_path.glob(".jixiao-*")) == []
    assert "未写入任何文件" in done.stderr
    expected = {"period": "无法识别的期间“2026-3月”",
                "tickets": "tickets.csv 第 8 行“工单编号”列：工单编号“T1”重复（第 2 行已有）",
                "sla": "sla.csv 第 2 行“hours”列：时限“-1”不是大于 0 的小时数"}[bad]
    assert expected in done.stderr


def test_train_and_classify_run_from_the_command_without_django(tmp_path: Path) -> None:
    import polars as pl

    from jixiao.hotline.sample import labelled_texts

    labelled = labelled_texts(1500, seed=4)
    # Cross-validation needs two examples of each category (a file with one is refused, as tested elsewhere).
    labelled.filter(pl.len().over("category") >= 5).write_csv(tmp_path / "labelled.csv")
    labelled_texts(200, seed=5).select("id", "text").write_csv(tmp_path / "new.csv")
    trained = jixiao("tickets", "train", str(tmp_path / "labelled.csv"), "--out", str(tmp_path / "m.npz"),
                     "--folds", "2")
    assert trained.returncode == 0, trained.stderr
    assert "交叉验证准确率" in trained.stderr + trained.stdout
    done = jixiao("tickets", "classify", str(tmp_path / "new.csv"), "--model", str(tmp_path / "m.npz"),
                  "--out", str(tmp_path / "out.csv"))
    assert done.returncode == 0, done.stderr
    with (tmp_path / "out.csv").open(encoding="utf-8-sig") as fh:
        header, *rows = list(csv.reader(fh))
    assert header[:3] == ["id", "category", "confidence"]
    assert len(rows) == 200
    for run in (trained, done):
        imported = [line.rsplit("|", 1)[-1].strip() for line in run.stderr.splitlines()
                    if line.startswith("import time")]
        assert "jixiao.engine.classifycli" in imported
        assert not [m for m in imported if m == "django" or m.startswith("django.")]
