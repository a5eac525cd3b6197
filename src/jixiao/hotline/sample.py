"""Synthetic 12345-hotline tickets (工单) for the demo, benchmarks and tests.

Every ticket made here is **invented**: the texts are stitched from phrase lists, the addresses from a list of
made-up 小区 names, the times and outcomes from random draws with plausible shapes. They look like the tickets of
a big city's 接诉即办 line so that the pages, the indicators and the classifier have something realistic to chew
on; no figure computed from them says anything about a real city.

What is shaped on purpose, so that the data is useful and classification is not trivial:

- categories are the level-3 paths of the taxonomy (``data/taxonomy.csv``), drawn with a Zipf-like popularity;
  noise complaints peak in summer, heating complaints live in winter, and a few categories trend upward;
- received times follow a daily curve (office hours and evenings) and a weekly one (fewer at weekends);
- a text names its place and often a time, uses one of its category's keywords in a phrasing variant, often
  mentions a neighbouring category's keyword too (shared vocabulary), names no keyword at all about 10 % of the
  time (only its level-2 area), and about 3 % of labels are wrong (label noise, as in real hand-labelled data);
- some addresses complain many times, and a repeat of the same category at the same address within 60 days
  usually carries ``repeat_of``;
- response times are log-normal around a few hours with some over the deadline (紧急 2 h, 一般 24 h) and a few
  never answered; most tickets are resolved, some not, some still open.

>>> from datetime import datetime
>>> t = generate(200, seed=1, start=datetime(2026, 1, 1), end=datetime(2026, 3, 1), streets=DEFAULT_STREETS)
>>> t.columns == list(COLUMNS)
True
>>> t["id"][0][:10]
'BJ20260101'
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl

TAXONOMY = Path(__file__).with_name("data") / "taxonomy.csv"

COLUMNS = ("id", "received_at", "channel", "text", "district", "street", "address", "category", "unit", "co_units",
           "transfers", "urgency", "responded_at", "closed_at", "resolution", "satisfaction", "repeat_of")

CHANNELS = ("电话", "网络", "小程序", "信件")
CHANNEL_P = (0.55, 0.2, 0.22, 0.03)
URGENT, NORMAL = "紧急", "一般"
URGENT_SHARE = 0.08
SLA_HOURS = {URGENT: 2.0, NORMAL: 24.0}
RESOLUTIONS = ("已解决", "未解决", "部分解决", "不予受理")
RESOLUTION_P = (0.79, 0.126, 0.053, 0.031)  # of closed tickets; ~5 % stay open, so ~75 % of all are 已解决
SATISFACTION = ("满意", "基本满意", "不满意")
# P(满意, 基本满意, 不满意) by resolution: an unresolved ticket is far more often rated 不满意.
SATISFACTION_P = ((0.75, 0.2, 0.05), (0.15, 0.25, 0.6), (0.35, 0.35, 0.3), (0.25, 0.25, 0.5))
NO_KEYWORD_SHARE = 0.10
SIBLING_SHARE = 0.35
LABEL_NOISE = 0.03
HOT_SHARE = 0.35
RATED_SHARE = 0.6
NEVER_ANSWERED = 0.02
STILL_OPEN = 0.05
DEPARTMENT_SHARE = 0.6  # of tickets whose level-1 area has a department in units_by_category
REPEAT_WINDOW_DAYS = 60
# Which categories are popular or trending is a property of the city, not of a sample: fixed, so two seeds
# give two samples of the same population (a model trained on one can be measured on the other).
POPULARITY_SEED = 2026

# Fictional street offices in the style of Beijing's districts (unit code, district, street).
DEFAULT_STREETS: tuple[tuple[str, str, str], ...] = (
    ("S0101", "东城区", "和平里街道"), ("S0102", "东城区", "景山街道"), ("S0103", "东城区", "建国门街道"),
    ("S0201", "西城区", "德胜街道"), ("S0202", "西城区", "月坛街道"), ("S0203", "西城区", "广安门内街道"),
    ("S0301", "朝阳区", "望京街道"), ("S0302", "朝阳区", "和平街街道"), ("S0303", "朝阳区", "双井街道"),
    ("S0304", "朝阳区", "劲松街道"), ("S0401", "海淀区", "中关村街道"), ("S0402", "海淀区", "学院路街道"),
    ("S0403", "海淀区", "万寿路街道"), ("S0501", "丰台区", "方庄街道"), ("S0502", "丰台区", "卢沟桥街道"),
    ("S0601", "通州区", "永顺镇"), ("S0602", "通州区", "梨园镇"), ("S0701", "昌平区", "回龙观街道"),
)

ESTATES = ("幸福里", "和谐家园", "阳光小区", "金色家园", "望湖苑", "翠微里", "丽景园", "花园村", "百子湾", "青年路",
           "东湖湾", "枫林绿洲", "时代花园", "育新小区", "安华里", "北苑家园", "富力城", "芳古园", "建华小区",
           "西坝河东里", "团结湖北里", "农光里", "松榆里", "南湖西园", "世纪城", "天通苑", "龙泽苑", "观澜国际")
ROADS = ("建设路", "解放路", "人民路", "光明路", "新华路", "朝阳路", "学院路", "长安街", "胜利路", "北环路")

OPENINGS = ("", "", "", "您好，", "你好，", "市民来电反映：", "网友反映：", "我是附近居民，", "来电人称，",
            "我想反映一下，")
TIMES = ("", "", "", "最近一周", "昨天晚上", "每天早上6点左右", "这几天", "本月以来", "周末", "晚上10点以后",
         "已经持续一个多月", "今天上午", "连续三天")
CORE_TEMPLATES = ("{}的问题很严重", "存在{}的情况", "{}，已经很长时间了", "发现有{}", "{}问题一直没人管",
                  "反映{}的问题", "{}的事情多次反映没有结果", "这边{}", "{}现象比较突出", "出现{}")
SIBLING_TEMPLATES = ("附近也有{}的情况", "之前还反映过{}", "不光是{}的事", "另外{}也要管一管", "跟{}也有关系")
NO_KEYWORD_TEMPLATES = ("有个{}方面的问题想反映一下", "{}这块的事情一直没人管", "反映{}相关的情况",
                        "不知道归哪里管，涉及{}", "{}的事情已经说过好几次了")
DETAILS = ("", "", "影响居民正常生活", "给周边居民带来很大不便", "已经找过社区但没有解决", "老人孩子都受影响",
           "多次打电话都没人处理", "有安全风险")
DEMANDS = ("", "请相关部门尽快处理。", "希望尽快解决。", "要求给个说法。", "请尽快派人来看看。", "希望有关部门重视。")


@dataclass(frozen=True)
class Node:
    """One category of the taxonomy (诉求分类). ``path`` is the names from level 1 down joined by ``/``, the way
    tickets name their category; ``keywords`` are set on level-3 rows only."""

    code: str
    name: str
    parent: str | None
    level: int
    path: str
    keywords: tuple[str, ...]


def read_taxonomy(path: str | Path | None = None) -> list[Node]:
    """Read ``code,name,parent,keywords`` (UTF-8) into nodes, parents before children.

    Codes are hierarchical (``01``, ``0101``, ``010101``); a row whose parent is unknown or whose code does not
    extend its parent's is refused with its row number.

    >>> nodes = read_taxonomy()
    >>> [n.path for n in nodes if n.code == "020101"]
    ['市容环境/市容秩序/占道经营']
    """
    p = Path(path) if path is not None else TAXONOMY
    nodes: list[Node] = []
    by_code: dict[str, Node] = {}
    with p.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        need = {"code", "name", "parent", "keywords"}
        if reader.fieldnames is None or not need <= {f.strip().lower() for f in reader.fieldnames}:
            raise ValueError(f"{p.name}: the header must have the columns code,name,parent,keywords")
        for i, raw in enumerate(reader, start=2):
            row = {k.strip().lower(): (v or "").strip() for k, v in raw.items() if k is not None}
            code, name, parent = row["code"], row["name"], row["parent"] or None
            if not code or not name or code in by_code:
                raise ValueError(f"{p.name}, row {i}: a category needs a new code and a name")
            if parent is None:
                level, path_ = 1, name
            elif parent not in by_code or not code.startswith(parent) or len(code) <= len(parent):
                raise ValueError(f"{p.name}, row {i}: parent {parent!r} is not an earlier code that {code!r} extends")
            else:
                level, path_ = by_code[parent].level + 1, f"{by_code[parent].path}/{name}"
            keywords = tuple(k.strip() for k in row["keywords"].split("|") if k.strip())
            node = Node(code, name, parent, level, path_, keywords)
            nodes.append(node)
            by_code[code] = node
    return nodes


@dataclass
class _Phrases:
    """Per-category phrase lists flattened into one list with offsets, so a phrase is drawn for a million
    tickets by index arithmetic."""

    texts: list[str]
    start: np.ndarray  # int64 per category
    count: np.ndarray

    def draw(self, rng: np.random.Generator, cats: np.ndarray) -> np.ndarray:
        u = rng.random(cats.size)
        picked: np.ndarray = self.start[cats] + np.minimum((u * self.count[cats]).astype(np.int64),
                                                           self.count[cats] - 1)
        return picked


def _flatten(lists: Sequence[Sequence[str]]) -> _Phrases:
    count = np.array([len(x) for x in lists], dtype=np.int64)
    start = np.concatenate([[0], np.cumsum(count)[:-1]]).astype(np.int64)
    return _Phrases([t for x in lists for t in x], start, count)


class _Taxonomy:
    """The level-3 categories and their phrase lists, built once per taxonomy."""

    def __init__(self, nodes: Sequence[Node]) -> None:
        by_code = {n.code: n for n in nodes}
        self.leaves = [n for n in nodes if n.level == 3]
        if len(self.leaves) < 2:
            raise ValueError("the taxonomy needs at least two level-3 categories")
        self.paths = [n.path for n in self.leaves]
        self.level1 = [n.path.split("/")[0] for n in self.leaves]
        core, sibling, none = [], [], []
        every = {w for n in self.leaves for w in n.keywords}
        for leaf in self.leaves:
            words = leaf.keywords or (leaf.name,)
            core.append([t.format(w) for w in words for t in CORE_TEMPLATES])
            parent = by_code[leaf.parent] if leaf.parent else leaf
            near = [w for o in self.leaves if o.parent == leaf.parent and o is not leaf for w in o.keywords]
            if not near:  # an only child: its cousins under the same level-1 area share its vocabulary
                near = [w for o in self.leaves if o.code[:2] == leaf.code[:2] and o is not leaf for w in o.keywords]
            sibling.append([t.format(w) for w in (near or words) for t in SIBLING_TEMPLATES])
            area = next((a for a in (parent.name, leaf.path.split("/")[0]) if not any(w in a for w in every)), "这个")
            none.append([t.format(area) for t in NO_KEYWORD_TEMPLATES])
        self.core, self.sibling, self.none = _flatten(core), _flatten(sibling), _flatten(none)
        self.summer = np.array([("噪" in p) or ("油烟" in p) or ("排水" in p) for p in self.paths])
        self.winter = np.array([("供暖" in p) or ("暖气" in p) for p in self.paths])


def _pick(items: Sequence[str], idx: np.ndarray) -> pl.Series:
    return pl.Series(list(items), dtype=pl.String).gather(pl.Series(idx, dtype=pl.UInt32))


def _popularity(rng: np.random.Generator, k: int) -> np.ndarray:
    """Zipf-like weights (1 / rank^0.8: the busiest category ~10 % of tickets) over a shuffle of the categories."""
    rank = rng.permutation(k) + 1
    w: np.ndarray = 1.0 / rank.astype(np.float64) ** 0.8
    return w / float(w.sum())


def _texts(rng: np.random.Generator, tax: _Taxonomy, cats: np.ndarray, places: pl.Series) -> pl.Series:
    n = cats.size
    no_kw = rng.random(n) < NO_KEYWORD_SHARE
    core_idx = np.where(no_kw, tax.none.draw(rng, cats) + len(tax.core.texts), tax.core.draw(rng, cats))
    core = _pick(tax.core.texts + tax.none.texts, core_idx)
    with_sibling = (rng.random(n) < SIBLING_SHARE) & ~no_kw  # a text without its keyword names no other either
    sib = _pick([*tax.sibling.texts, ""], np.where(with_sibling, tax.sibling.draw(rng, cats), len(tax.sibling.texts)))
    frame = pl.DataFrame({
        "open": _pick(OPENINGS, rng.integers(0, len(OPENINGS), n)),
        "place": places,
        "time": _pick(TIMES, rng.integers(0, len(TIMES), n)),
        "core": core,
        "sib": sib,
        "detail": _pick(DETAILS, rng.integers(0, len(DETAILS), n)),
        "demand": _pick(DEMANDS, rng.integers(0, len(DEMANDS), n)),
    })
    return frame.select(pl.concat_str(
        pl.col("open"), pl.col("place"), _then("time", "，"), pl.col("core"), pl.lit("。"), _then("sib", "。"),
        _then("detail", "。"), pl.col("demand"),
    ).alias("text")).to_series()


def _then(column: str, mark: str) -> pl.Expr:
    """The phrase followed by its punctuation, or nothing when the phrase is empty."""
    return pl.when(pl.col(column) == "").then(pl.lit("")).otherwise(pl.col(column) + mark)


def _noisy_labels(rng: np.random.Generator, cats: np.ndarray, k: int) -> np.ndarray:
    """About 3 % of labels replaced by another category, as hand labelling does."""
    flip = rng.random(cats.size) < LABEL_NOISE
    other = (cats + rng.integers(1, k, cats.size)) % k
    return np.where(flip, other, cats)


def labelled_texts(n: int, *, seed: int, taxonomy: Sequence[Node] | None = None) -> pl.DataFrame:
    """``id, text, category`` for training and measuring a classifier: synthetic texts with ~3 % label noise.

    >>> labelled_texts(3, seed=0).columns
    ['id', 'text', 'category']
    """
    rng = np.random.default_rng(seed)
    tax = _Taxonomy(taxonomy if taxonomy is not None else read_taxonomy())
    k = len(tax.leaves)
    cats = rng.choice(k, size=n, p=_popularity(np.random.default_rng(POPULARITY_SEED), k))
    places = _addresses(rng, DEFAULT_STREETS, max(50, n // 20))[0]
    place_idx = rng.integers(0, len(places), n)
    text = _texts(rng, tax, cats, _pick(places, place_idx) + "，")
    labels = _noisy_labels(rng, cats, k)
    return pl.DataFrame({
        "id": [f"T{i:07d}" for i in range(1, n + 1)],
        "text": text,
        "category": _pick(tax.paths, labels),
    })


def _addresses(rng: np.random.Generator, streets: Sequence[tuple[str, str, str]],
               size: int) -> tuple[list[str], np.ndarray]:
    """A pool of addresses like ``和平街道幸福里小区3号楼`` and the street index of each."""
    street = rng.integers(0, len(streets), size)
    estate = rng.integers(0, len(ESTATES), size)
    building = rng.integers(1, 31, size)
    road = rng.random(size) < 0.15
    road_no = rng.integers(1, 300, size)
    out = []
    for s, e, b, r, rn in zip(street.tolist(), estate.tolist(), building.tolist(), road.tolist(), road_no.tolist(),
                              strict=True):
        name = streets[s][2]
        est = ESTATES[e]
        est = est if est.endswith(("小区", "家园", "苑", "园", "城", "村", "国际", "绿洲", "湾")) else est + "小区"
        out.append(f"{name}{ROADS[e % len(ROADS)]}{rn}号" if r else f"{name}{est}{b}号楼")
    return out, street


def _day_weights(days: Sequence[date]) -> np.ndarray:
    weekday = np.array([1.0, 1.0, 1.0, 1.0, 0.95, 0.75, 0.7])
    w = np.array([weekday[d.weekday()] * (1.0 + 0.12 * math.sin(2 * math.pi * (d.timetuple().tm_yday - 100) / 365))
                  for d in days])
    return w / float(w.sum())


# Share of a day's tickets by hour: quiet at night, peaks mid-morning, after lunch and in the evening.
HOURS = np.array([0.6, 0.4, 0.3, 0.2, 0.2, 0.4, 1.0, 2.2, 4.2, 6.0, 6.4, 5.8, 4.6, 5.0, 5.8, 5.9, 5.6, 5.0, 4.6,
                  5.0, 5.2, 4.4, 2.8, 1.4])


def generate(n: int, *, seed: int, start: datetime, end: datetime, streets: Sequence[tuple[str, str, str]],
             units_by_category: Mapping[str, str] | None = None, unlabelled: float = 0.0,
             taxonomy: Sequence[Node] | None = None, prefix: str = "BJ") -> pl.DataFrame:
    """``n`` synthetic tickets received in ``[start, end)``, sorted by ``received_at``, columns ``COLUMNS``.

    ``streets`` are ``(unit code, district, street)``; a ticket's ``unit`` (承办单位) is its street's office,
    or for about 60 % of the tickets of a level-1 area named in ``units_by_category`` (e.g. ``{"市场监管":
    "D-SCJG"}``) that department. ``co_units`` is a ``|``-separated list of co-handling units or null.
    ``unlabelled`` is the share of tickets left without a category (null). Deterministic for a ``seed``.
    """
    if n < 0 or not streets or not end > start or not 0.0 <= unlabelled <= 1.0:
        raise ValueError("generate needs n >= 0, at least one street, end after start and 0 <= unlabelled <= 1")
    rng = np.random.default_rng(seed)
    tax = _Taxonomy(taxonomy if taxonomy is not None else read_taxonomy())
    k = len(tax.leaves)
    base = _popularity(np.random.default_rng(POPULARITY_SEED), k)
    # A few categories of middling popularity grow through the period (to twice their share by the end).
    trending = (np.random.default_rng(POPULARITY_SEED + 1).random(k) < 0.06) & (base < np.sort(base)[-5])

    # When: a day by the weekly and yearly shape, an hour by the daily curve, then seconds.
    first = start.date()
    ndays = (end.date() - first).days + 1
    days = [first + timedelta(days=i) for i in range(ndays)]
    day = rng.choice(ndays, size=n, p=_day_weights(days))
    hour = rng.choice(24, size=n, p=HOURS / HOURS.sum())
    midnight0 = datetime.combine(first, datetime.min.time(), tzinfo=start.tzinfo)
    offset_us = ((day * 86400 + hour * 3600 + rng.integers(0, 3600, n)) * 1_000_000
                 + rng.integers(0, 1_000_000, n) - int((start - midnight0) / timedelta(microseconds=1)))
    span_us = int((end - start) / timedelta(microseconds=1))
    offset_us = np.clip(offset_us, 0, span_us - 1)

    # What: per month, the popularity shaped by the season and the trend.
    month_of_day = np.array([d.month for d in days])
    frac_of_day = np.arange(ndays) / max(ndays - 1, 1)
    month_key = np.array([(d.year - first.year) * 12 + d.month for d in days])
    cats = np.empty(n, dtype=np.int64)
    key = month_key[day]
    for m in np.unique(key):
        sel = np.flatnonzero(key == m)
        some_day = int(np.flatnonzero(month_key == m)[0])
        month = int(month_of_day[some_day])
        w = base.copy()
        w[tax.summer] *= 1.8 if month in (6, 7, 8) else 1.3 if month in (5, 9) else 0.8
        w[tax.winter] *= 4.0 if month in (11, 12, 1, 2, 3) else 0.15
        w[trending] *= 1.0 + frac_of_day[some_day]
        cats[sel] = np.searchsorted(np.cumsum(w / w.sum()), rng.random(sel.size), side="right").clip(0, k - 1)

    # Where: most tickets from a large pool of addresses, evenly; HOT_SHARE of them from two thousand "hot"
    # addresses with a Zipf-like popularity, so some buildings complain again and again (the busiest about
    # 0.1 % of all tickets: some 60 a year in a city of 50,000 tickets a year, as a chronic problem does).
    pool, pool_street = _addresses(rng, streets, max(100, min(n // 3, 300_000)))
    hot = min(2000, len(pool))
    pool_w = np.full(len(pool), (1 - HOT_SHARE) / len(pool))
    zipf = 1.0 / (np.arange(hot) + 1.0) ** 0.3
    pool_w[rng.permutation(len(pool))[:hot]] += HOT_SHARE * zipf / zipf.sum()
    addr = rng.choice(len(pool), size=n, p=pool_w / pool_w.sum())
    street_idx = pool_street[addr]
    address = _pick(pool, addr)
    estate_only = address.str.replace(r"^.*?(街道|镇)", "")
    place_kind = rng.random(n)
    place = (pl.DataFrame({"a": address, "e": estate_only, "k": place_kind})
             .select(pl.when(pl.col("k") < 0.3).then(pl.col("e")).otherwise(pl.col("a")) + "，").to_series())

    text = _texts(rng, tax, cats, place)
    labels = _noisy_labels(rng, cats, k)
    category = _pick(tax.paths, labels)
    if unlabelled > 0:
        category = category.zip_with(pl.Series(rng.random(n) >= unlabelled), pl.Series([None], dtype=pl.String))

    # Who handles it.
    street_units = np.array([s[0] for s in streets], dtype=object)
    unit = street_units[street_idx]
    if units_by_category:
        dept = np.array([units_by_category.get(a) for a in tax.level1], dtype=object)[cats]
        to_dept = (dept != None) & (rng.random(n) < DEPARTMENT_SHARE)  # noqa: E711 (elementwise on objects)
        unit = np.where(to_dept, dept, unit)
    co = rng.random(n) < 0.06
    co_units = street_units[rng.integers(0, len(streets), n)]
    co_units[~co] = None
    transfers = rng.choice(4, size=n, p=(0.8, 0.15, 0.04, 0.01)).astype(np.int8)

    # How it went.
    urgent = rng.random(n) < URGENT_SHARE
    resp_h = np.where(urgent, rng.lognormal(math.log(0.8), 0.9, n), rng.lognormal(math.log(4.0), 1.1, n))
    answered = rng.random(n) >= NEVER_ANSWERED
    close_h = resp_h + rng.lognormal(math.log(48.0), 0.9, n)
    resp_us = offset_us + (resp_h * 3.6e9).astype(np.int64)
    close_us = offset_us + (close_h * 3.6e9).astype(np.int64)
    answered &= resp_us < span_us
    closed = answered & (rng.random(n) >= STILL_OPEN) & (close_us < span_us)
    res = rng.choice(len(RESOLUTIONS), size=n, p=RESOLUTION_P)
    sat_u = rng.random(n)
    sat_cum = np.cumsum(np.array(SATISFACTION_P), axis=1)[res]
    sat = (sat_u[:, None] > sat_cum).sum(axis=1).clip(0, 2)
    rated = closed & (rng.random(n) < RATED_SHARE)

    frame = pl.DataFrame({
        "_off": offset_us,
        "channel": _pick(CHANNELS, rng.choice(len(CHANNELS), size=n, p=CHANNEL_P)),
        "text": text,
        "district": _pick([s[1] for s in streets], street_idx),
        "street": _pick([s[2] for s in streets], street_idx),
        "address": address,
        "category": category,
        "_true": pl.Series(cats, dtype=pl.Int32),
        "unit": pl.Series(unit.tolist(), dtype=pl.String),
        "co_units": pl.Series(co_units.tolist(), dtype=pl.String),
        "transfers": transfers,
        "urgency": pl.Series(np.where(urgent, URGENT, NORMAL).tolist(), dtype=pl.String),
        "_resp": pl.Series(resp_us).zip_with(pl.Series(answered), pl.Series([None], dtype=pl.Int64)),
        "_close": pl.Series(close_us).zip_with(pl.Series(closed), pl.Series([None], dtype=pl.Int64)),
        "resolution": _pick(RESOLUTIONS, res).zip_with(pl.Series(closed), pl.Series([None], dtype=pl.String)),
        "satisfaction": _pick(SATISFACTION, sat).zip_with(pl.Series(rated), pl.Series([None], dtype=pl.String)),
        "_rep": rng.random(n) < 0.5,
    }).sort("_off", maintain_order=True)
    frame = frame.with_columns(**{name: pl.lit(start) + pl.duration(microseconds=pl.col(c)) for name, c in
                                  (("received_at", "_off"), ("responded_at", "_resp"), ("closed_at", "_close"))})
    frame = frame.with_columns(pl.col("received_at").dt.strftime("%Y%m%d").alias("_day"))
    frame = frame.with_columns(id=pl.lit(prefix) + pl.col("_day")
                               + (pl.int_range(1, pl.len() + 1).over("_day")).cast(pl.String).str.zfill(5))
    prev_id = pl.col("id").shift(1).over(["address", "_true"])
    prev_at = pl.col("received_at").shift(1).over(["address", "_true"])
    recent = (pl.col("received_at") - prev_at) <= pl.duration(days=REPEAT_WINDOW_DAYS)
    frame = frame.with_columns(repeat_of=pl.when(recent & pl.col("_rep")).then(prev_id).otherwise(None))
    return frame.select(COLUMNS)
