"""The demo city's 12345 hotline: two years of synthetic tickets (``sample.generate``: invented texts, places
and outcomes, shaped like a big city's line; nothing here describes a real city), imported as a hotline office
would: 2025 from the GBK export Chinese Excel writes, with Chinese headers; January to October 2026 from a UTF-8
export with English headers; November 2026 pushed by the hotline system through its key; a later export
updating October's callbacks. Then the shipped category tree, limits and routing rules, a model trained on the
labelled tickets and the uncategorised ones classified (the unsure ones waiting for a person), the three rates
fed into SFS-2026's 接诉即办 indicators, and a weight proposal for 2027.

Each street office's outcomes are shaped by the same per-unit skill the rest of the demo draws, so the rates
differ between streets as assessed units do. Everything goes through the services (audited), seeded.
"""

from __future__ import annotations

import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from jixiao.cycles.models import Cycle
from jixiao.hotline.models import Category
from jixiao.hotline.sample import generate
from jixiao.hotline.services.classify import do_classify_tickets, do_train_classifier
from jixiao.hotline.services.figures import do_compute_hotline_figures, do_set_feed, do_set_sla_rule
from jixiao.hotline.services.proposals import do_propose_weights
from jixiao.hotline.services.routing import do_route_tickets, do_set_routing_rule
from jixiao.hotline.services.systems import do_register_system
from jixiao.hotline.services.taxonomy import load_shipped_taxonomy
from jixiao.hotline.services.tickets import do_import_tickets, do_push_tickets
from jixiao.org.models import Unit

#: Tickets of 2025 and of 2026 up to the end of November.
TICKETS_2025, TICKETS_2026 = 48_000, 52_000
#: Level-1 areas a department handles (about 60 % of their tickets go to it, the rest to the street office).
DEPARTMENTS = {"市场监管": "SFS-A01", "生态环境": "SFS-A02", "市容环境": "SFS-A03", "交通出行": "SFS-A04",
               "公共安全": "SFS-A05", "医疗卫生": "SFS-A06", "劳动与社会保障": "SFS-A07", "住房保障与物业": "SFS-A08",
               "城乡建设": "SFS-A09", "政务服务": "SFS-A10"}
CHINESE = {"id": "工单编号", "received_at": "受理时间", "channel": "来源渠道", "text": "诉求内容", "district": "所属区",
           "street": "所属街道", "address": "诉求地址", "category": "问题分类", "unit": "承办单位",
           "co_units": "协办单位", "transfers": "转办次数", "urgency": "紧急程度", "responded_at": "响应时间",
           "closed_at": "办结时间", "resolution": "办理结果", "satisfaction": "满意度", "repeat_of": "重复工单"}
#: An outside unit the hotline assigns some tickets to: not in the unit tree, routed by rule.
WATER = "市供水集团"
FEED = {"RESP": "response_rate", "SOLVE": "resolution_rate", "SATIS": "satisfaction_rate"}


def _streets() -> list[tuple[str, str, str]]:
    out = []
    for street in Unit.objects.filter(code__contains="-S").select_related("parent").order_by("code"):
        district = street.parent.name if street.parent else ""
        out.append((street.code, district, street.name.removeprefix(district)))
    return out


def _shape(frame: pl.DataFrame, skills: dict[str, float], seed: int, severity: float) -> pl.DataFrame:
    """Worse outcomes where the responsible unit is weaker: with probability ``severity`` x (1 - skill) a
    ticket's solved becomes unsolved and its callback 不满意; with a third of that, its response a day later."""
    rng = np.random.default_rng(seed)
    weakness = 1 - frame["unit"].replace_strict(skills, default=0.7, return_dtype=pl.Float64).fill_null(0.7)
    draw = rng.random(frame.height)
    worse = pl.Series(draw < severity * weakness.to_numpy())
    late = pl.Series(draw < severity / 3 * weakness.to_numpy())
    day = pl.duration(hours=26)
    return frame.with_columns(
        resolution=pl.when(worse & (pl.col("resolution") == "已解决")).then(pl.lit("未解决"))
        .otherwise(pl.col("resolution")),
        satisfaction=pl.when(worse & pl.col("satisfaction").is_not_null()).then(pl.lit("不满意"))
        .otherwise(pl.col("satisfaction")),
        responded_at=pl.when(late).then(pl.col("responded_at") + day).otherwise(pl.col("responded_at")),
    )


