"""The demo city 示范市: units over three levels in two categories, staff, accounts for every role, the
``city-annual`` scheme, last year's cycle published and this year's open, with values (some missing),
ratings from three rater groups, negotiated targets, bonuses, penalties and a veto.

Everything is written through the service functions (so the demo's audit trail is complete) from a
seeded random generator: the same city every time.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils import timezone

from jixiao.accounts.choices import Role
from jixiao.accounts.models import User
from jixiao.accounts.services import do_create_user
from jixiao.collection.models import Value
from jixiao.collection.services import do_load_ratings, do_load_values, do_set_target
from jixiao.cycles.models import Cycle, Subject
from jixiao.cycles.services import do_close_cycle, do_create_cycle, do_open_cycle
from jixiao.engine.schemefile import template_text
from jixiao.hotline.demo import load_demo_hotline
from jixiao.hotline.models import Ticket
from jixiao.org.choices import Level, PostType
from jixiao.org.models import Unit
from jixiao.org.services import do_create_category, do_create_unit, do_load_staff
from jixiao.outcomes.demo import load_demo_outcomes
from jixiao.ratings.demo import load_demo_appraisal, load_demo_campaign
from jixiao.results.services import do_compute_cycle
from jixiao.schemes.services import do_import_scheme
from jixiao.surveys.demo import load_demo_surveys
from jixiao.verification.demo import load_demo_checks

DEPARTMENTS_A = [
    "市场监督管理局",
    "生态环境局",
    "城市管理局",
    "交通运输局",
    "应急管理局",
    "卫生健康委员会",
    "人力资源和社会保障局",
    "住房和城乡建设局",
    "自然资源和规划局",
    "政务服务数据管理局",
]
DEPARTMENTS_B = [
    "发展和改革委员会",
    "财政局",
    "机关事务管理局",
    "统计局",
    "审计局",
    "档案馆",
    "科学技术局",
    "外事办公室",
    "党史研究室",
    "地方志办公室",
]
DISTRICTS = ["东城区", "西城区", "南湖区", "北山区", "高新区", "滨江区"]
STREET_WORDS = ["和平", "建设", "新华", "解放", "人民", "光明", "幸福"]
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红鹏辉建国文斌宇浩婷雪琳晨欣怡子涵博"
PASSWORD = "jixiao-demo"
CYCLE_LAST, CYCLE_THIS = "SFS-2025", "SFS-2026"


@dataclass(frozen=True)
class Account:
    username: str
    role: Role
    unit: str
    note: str


ACCOUNTS = [
    Account("office", Role.ADMIN, "", "考核办管理员：后台全部功能"),
    Account("operator", Role.OPERATOR, "SFS-A01", "市场监督管理局填报员：只能填报本单位、仅在填报期"),
    Account("leader", Role.LEADER, "SFS-D01", "东城区负责人：可查看本区及所属街道"),
    Account("director", Role.LEADER, "SFS-A01", "市场监督管理局局长：审核本局报送的数据"),
    Account("rater", Role.RATER, "", "评价人：只能看到并修改自己的评分"),
    *(Account(f"peer{k}", Role.RATER, "", f"同级评价人{k}：只看到分配给自己的评价任务") for k in range(1, 5)),
    Account("auditor", Role.AUDITOR, "", "审计：只读，可查看审计日志"),
]


def _units(rng: random.Random) -> list[Unit]:
    """The tree: the city, 20 departments (A and B), 6 districts (A) with 7 streets each (A)."""
    cat_a = do_create_category("A", "执法服务型", actor=None, description="行政执法与公共服务职能为主")
    cat_b = do_create_category("B", "支持保障型", actor=None, description="综合协调与支持保障职能为主")
    city = do_create_unit("SFS", "示范市", Level.CITY, actor=None)
    out = []
    for k, name in enumerate(DEPARTMENTS_A, start=1):
        out.append(
            do_create_unit(
                f"SFS-A{k:02}", f"示范市{name}", Level.DEPARTMENT, actor=None, parent=city, category=cat_a
            )
        )
    for k, name in enumerate(DEPARTMENTS_B, start=1):
        out.append(
            do_create_unit(
                f"SFS-B{k:02}", f"示范市{name}", Level.DEPARTMENT, actor=None, parent=city, category=cat_b
            )
        )
    for d, name in enumerate(DISTRICTS, start=1):
        district = do_create_unit(
            f"SFS-D{d:02}", name, Level.DISTRICT, actor=None, parent=city, category=cat_a
        )
        out.append(district)
        for s, word in enumerate(STREET_WORDS, start=1):
            out.append(
                do_create_unit(
                    f"SFS-D{d:02}-S{s:02}",
                    f"{name}{word}街道",
                    Level.STREET,
                    actor=None,
                    parent=district,
                    category=cat_a,
                )
            )
    return out


def _staff(rng: random.Random, units: list[Unit]) -> int:
    """Five or six staff per unit, loaded in bulk (one audit event)."""
    rows: list[tuple[int, str, str, str, str]] = []
    posts = list(PostType.values)
    for unit in units:
        for k in range(rng.choice([5, 5, 6])):
            name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2])))
            rows.append((len(rows) + 2, f"{unit.code}-P{k + 1:02}", name, rng.choice(posts), unit.code))
    return do_load_staff(rows, actor=None, label="demo staff")["created"]


def _value(rng: random.Random, code: str, skill: float, category: str) -> float | None:
    """A plausible value for indicator ``code`` from a unit of ``skill`` in [0, 1]."""

    def pct(lo: float, hi: float) -> float:
        return round(min(100.0, max(0.0, lo + (hi - lo) * skill + rng.gauss(0, 3))), 1)

    table: dict[str, Any] = {
        "TASK": lambda: pct(75, 100),
        "PROJ": lambda: pct(70, 105),
        "EXEC": lambda: pct(80, 100),
        "IDLE": lambda: round(max(0.0, 25 - 20 * skill + rng.gauss(0, 3)), 1),
        "BIZENV": lambda: pct(65, 95),
        "DIGI": lambda: float(rng.choice([2, 3, 4, 5, 5, 6, 7]) if skill > 0.3 else rng.choice([1, 2, 3, 5])),
        "RESP": lambda: pct(88, 100),
        "SOLVE": lambda: pct(70, 96),
        "SATIS": lambda: pct(75, 97),
        "DAYS": lambda: round(max(2.0, 16 - 11 * skill + rng.gauss(0, 1.5)), 1),
        "ONSITE": lambda: round(max(0.3, 2.4 - 1.8 * skill + rng.gauss(0, 0.3)), 2),
        "CASE": lambda: pct(90, 100),
        "SERVQ": lambda: pct(75, 97),
        "COST": lambda: round(max(-3.0, 9 - 9 * skill + rng.gauss(0, 2)), 1),
        "OPEN": lambda: pct(94, 100),
        "RECT": lambda: pct(70, 100),
        "TRAIN": lambda: pct(85, 100),
        "INTEG": lambda: round(min(2.5, 1.6 + 0.9 * skill + rng.gauss(0, 0.1)), 2),
        "NEG": lambda: float(rng.choice([0, 0, 0, 0, 1, 1, 2]) if skill < 0.7 else rng.choice([0, 0, 0, 1])),
    }
    return table[code]() if code in table else None


def _fill(rng: random.Random, cycle: Cycle, skills: dict[str, float], missing: float) -> None:
    """Values for every measured indicator (a share left missing), a few bonuses and penalties, ratings
    from superiors (3), peers (5) and public representatives (7), and negotiated targets."""
    scheme = cycle.scheme.engine
    subjects = list(Subject.objects.filter(cycle=cycle).order_by("code"))
    rows: list[tuple[int, str, str, float | None]] = []
    row = 2
    for s in subjects:
        skill = skills[s.code]
        for leaf in scheme.measured_leaves:
            if leaf.only is not None and s.category not in leaf.only:
                continue
            if rng.random() < missing:
                continue
            rows.append((row, s.code, leaf.code, _value(rng, leaf.code, skill, s.category)))
            row += 1
        for code in scheme.bonus.codes:
            if rng.random() < 0.12:
                rows.append((row, s.code, code, float(rng.choice([1, 1.5, 2, 3]))))
                row += 1
        for code in scheme.penalty.codes:
            if rng.random() < 0.06:
                rows.append((row, s.code, code, float(rng.choice([1, 2, 3]))))
                row += 1
    do_load_values(cycle, rows, actor=None, source="import", label=f"{cycle.code}-values (demo)")
    ratings = []
    for s in subjects:
        centre = 70 + 25 * skills[s.code]
        for group, n in (("superior", 3), ("peer", 5), ("public", 7)):
            if group == "public" and rng.random() < 0.05:
                continue  # no public panel for this unit: the other groups' weights are renormalised
            for r in range(n):
                score = round(min(100.0, max(40.0, rng.gauss(centre, 6))), 0)
                ratings.append((s.code, "EVAL", group, f"{group}-{r + 1:02}", score))
    do_load_ratings(cycle, ratings, actor=None, label=f"{cycle.code}-ratings (demo)")


def _import_jobs(cycle: Cycle) -> None:
    """Two files the office imported on the Imports page: the 12345 hotline's monthly figures for the street
    offices (imported), and a first attempt at them typed by hand (refused, with its problems listed by row and
    column). Both run to the end here, before the demo serves."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import override_settings

    from jixiao.imports.services import do_start_import

    office = User.objects.get(username="office")
    streets = list(Subject.objects.filter(cycle=cycle, code__contains="-S").order_by("code")[:12])
    good = ["unit,indicator,value"] + [f"{s.code},RESP,{96 + (k % 4) * 0.8:.1f}" for k, s in enumerate(streets)]
    bad = ["unit,indicator,value"] + [f"{s.code},RESP,{v}" for s, v in
                                      zip(streets[:4], ["97.5%", "九十六", "98", "95"], strict=True)]
    bad.append("SFS-D09-S01,RESP,93")
    with override_settings(IMPORT_JOBS_INLINE=True):
        for name, lines in (("12345热线月报-手工.csv", bad), ("12345热线月报.csv", good)):
            # Excel's "CSV UTF-8" writes a byte-order mark; the import reads it.
            upload = SimpleUploadedFile(name, ("\ufeff" + "\n".join(lines) + "\n").encode("utf-8"),
                                        content_type="text/csv")
            do_start_import("values", upload, actor=office, cycle=cycle)


