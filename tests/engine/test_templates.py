"""The shipped scheme templates (engine/templates/*.yaml) and their example inputs (examples/<name>/)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from jixiao.engine import (
    ScoreResult,
    dump_scheme,
    list_templates,
    load_template,
    read_inputs,
    read_scheme_text,
    score,
)
from jixiao.engine.scheme import RULE_TYPES

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
TEMPLATES = [name for name, _ in list_templates()]
WITH_XLSX = ["core-leader-negative"]
DATA_SUFFIXES = (".csv", ".xlsx")


def jixiao(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "jixiao.cli", *args], capture_output=True, text=True,
                          check=False)


def score_example(name: str, suffix: str = "csv") -> ScoreResult:
    scheme = load_template(name)
    d = EXAMPLES / name
    pop = read_inputs(scheme, str(d / f"units.{suffix}"), str(d / f"values.{suffix}"),
                      str(d / f"ratings.{suffix}"))
    return score(scheme, pop)


def test_there_are_the_four_templates() -> None:
    assert set(TEMPLATES) >= {"core-leader-negative", "balanced-scorecard", "budget-performance",
                              "policy-service-law-governance-development"}


def test_the_templates_together_use_every_rule_type() -> None:
    used = {leaf.rule.type for _, s in list_templates() for leaf in s.leaves if leaf.rule is not None}
    assert used == set(RULE_TYPES)


def test_every_template_has_examples_and_every_example_a_template() -> None:
    assert sorted(p.name for p in EXAMPLES.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))) \
        == sorted(TEMPLATES)


@pytest.mark.parametrize("name", TEMPLATES)
def test_a_template_is_named_after_its_file_and_describes_itself(name: str) -> None:
    s = load_template(name)
    assert s.id == name
    assert s.name
    assert s.description
    assert len(s.leaves) >= 6
    assert all(leaf.unit for leaf in s.measured_leaves), "every measured indicator states its unit"
    assert s.grades[0].quota is not None, "the top grade has a quota"


@pytest.mark.parametrize("name", TEMPLATES)
def test_dumping_and_reading_a_template_gives_the_same_scheme(name: str) -> None:
    s = load_template(name)
    assert read_scheme_text(dump_scheme(s)) == s


@pytest.mark.parametrize("name", TEMPLATES)
def test_the_example_of_a_template_scores_in_range_with_several_grades(name: str) -> None:
    r = score_example(name)
    s = r.scheme
    bonus_cap = s.bonus.cap if s.bonus.codes else 0.0
    assert r.population.size >= 20
    assert set(r.population.categories.tolist()) == {"A", "B"}
    assert np.all(r.total >= 0)
    assert np.all(r.total <= s.scale + bonus_cap + 1e-9)
    assert np.all(r.grade >= 0), "every unit reaches a grade"
    assert len(set(r.grade.tolist())) >= 2


@pytest.mark.parametrize("name", TEMPLATES)
def test_the_example_of_a_template_shows_a_veto_and_missing_data(name: str) -> None:
    r = score_example(name)
    assert int(r.vetoed.sum()) == 1
    assert r.missing.any()
    veto_grade = r.scheme.veto.grade
    assert veto_grade is not None
    worst_allowed = [g.name for g in r.scheme.grades].index(veto_grade)
    assert int(r.grade[r.vetoed][0]) >= worst_allowed


@pytest.mark.parametrize("name", WITH_XLSX)
def test_the_excel_example_scores_as_the_csv_example(name: str) -> None:
    from_csv, from_xlsx = score_example(name, "csv"), score_example(name, "xlsx")
    np.testing.assert_allclose(from_xlsx.total, from_csv.total, rtol=0, atol=1e-9)
    assert from_xlsx.grade.tolist() == from_csv.grade.tolist()


def test_the_examples_are_what_generate_py_writes(tmp_path: Path) -> None:
    script = tmp_path / "generate.py"
    shutil.copy(EXAMPLES / "generate.py", script)
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    written = sorted(p.relative_to(tmp_path) for p in tmp_path.glob("*/*") if p.suffix in DATA_SUFFIXES)
    shipped = sorted(p.relative_to(EXAMPLES) for p in EXAMPLES.glob("*/*") if p.suffix in DATA_SUFFIXES)
    assert written == shipped
    for rel in written:
        assert (tmp_path / rel).read_bytes() == (EXAMPLES / rel).read_bytes(), f"{rel} differs; run generate.py"


def test_jixiao_templates_lists_every_template() -> None:
    done = jixiao("templates")
    assert done.returncode == 0, done.stderr
    listed = [line.split()[0] for line in done.stdout.splitlines() if line.strip()]
    assert listed == TEMPLATES


@pytest.mark.parametrize("name", TEMPLATES)
def test_jixiao_templates_show_prints_yaml_that_parses(name: str) -> None:
    done = jixiao("templates", "show", name)
    assert done.returncode == 0, done.stderr
    assert read_scheme_text(done.stdout) == load_template(name)
