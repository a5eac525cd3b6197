"""The ``jixiao`` platform commands: imports are all or nothing, name the row and column of each problem
and exit with status 2; compute and the demo are safe to run again."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jixiao.audit.models import AuditEvent
from jixiao.collection.models import Value
from jixiao.org.models import Person, Unit


def _run(*args: str) -> int:
    """The command as ``jixiao`` runs it, returning the exit status. (Through ``call_command``: the console
    entry closes the database connections on exit, which would end the test's transaction.)"""
    try:
        call_command(*args)
    except CommandError as exc:
        sys.stderr.write(f"CommandError: {exc}\n")
        return exc.returncode
    return 0


def test_the_console_entry_exits_with_status_2_on_a_bad_file(tmp_path: Path) -> None:
    units = tmp_path / "units.csv"
    units.write_text("code,name,level,parent,category\nX1,某区,planet,,Z\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"JIXIAO_DATA_DIR": str(tmp_path)}
    jixiao = Path(sys.executable).parent / "jixiao"
    subprocess.run([str(jixiao), "manage", "migrate", "-v", "0"], env=env, check=True, timeout=120)
    done = subprocess.run(
        [str(jixiao), "import", "units", str(units)], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2
    assert "units.csv, row 2, column level: 'planet' is not one of" in done.stderr


def test_importing_units_and_staff_builds_the_tree(world: Any, tmp_path: Path) -> None:
    units = tmp_path / "units.csv"
    units.write_text(
        "code,name,level,parent,category\nD1,东城区,district,CITY,A\nD1-S1,东城街道,street,D1,A\n",
        encoding="utf-8",
    )
    staff = tmp_path / "staff.csv"
    staff.write_text(
        "code,name,post_type,unit\nP1,张伟,enforcement,D1-S1\nP2,李娜,service,D1\n", encoding="utf-8"
    )
    assert _run("import", "units", str(units)) == 0
    assert _run("import", "staff", str(staff)) == 0
    assert Unit.objects.get(code="D1-S1").path == "/CITY/D1/D1-S1/"
    assert Person.objects.get(code="P1").unit.code == "D1-S1"
    assert list(AuditEvent.objects.order_by("-seq").values_list("action", flat=True)[:2]) == [
        "person.import",
        "unit.import",
    ]


def test_a_bad_file_changes_nothing_and_names_every_row_and_column(
    world: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "values.csv"
    file.write_text(
        "unit,indicator,value\nA,RESP,93\nZZ,RESP,90\nA,NOPE,1\nB,EXEC,abc\nA,RESP,94\n", encoding="utf-8"
    )
    before = (
        Value.objects.count(),
        AuditEvent.objects.count(),
        Value.objects.get(subject__cycle=world.open, subject__code="A", indicator="RESP").value,
    )
    assert _run("import", "values", str(file), "--cycle", "2026") == 2
    err = capsys.readouterr().err
    assert "values.csv, row 5, column value: 预算执行率（EXEC）：“abc”不是数字" in err
    file.write_text("unit,indicator,value\nA,RESP,93\nZZ,RESP,90\nA,NOPE,1\nA,RESP,94\n", encoding="utf-8")
    assert _run("import", "values", str(file), "--cycle", "2026") == 2
    err = capsys.readouterr().err
    assert "row 3, column unit: “ZZ”不是 2026 中您可以填报数值的考核对象" in err
    assert "row 4, column indicator: “NOPE”不是方案" in err
    assert "row 5: 重复行：A RESP 已在第 2 行给出" in err
    after = (
        Value.objects.count(),
        AuditEvent.objects.count(),
        Value.objects.get(subject__cycle=world.open, subject__code="A", indicator="RESP").value,
    )
    assert after == before


def test_an_operator_cannot_import_another_units_values(
    world: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "values.xlsx"
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["unit", "indicator", "value"])
    wb.active.append(["A", "EXEC", 95])
    wb.active.append(["B", "EXEC", 95])
    wb.active.append(["A", "RESP", 95])
    wb.save(file)
    assert _run("import", "values", str(file), "--cycle", "2026", "--actor", "op-a") == 2
    err = capsys.readouterr().err
    assert "row 3, column unit: “B”不是 2026 中您可以填报数值的考核对象" in err  # unseen and absent alike
    assert "row 4, column indicator: 诉求响应率：此项只能由考核办填报" in err  # the hotline's item is the office's


def test_importing_into_a_published_cycle_is_refused_clearly(
    world: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "values.csv"
    file.write_text("unit,indicator,value\nA,RESP,93\n", encoding="utf-8")
    assert _run("import", "values", str(file), "--cycle", "2025") == 2
    assert "2025 处于“已定稿”状态：导入实际值仅在“填报中”状态下可进行" in capsys.readouterr().err


def test_compute_stores_results_and_can_run_as_a_job(world: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run("compute", "2026") == 0
    assert "3 results stored" in capsys.readouterr().out
    assert _run("compute", "2026", "--async") == 0
    assert "queued job" in capsys.readouterr().out
    assert _run("compute", "nope") == 2


def test_the_demo_loads_a_city_and_is_safe_to_run_again(
    db: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from jixiao.cycles.models import Cycle
    from jixiao.results.models import Result

    call_command("demo", "--no-serve")
    out = capsys.readouterr().out
    assert "operator" in out
    assert "jixiao-demo" in out
    assert Unit.objects.filter(category__isnull=False).count() >= 60
    assert Unit.objects.values("category").distinct().count() >= 2
    assert Person.objects.count() >= 300
    assert set(Unit.objects.values_list("level", flat=True)) >= {"city", "district", "street", "department"}
    last, this = Cycle.objects.get(code="SFS-2025"), Cycle.objects.get(code="SFS-2026")
    assert (last.state, this.state) == ("published", "open")
    assert len(last.scheme.engine.leaves) >= 20
    flags = list(Result.objects.filter(cycle=last).values_list("flags", flat=True))
    assert any("veto:" in f for f in flags)
    assert any("missing:" in f for f in flags)
    assert Value.objects.filter(cycle=last, indicator__in=["INNOV", "REFORM", "HONOR"]).exists()
    from .test_compute import assert_results_equal_jixiao_score

    assert_results_equal_jixiao_score(last, tmp_path / "last")
    assert_results_equal_jixiao_score(this, tmp_path / "this")
    events = AuditEvent.objects.count()
    call_command("demo", "--no-serve")
    assert "already loaded" in capsys.readouterr().out
    assert AuditEvent.objects.count() == events


def test_create_user_makes_an_audited_account(world: Any, tmp_path: Path) -> None:
    secret = tmp_path / "pw"
    secret.write_text("a-long-password\n", encoding="utf-8")
    assert (
        _run("create_user", "op-a2", "--role", "operator", "--unit", "A", "--password-file", str(secret)) == 0
    )
    event = AuditEvent.objects.order_by("-seq").first()
    assert (event.action, event.source, event.after["units"]) == ("user.create", "command", ["A"])
    assert "password" not in event.after
    assert (
        _run("create_user", "x", "--role", "operator", "--unit", "NOPE", "--password-file", str(secret)) == 2
    )