def _approval(cycle: Cycle) -> None:
    """Where the units' data of the open cycle stand: most districts submitted and approved, some accepted
    by the office, one returned with a reason, the rest still being entered; a value the check flagged, saved
    with its explanation; an evidence file kept with its history."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jixiao.approval.services import (
        do_accept_values,
        do_approve_values,
        do_return_values,
        do_submit_values,
    )
    from jixiao.collection.services import do_set_value
    from jixiao.evidence.services import do_attach_evidence

    subjects = {s.code: s for s in Subject.objects.filter(cycle=cycle)}
    a01 = subjects["SFS-A01"]
    # 市场监督管理局: the operator's unit, still entering; a flagged value with its explanation, and evidence.
    task = Value.objects.get(subject=a01, indicator="TASK") if Value.objects.filter(
        subject=a01, indicator="TASK").exists() else None
    if task is not None:
        pdf = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\n"
               b"trailer<</Root 1 0 R>>\n%%EOF\n")
        do_attach_evidence(task, SimpleUploadedFile("年度重点任务台账-初稿.pdf", pdf, "application/pdf"), actor=None)
        do_attach_evidence(task, SimpleUploadedFile("年度重点任务台账.pdf", pdf + b"%final\n", "application/pdf"),
                           actor=None)
    rect = Value.objects.filter(subject=a01, indicator="RECT").first()
    if rect is not None:
        do_set_value(a01, "RECT", 42.0, actor=None,
                     explanation="审计整改事项年中新增 37 项，完成率较上年明显下降（已报分管领导）")
    for code in ("SFS-D01", "SFS-D02", "SFS-D03", "SFS-D04"):
        do_submit_values(subjects[code], actor=None)
        do_approve_values(subjects[code], actor=None)
    for code in ("SFS-D01", "SFS-D02"):
        do_accept_values(subjects[code], actor=None)
    for code in ("SFS-A02", "SFS-A03", "SFS-A04"):
        do_submit_values(subjects[code], actor=None)
    do_submit_values(subjects["SFS-A05"], actor=None)
    do_return_values(subjects["SFS-A05"], actor=None,
                     reason="安全生产扣分项缺少应急管理部门的通报文件，请补充佐证材料后重新报送")


#: Units whose monthly pace (share of a month's planned progress) departs from their usual one: (indicator,
#: first month, last month, pace). The market regulator falls behind in the first half and recovers only to
#: yellow (two red quarters: talk with the leader); a street office lags in the first quarter and catches up;
#: the audit office falls behind from July, and the 高新区 district's key projects stall while it keeps spending
#: (money spent without results).
PACES: dict[str, list[tuple[str, int, int, float]]] = {
    "SFS-A01": [("EXEC", 1, 6, 0.62), ("EXEC", 7, 10, 1.3), ("PROJ", 1, 6, 0.7), ("PROJ", 7, 10, 1.2)],
    "SFS-D02-S03": [("EXEC", 1, 3, 0.6), ("EXEC", 4, 6, 1.3), ("PROJ", 1, 3, 0.6), ("PROJ", 4, 6, 1.3)],
    "SFS-B05": [("EXEC", 7, 10, 0.3), ("PROJ", 7, 10, 0.3)],
    "SFS-D05": [("PROJ", 7, 10, 0.1)],
}


Row = tuple[str, str, int, float | str]


def _progress(rng: random.Random, cycle: Cycle, skills: dict[str, float]) -> dict[int, list[Row]]:
    """Each month's cumulative budget execution rate and key projects' progress (%) of every unit: monthly
    increments at the unit's pace (``PACES``, else about its skill), summed."""
    months: dict[int, list[Row]] = {m: [] for m in range(1, 11)}
    for code in Subject.objects.filter(cycle=cycle).order_by("code").values_list("code", flat=True):
        usual = 0.92 + 0.12 * skills.get(code, 0.5)
        for item in ("EXEC", "PROJ"):
            total = 0.0
            for month in range(1, 11):
                pace = next((p for i, a, b, p in PACES.get(code, []) if i == item and a <= month <= b), usual)
                total += 100 / 12 * pace * (1 + rng.gauss(0, 0.03))
                value = min(100.0, round(total, 1))
                if code == "SFS-D03-S02" and item == "EXEC" and month == 6:
                    value = 96.0  # entered as the year's figure instead of the half year's: an anomaly
                months[month].append((code, item, month, max(0.0, value)))
    return months


