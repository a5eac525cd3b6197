"""The demo's three-party checks (三方制衡) for the open cycle SFS-2026: one round over about twenty units (eight
departments of category A, six of B, the first street of each district), three values each; the finance review
done by the auditor, the third party's verification entered by the office with its methods, two or three units
clearly over-reporting, and one verified value applied. ``load_demo_checks(cycle)`` is called by the demo loader
(``jixiao.ops.demo``) after the cycle's values are in; on any other cycle it takes the units it finds."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from jixiao.collection.querysets import UNLOCKED
from jixiao.cycles.models import Cycle, Subject
from jixiao.engine.verification import higher_is_better
from jixiao.verification.choices import ItemState, Method
from jixiao.verification.errors import CheckInputError
from jixiao.verification.models import CheckItem, CheckRound
from jixiao.verification.services import (
    do_add_check_item,
    do_apply_check_item,
    do_draw_round,
    do_review_check_item,
    do_verify_check_item,
    sample_frame,
)

#: The units that report far better than the third party finds (the demo's story), when the cycle has them.
OVER_REPORTING = ("SFS-A07", "SFS-B03", "SFS-D03-S01")
#: What the third party writes, by method.
NOTES = {
    Method.UNANNOUNCED: "暗访窗口及服务现场，记录实际办理情况",
    Method.ON_SITE: "实地核查项目现场及相关台账",
    Method.LEDGER: "随机抽查台账及原始凭证",
    Method.SYSTEM: "与业务系统导出数据逐条比对",
    Method.SURVEY: "电话回访服务对象",
}


def _units(cycle: Cycle) -> list[str]:
    """About twenty units: departments A01-A08 and B01-B06, and the first street of each district; any other
    cycle's units, up to twenty, when it has none of those."""
    codes = sorted(sample_frame(cycle))
    wanted = [c for c in codes if c[:-2].endswith("-A") and int(c[-2:]) <= 8]
    wanted += [c for c in codes if c[:-2].endswith("-B") and int(c[-2:]) <= 6]
    wanted += [c for c in codes if c.endswith("-S01")]
    return wanted or codes[:20]


def _user(username: str) -> Any:
    return get_user_model().objects.filter(username=username).first()


def _verified(item: CheckItem, higher: bool, over: bool, rng: random.Random) -> float:
    """What the third party found: far worse than claimed for an over-reporting unit (a task completion of 98 %
    found to be 71 %), otherwise the same or within a few per cent."""
    claimed = item.self_value
    whole = float(claimed).is_integer()
    if over:
        found = claimed * 0.72 if higher else claimed * 1.45 + (1 if whole else 0.5)
    elif rng.random() < 0.6:
        found = claimed
    else:
        found = claimed * (1 + rng.uniform(-0.04, 0.02))
    return float(round(found)) if whole else round(found, 1)


def load_demo_checks(cycle: Cycle) -> CheckRound:
    """The demo round of three-party checks for ``cycle`` (see the module's docstring); returns it."""
    office, auditor = _user("office"), _user("auditor")
    rng = random.Random(2026)
    units = _units(cycle)
    rnd = do_draw_round(cycle, actor=office, name="2026年度第一批三方核查（单位自评→财政复核→第三方核查）",
                        per_unit=3, seed=20260930, threshold=0.10, units=units,
                        note="借鉴海关“自评估、财务复核、第三方暗访”三方制衡做法；某县自评称96%的项目超额完成，"
                             "审计却发现32%的资金闲置，本轮重点核查任务完成率和项目推进率。")
    scheme = cycle.scheme.engine
    over_units = [c for c in OVER_REPORTING if c in units] or units[1::8][:3]
    # A tip-off: the office adds the task completion of each over-reporting unit when the draw missed it.
    for code in over_units:
        subject = Subject.objects.get(cycle=cycle, code=code)
        if "TASK" in sample_frame(cycle).get(code, []) and not CheckItem.objects.filter(
                round=rnd, subject=subject, indicator="TASK").exists():
            do_add_check_item(rnd, subject, "TASK", actor=office)
    items = list(CheckItem.objects.filter(round=rnd).select_related("subject").order_by("subject__code", "indicator"))
    today = timezone.localdate()
    methods = list(Method)
    for k, item in enumerate(items):
        over = item.subject.code in over_units
        higher = higher_is_better(scheme, item.indicator)
        _review(item, auditor, _reviewed(item, higher) if over and k % 2 == 0 else None)
        method = Method.UNANNOUNCED if over and k % 3 == 0 else rng.choice(methods)
        try:
            do_verify_check_item(item, actor=office, value=_verified(item, higher, over, rng), method=method,
                                 on=today - timedelta(days=rng.randint(3, 40)), note=NOTES[method])
        except CheckInputError:  # a found value the value check cannot take: the third party confirms the report
            do_verify_check_item(item, actor=office, value=item.self_value, method=method,
                                 on=today - timedelta(days=rng.randint(3, 40)), note=NOTES[method])
    _apply_one(cycle, rnd, over_units, office)
    return rnd


def _reviewed(item: CheckItem, higher: bool) -> float:
    """Finance's own figure for an over-reporting unit: a tenth worse than claimed, by the payment vouchers."""
    found = item.self_value * (0.9 if higher else 1.1) + (0 if higher or item.self_value else 1)
    return float(round(found)) if item.self_value.is_integer() else round(found, 1)


def _review(item: CheckItem, auditor: Any, reviewed: float | None) -> None:
    """The auditor's finance review: its own figure when given and the value check takes it, else agreeing."""
    if reviewed is not None:
        try:
            do_review_check_item(item, actor=auditor, agrees=False, value=reviewed,
                                 note="资金支付凭证与报送进度不符，按已支付金额核减")
            return
        except CheckInputError:
            pass
    do_review_check_item(item, actor=auditor, agrees=True)


def _apply_one(cycle: Cycle, rnd: CheckRound, over_units: list[str], office: Any) -> None:
    """The office applies the largest over-reported gap of a unit whose data are not locked."""
    unlocked = set(Subject.objects.filter(cycle=cycle).filter(UNLOCKED).values_list("code", flat=True))
    candidates = [i for i in CheckItem.objects.filter(round=rnd, state=ItemState.VERIFIED,
                                                      subject__code__in=over_units).select_related("subject")
                  if i.subject.code in unlocked and i.verified_value != i.self_value]
    if candidates:
        best = max(candidates, key=lambda i: abs(i.self_value - float(i.verified_value or 0)))
        do_apply_check_item(best, actor=office)