def _outside(frame: pl.DataFrame, seed: int) -> pl.DataFrame:
    """About 1 % of 城乡建设 tickets handed by the hotline to the water company (not an assessed unit)."""
    rng = np.random.default_rng(seed)
    pick = pl.Series(rng.random(frame.height) < 0.08) & frame["category"].str.starts_with("城乡建设").fill_null(False)
    return frame.with_columns(unit=pl.when(pick).then(pl.lit(WATER)).otherwise(pl.col("unit")))


def _tickets(n: int, start: datetime, end: datetime, skills: dict[str, float], seed: int, severity: float
             ) -> pl.DataFrame:
    frame = generate(n, seed=seed, start=start, end=end, streets=_streets(), units_by_category=DEPARTMENTS,
                     unlabelled=0.03, prefix="SF")
    return _outside(_shape(frame, skills, seed + 1, severity), seed + 2)


def _write(frame: pl.DataFrame, path: Path, *, chinese: bool, encoding: str) -> Path:
    out = frame.with_columns(pl.col(pl.Datetime).dt.strftime("%Y-%m-%d %H:%M:%S"))
    if chinese:
        out = out.rename(CHINESE)
    path.write_bytes(out.write_csv().encode(encoding))
    return path


def load_demo_hotline(cycle: Cycle, skills: dict[str, float], office: Any) -> None:
    """Tickets, tree, limits, routing, model, classification, figures into ``cycle`` (SFS-2026) and a proposal."""
    load_shipped_taxonomy(actor=office)
    # 2026 went somewhat worse than 2025 (more unsolved where units are weak): next year's weights follow.
    last = _tickets(TICKETS_2025, datetime(2025, 1, 1), datetime(2026, 1, 1), skills, 2025, 0.2)
    this = _tickets(TICKETS_2026, datetime(2026, 1, 1), datetime(2026, 12, 1), skills, 2026, 0.4)
    november = this["received_at"] >= datetime(2026, 11, 1)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        do_import_tickets(_write(last, folder / "12345工单导出-2025年.csv", chinese=True, encoding="gb18030"),
                          actor=office)
        early = this.filter(~november)
        # The October export was taken before every callback was made; a later one fills them in.
        october = early["received_at"] >= datetime(2026, 10, 1)
        first = early.with_columns(satisfaction=pl.when(october).then(None).otherwise(pl.col("satisfaction")))
        do_import_tickets(_write(first, folder / "12345-tickets-2026-01-10.csv", chinese=False, encoding="utf-8"),
                          actor=office)
        do_import_tickets(_write(early.filter(october), folder / "12345-tickets-2026-10-callbacks.csv",
                                 chinese=False, encoding="utf-8"), actor=office)
    system, _key = do_register_system("示范市12345政务服务便民热线平台", actor=office)
    pushed = this.filter(november)
    for k, start in enumerate(range(0, pushed.height, 2000)):
        do_push_tickets(pushed.slice(start, 2000), system=system, batch=f"2026-11-{k + 1:03}")
    _rules(office)
    do_train_classifier(actor=office, folds=2, limit=20_000)  # the demo loads in about a minute
    do_classify_tickets(actor=office)
    for indicator, measure in FEED.items():
        do_set_feed(cycle, indicator, measure, date(2026, 1, 1), date(2026, 11, 30), actor=office)
    do_compute_hotline_figures(cycle, actor=office)
    do_propose_weights(cycle, 2026, actor=office, until=date(2026, 11, 30))


def _rules(office: Any) -> None:
    """Limits (公共安全 urgent within 1 hour; 供暖 in winter within 12), routing of the water company's tickets
    to the housing department and of unknown places to the city management bureau, then the routing done."""
    safety = Category.objects.get(path="公共安全")
    do_set_sla_rule(safety, "紧急", 1, actor=office)
    for category in Category.objects.filter(level=3, name__contains="供暖"):
        do_set_sla_rule(category, "一般", 12, actor=office)
    build = Category.objects.get(path="城乡建设")
    do_set_routing_rule(build, "", "", Unit.objects.get(code="SFS-A09"), actor=office,
                        note="供水、市政设施类工单由市自然资源和规划局牵头督办")
    do_set_routing_rule(None, "", "", Unit.objects.get(code="SFS-A03"), actor=office, note="兜底：市城市管理局")
    from jixiao.hotline.models import Ticket

    do_route_tickets(list(Ticket.objects.filter(unit=None).values_list("pk", flat=True)[:300]), actor=office)