def _last_year_progress(cycle: Cycle, skills: dict[str, float]) -> None:
    """Last year's twelve months of the same two indicators (this year's are compared with them): every unit
    about on plan, except the urban management bureau's key projects, which ran at half pace in 2025. A generator
    of its own: the rest of the demo draws the same numbers with or without it."""
    from jixiao.monitoring.services import do_load_period_values, do_set_reporting

    rng = random.Random(2025)
    for code in ("EXEC", "PROJ"):
        do_set_reporting(cycle, code, "monthly", actor=None)
    rows: list[Row] = []
    for code in Subject.objects.filter(cycle=cycle).order_by("code").values_list("code", flat=True):
        for item in ("EXEC", "PROJ"):
            pace = 0.5 if (code, item) == ("SFS-A03", "PROJ") else 0.95 + 0.1 * skills.get(code, 0.5)
            total = 0.0
            for month in range(1, 13):
                total += 100 / 12 * pace * (1 + rng.gauss(0, 0.03))
                rows.append((code, item, month, min(100.0, round(total, 1))))
    do_load_period_values(cycle, rows, actor=None)


def _monitoring(rng: random.Random, cycle: Cycle, skills: dict[str, float]) -> None:
    """This year's monthly progress (January to October) of the budget execution rate and the key projects'
    progress, loaded quarter by quarter with the monitoring job run after each quarter's values were due, and
    the office and units acting between the runs: warnings answered and followed up, rectification orders
    issued, acknowledged, re-checked (one failed, one closed), one overdue and one still proposed; the market
    regulator at escalation stage 2 (约谈) with the talk's minutes recorded."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jixiao.monitoring.models import EscalationStep, Order, Warning
    from jixiao.monitoring.services import (
        do_acknowledge_order,
        do_answer_warning,
        do_follow_up_warning,
        do_issue_order,
        do_load_period_values,
        do_recheck_order,
        do_record_escalation_step,
        do_report_order,
        do_set_dual_pair,
        do_set_reporting,
        do_submit_order,
        run_monitoring,
    )

    for code in ("EXEC", "PROJ"):
        do_set_reporting(cycle, code, "monthly", actor=None)
    do_set_dual_pair(cycle, "EXEC", "PROJ", actor=None)
    office, operator = User.objects.get(username="office"), User.objects.get(username="operator")
    months = _progress(rng, cycle, skills)

    def load(first: int, last: int, run_at: str) -> None:
        do_load_period_values(cycle, [r for m in range(first, last + 1) for r in months[m]], actor=None)
        run_monitoring(cycle, now=_at(run_at))

    def order(code: str, period: int) -> Order:
        return Order.objects.get(cycle=cycle, subject__code=code, indicator="EXEC", period=period)

    pdf = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\n"
           b"trailer<</Root 1 0 R>>\n%%EOF\n")
    # The first quarter: the market regulator and a street office red in March.
    load(1, 3, "2026-04-12T08:00")
    a01, s03 = order("SFS-A01", 3), order("SFS-D02-S03", 3)
    for o in (a01, s03):
        do_issue_order(o, actor=office, due=date(2026, 5, 15), now=_at("2026-04-14T10:00"),
                       requirement="请于5月15日前追平预算执行和重点项目进度，报送整改方案并按月报告进展。")
    do_acknowledge_order(a01, actor=operator, now=_at("2026-04-16T15:30"),
                         plan="一、4月底前完成两笔专项资金支付；二、每周调度重点项目；三、分管领导牵头督办。")
    do_acknowledge_order(s03, actor=None, plan="街道成立专班，逐项目倒排工期。", now=_at("2026-04-15T09:00"))
    do_report_order(s03, actor=None, progress="4月完成投资进度追赶，执行率提高18个百分点。",
                    evidence=SimpleUploadedFile("4月整改进展.pdf", pdf, "application/pdf"), now=_at("2026-05-06T10:00"))
    do_submit_order(s03, actor=None, summary="预算执行和项目进度已达到序时进度。", now=_at("2026-05-12T10:00"))
    do_recheck_order(s03, actor=office, result="pass", note="经复核，5月累计进度已达序时要求，同意销号。",
                     now=_at("2026-05-14T16:00"))
    do_report_order(a01, actor=operator, progress="已完成一笔专项资金支付，另一笔待省级资金下达。",
                    now=_at("2026-05-10T11:00"))
    do_submit_order(a01, actor=operator, summary="整改措施已落实。", now=_at("2026-05-14T09:00"))
    do_recheck_order(a01, actor=office, result="fail", note="5月累计执行率仍低于序时进度20%以上，请继续整改。",
                     now=_at("2026-05-16T10:00"))
    # The second quarter: the market regulator red again (stage 2: talk with the leader).
    load(4, 6, "2026-07-12T08:00")
    talk = EscalationStep.objects.filter(escalation__subject__code="SFS-A01", escalation__indicator="EXEC",
                                         stage=2).first()
    if talk is not None:
        do_record_escalation_step(talk, actor=office, now=_at("2026-07-20T17:00"),
                                  record="7月20日分管副市长约谈市场监督管理局主要负责人，明确三季度末追平进度。",
                                  evidence=SimpleUploadedFile("约谈记录.pdf", pdf, "application/pdf"))
    jump = Warning.objects.filter(cycle=cycle, subject__code="SFS-D03-S02", kind="anomaly").first()
    if jump is not None:
        do_follow_up_warning(jump, actor=office, state="corrected", note="经核实为误将全年数填入6月，已通知街道更正。")
    # The third quarter: the audit office and 高新区 fall behind; October's values.
    load(7, 9, "2026-10-12T08:00")
    b05 = order("SFS-B05", 9)
    do_issue_order(b05, actor=office, requirement="请说明三季度进度滞后原因并报送整改方案。", due=date(2026, 11, 30),
                   now=_at("2026-10-15T10:00"))  # not acknowledged: overdue after 72 hours
    load(10, 10, "2026-11-11T08:00")
    lag = Warning.objects.filter(cycle=cycle, subject__code="SFS-A01", indicator="EXEC", kind="lag").order_by(
        "-period").first()
    if lag is not None:
        do_answer_warning(lag, actor=operator,
                          answer="第三季度两笔专项资金待省级下达后才能支付，已与财政局对接，预计11月底追平进度。")


def _at(text: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(text))


def _review_and_appeals(cycle: Cycle) -> None:
    """Last year's cycle went through the whole chain after the machine score: the office's review with one
    correction, seven days of publicity, two appeals (one rejected; one heard and accepted, which corrected a
    value), the end of the publicity and the final publication (定稿)."""
    from jixiao.review.choices import AppealTarget, HearingDecision
    from jixiao.review.services import (
        do_confirm_review,
        do_correct_value,
        do_decide_hearing,
        do_draft_appeal,
        do_end_publicity,
        do_finalize_cycle,
        do_reject_appeal,
        do_schedule_hearing,
        do_sign_appeal,
        do_start_publicity,
    )

    office, operator, director = (User.objects.get(username=u) for u in ("office", "operator", "director"))
    subjects = {s.code: s for s in Subject.objects.filter(cycle=cycle)}
    rect = Value.objects.get(subject=subjects["SFS-D04"], indicator="RECT")
    do_correct_value(subjects["SFS-D04"], "RECT", min(100.0, round(rect.value + 6.0, 1)), actor=office,
                     reason="复核发现：第四季度已整改销号的12项问题未计入，按督查室销号清单更正")
    do_confirm_review(cycle, actor=office)
    do_start_publicity(cycle, actor=office, days=7, confirm=True, now=_at("2026-01-10T09:00"))
    solve = Value.objects.get(subject=subjects["SFS-A01"], indicator="SOLVE")
    heard = do_draft_appeal(
        subjects["SFS-A01"], actor=operator, target=AppealTarget.INDICATOR, indicator="SOLVE",
        grounds="12345热线转办的412件诉求中，有38件为重复派单，已由热线办确认合并；按合并后的件数计算，"
                "解决率应为原值以上。附热线办确认函。",
        cited=f"SOLVE 诉求解决率 {solve.value:g}%", now=_at("2026-01-12T10:30"))
    do_sign_appeal(heard, actor=director, now=_at("2026-01-12T16:00"))
    rejected = do_draft_appeal(
        subjects["SFS-A05"], actor=None, target=AppealTarget.GRADE,
        grounds="事故发生在辖区企业，本局已按预案处置，不应适用一票否决。",
        cited="MAJOR 重大安全事故 1 起：一票否决", now=_at("2026-01-13T09:15"))
    do_sign_appeal(rejected, actor=None, now=_at("2026-01-13T11:00"))
    do_reject_appeal(rejected, actor=office, now=_at("2026-01-15T15:00"),
                     reason="经核查，事故经市安委会认定为本部门监管职责范围内的较大事故，按考核方案第十二条适用一票否决；"
                            "申诉理由不成立，维持原等次。")
    do_schedule_hearing(heard, actor=office, at=_at("2026-01-20T14:30"), place="市政府3号楼302会议室",
                        now=_at("2026-01-14T10:00"),
                        participants="市场监督管理局（申诉单位）；市考核办；市12345热线办（数据提供单位）",
                        observers="市人大代表2名、市政协委员1名")
    do_end_publicity(cycle, now=_at("2026-01-17T09:00"))
    do_decide_hearing(heard, actor=office, decision=HearingDecision.ACCEPT, now=_at("2026-01-20T17:00"),
                      minutes="申诉单位陈述重复派单情况；热线办确认其中38件为同一诉求重复转办，已在系统中合并；"
                              "考核办核对原始工单后无异议。",
                      reasons="重复派单不计入应办件数，解决率按合并后件数重算",
                      corrections={"SOLVE": min(100.0, round(solve.value + 4.5, 1))})
    do_finalize_cycle(cycle, actor=office, confirm=True, now=_at("2026-01-22T10:00"))


def load_demo(stdout: Any = None) -> bool:
    """Create the demo city unless it exists; return whether it was created."""
    if Cycle.objects.filter(code=CYCLE_THIS).exists():
        return False
    rng = random.Random(2026)
    units = _units(rng)
    staff = _staff(rng, units)
    for acc in ACCOUNTS:
        do_create_user(
            acc.username,
            acc.role,
            actor=None,
            password=PASSWORD,
            name=acc.note.split("：")[0],
            units=[Unit.objects.get(code=acc.unit)] if acc.unit else [],
        )
    scheme = do_import_scheme(template_text("city-annual"), actor=None)
    assessed = list(Unit.objects.filter(category__isnull=False).select_related("category"))
    skills = {u.code: rng.betavariate(4, 2) for u in assessed}

    last = do_create_cycle(
        CYCLE_LAST, "示范市2025年度综合绩效考核", scheme, actor=None, year=2025, units=assessed
    )
    do_open_cycle(last, actor=None)
    _fill(rng, last, skills, missing=0.01)
    _last_year_progress(last, skills)
    veto_unit = Subject.objects.get(cycle=last, code="SFS-A05")  # 应急管理局: a major accident in 2025
    do_load_values(last, [(2, veto_unit.code, "MAJOR", 1.0)], actor=None, label="veto (demo)")
    do_close_cycle(last, actor=None, confirm=True)
    _review_and_appeals(last)

    this = do_create_cycle(
        CYCLE_THIS, "示范市2026年度综合绩效考核", scheme, actor=None, year=2026, units=assessed
    )
    for code, (floor, target) in {"SFS-D03": (70, 92), "SFS-A02": (65, 90)}.items():  # negotiated targets
        do_set_target(
            Subject.objects.get(cycle=this, code=code),
            "SOLVE",
            actor=None,
            floor=floor,
            target=target,
            note="协商目标值：辖区老旧小区改造任务重",
        )
    do_open_cycle(this, actor=None)
    _fill(rng, this, skills, missing=0.02)
    _import_jobs(this)
    _approval(this)
    _monitoring(rng, this, skills)
    office = User.objects.get(username="office")
    load_demo_campaign(this, rng, office)
    load_demo_checks(this)
    load_demo_surveys(this, actor=office)
    load_demo_hotline(this, skills, office)
    load_demo_appraisal(rng, office)
    load_demo_outcomes(office)
    do_compute_cycle(this, actor=None)
    if stdout is not None:
        stdout.write(
            f"示范市 loaded: {len(units) + 1} units ({len(units)} assessed), {staff} staff, "
            f"scheme {scheme.code} "
            f"({len(scheme.engine.leaves)} indicators), cycles {CYCLE_LAST} "
            "(final, after review, publicity and two appeals) and "
            f"{CYCLE_THIS} (open); SFS-2025-STAFF (staff appraisal); "
            f"{Ticket.objects.count():,} 12345 hotline tickets of 2025 and 2026"
        )
    return True


def accounts_table() -> str:
    """The demo accounts, one per role, as a table."""
    lines = [f"{'username':10}  {'password':12}  {'role':9}  note", "-" * 72]
    for acc in ACCOUNTS:
        if User.objects.filter(username=acc.username).exists():
            lines.append(f"{acc.username:10}  {PASSWORD:12}  {acc.role.value:9}  {acc.note}")
    lines.append(f"{'(none)':10}  {'':12}  {'public':9}  公众：首页与 API 只显示公示中和已定稿的周期")
    return "\n".join(lines)
