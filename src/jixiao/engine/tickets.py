"""12345 hotline tickets (12345 热线工单) as the engine sees them: a hotline system's export read, normalised
and checked all or nothing (``read_tickets``), and restricted to a period (``parse_period``, ``in_period``).
The rates per unit are in ``ticketrates``; hot spots and weight proposals in ``hotspots``.

A ticket frame has the ``TICKET_COLUMNS`` in that order and ``_row`` (the spreadsheet row, header = row 1):
text as stripped strings (empty -> null), times as naive local ``Datetime("us")``, ``transfers`` as Int32.
Words are normalised so that every export reads alike:

- urgency (紧急程度): empty -> 一般; ``urgent`` / ``normal`` -> 紧急 / 一般; other words are kept as written
  (an SLA file may give them a time limit).
- resolution (办理结果): ``solved`` / ``unsolved`` -> 已解决 / 未解决; other words (部分解决, 办理中 ...) kept.
- satisfaction (回访满意度): one of 满意, 基本满意, 不满意 (``satisfied``, ``basically satisfied``,
  ``dissatisfied``), or empty; anything else is refused.
- co_units (协办单位): split on ``;`` ``；`` ``、`` ``,`` ``，`` and joined with ``;``.

A date and time reads ``2026-03-01 08:00:00``, ``2026-03-01 08:00``, ``2026/3/1 8:00(:00)``,
``2026-03-01T08:00:00``, or is an Excel date-time cell.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import polars as pl

from jixiao.engine.ticketfile import ROW, Column, Problems, RawTable, message, read_raw

URGENT, NORMAL = "紧急", "一般"
SOLVED, UNSOLVED = "已解决", "未解决"
SATISFACTION = ("满意", "基本满意", "不满意")

#: The columns of a ticket export: canonical name and the Chinese headers exports use.
COLUMNS = (
    Column("id", ("工单编号", "工单号")),
    Column("received_at", ("受理时间", "来电时间")),
    Column("text", ("诉求内容", "来电内容")),
    Column("category", ("问题分类", "诉求分类")),
    Column("unit", ("承办单位", "主办单位")),
    Column("urgency", ("紧急程度",)),
    Column("responded_at", ("响应时间", "首次响应时间")),
    Column("closed_at", ("办结时间",)),
    Column("resolution", ("办理结果", "解决情况")),
    Column("satisfaction", ("满意度", "回访满意度")),
    Column("channel", ("来源渠道", "渠道")),
    Column("district", ("所属区", "区县")),
    Column("street", ("所属街道", "街道", "街乡镇")),
    Column("address", ("诉求地址", "地址")),
    Column("co_units", ("协办单位",)),
    Column("transfers", ("转办次数",)),
    Column("repeat_of", ("重复工单", "关联工单")),
)
TICKET_COLUMNS = tuple(c.name for c in COLUMNS)
REQUIRED = ("id", "received_at")
DATETIMES = ("received_at", "responded_at", "closed_at")
ORDER = {name: i for i, name in enumerate(TICKET_COLUMNS)}

URGENCY_WORDS = {"urgent": URGENT, "normal": NORMAL}
RESOLUTION_WORDS = {"solved": SOLVED, "unsolved": UNSOLVED}
SATISFACTION_WORDS = {"satisfied": "满意", "basically satisfied": "基本满意", "basicallysatisfied": "基本满意",
                      "dissatisfied": "不满意", **{w: w for w in SATISFACTION}}
#: year, month, day, hour, minute and (optional) second of the accepted date-time forms.
DATETIME_PATTERN = r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T]+)(\d{1,2}):(\d{2})(?::(\d{2}))?$"
CO_UNIT_SEPARATORS = r"[;；、,，]"


def read_tickets(path: str | Path, *, lang: str = "zh") -> pl.DataFrame:
    """Read a ticket export (.csv UTF-8 or GBK, or .xlsx) into a ticket frame, all or nothing.

    Refused with an ``InputError`` listing every problem by row and column (the first ``MAX_LISTED``, then a
    count): a missing ``id`` or ``received_at`` column, an empty id or received time, an id twice in the file
    (naming the earlier row), a date-time that does not parse, a response or closing time before the received
    time, an unknown satisfaction word, transfers that are not a whole number >= 0, an empty file, an
    unsupported suffix, a missing file. ``lang`` (zh or en) is the language of the problems.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = p.write_text("工单编号,受理时间,紧急程度\\nA1,2026/3/1 8:00,urgent\\n", encoding="gbk")
    >>> read_tickets(p).select("id", "received_at", "urgency", "_row").row(0)
    ('A1', datetime.datetime(2026, 3, 1, 8, 0), '紧急', 2)
    """
    raw = read_raw(path, COLUMNS, REQUIRED, lang=lang)
    frame = _typed(raw.frame)
    _check(raw, frame)
    return frame.select([*TICKET_COLUMNS, ROW])


def parse_datetime(text: pl.Expr) -> pl.Expr:
    """The accepted date-time forms of a text column as ``Datetime("us")``; null where it does not parse
    (or names no real time, such as month 13 or 24:00).

    >>> cells = pl.Series(["2026/3/1 8:00", "2026-03-01T08:00:09", "2026-13-01 08:00"])
    >>> pl.select(parse_datetime(pl.lit(cells))).to_series().to_list()
    [datetime.datetime(2026, 3, 1, 8, 0), datetime.datetime(2026, 3, 1, 8, 0, 9), None]
    """
    parts = text.str.extract_groups(DATETIME_PATTERN)
    field = parts.struct.field

    def two(name: str) -> pl.Expr:
        return field(name).str.zfill(2)

    canonical = pl.concat_str([field("1"), pl.lit("-"), two("2"), pl.lit("-"), two("3"), pl.lit(" "), two("4"),
                               pl.lit(":"), field("5"), pl.lit(":"), field("6").fill_null("00")])
    return canonical.str.strptime(pl.Datetime("us"), "%Y-%m-%d %H:%M:%S", strict=False)


def _canonical_datetime(text: pl.Expr) -> pl.Expr:
    """The fast path of ``parse_datetime``: ``2026-03-01 08:00:00`` exactly (19 characters)."""
    return pl.when(text.str.len_bytes() == 19).then(
        text.str.strptime(pl.Datetime("us"), "%Y-%m-%d %H:%M:%S", strict=False))


def _lower_map(name: str, words: dict[str, str]) -> pl.Expr:
    c = pl.col(name)
    key = c.str.to_lowercase().str.replace_all(r"\s+", " ")
    return key.replace_strict(words, default=c, return_dtype=pl.String)


def _typed(frame: pl.DataFrame) -> pl.DataFrame:
    """The text frame with times, words, co-units and transfers in their normal form; the original text of the
    checked columns is kept as ``<col>__raw`` for the problems."""
    transfers = pl.col("transfers")
    whole = transfers.str.contains(r"^\+?\d+(\.0*)?$")
    co = (pl.col("co_units").str.replace_all(CO_UNIT_SEPARATORS, ";").str.split(";")
          .list.eval(pl.element().str.strip_chars().filter(pl.element().str.strip_chars() != ""))
          .list.join(";").replace("", None))
    frame = frame.with_columns(
        *[pl.col(c).alias(f"{c}__raw") for c in (*DATETIMES, "satisfaction", "transfers")],
        *[_canonical_datetime(pl.col(c)).alias(c) for c in DATETIMES])
    # Most exports write one form throughout; the other forms are parsed only when some cell needs it.
    unparsed = frame.select((pl.col(c).is_null() & pl.col(f"{c}__raw").is_not_null()).any() for c in DATETIMES)
    slow = [c for c in DATETIMES if unparsed[c].item()]
    return frame.with_columns(
        *[pl.coalesce(c, parse_datetime(pl.col(f"{c}__raw"))).alias(c) for c in slow],
        _lower_map("urgency", URGENCY_WORDS).fill_null(NORMAL),
        _lower_map("resolution", RESOLUTION_WORDS),
        pl.col("satisfaction").str.to_lowercase().str.replace_all(r"\s+", " ")
        .replace_strict(SATISFACTION_WORDS, default=None, return_dtype=pl.String),
        pl.when(whole).then(transfers.str.replace(r"\..*$", "").cast(pl.Int32, strict=False)).alias("transfers"),
        co.alias("co_units"),
    )


def _check(raw: RawTable, frame: pl.DataFrame) -> None:
    """Raise an ``InputError`` naming every bad cell of ``frame`` (see ``read_tickets``)."""
    lang = raw.lang
    problems = Problems(raw)
    for name in REQUIRED:
        column = f"{name}__raw" if name in DATETIMES else name
        problems.add(frame.filter(pl.col(column).is_null()), name, ORDER[name], message(lang, "required"))
    ids = frame.select(ROW, "id").filter(pl.col("id").is_not_null())
    if ids["id"].n_unique() != ids.height:
        again = ids.with_columns(first=pl.col(ROW).first().over("id")).filter(pl.col(ROW) != pl.col("first"))
        problems.add(again, "id", ORDER["id"],
                     lambda r: message(lang, "duplicate_id", value=r["id"], first=r["first"]))
    for name in DATETIMES:
        bad = frame.filter(pl.col(name).is_null() & pl.col(f"{name}__raw").is_not_null())
        problems.add(bad, name, ORDER[name], lambda r, c=name: message(lang, "datetime", value=r[f"{c}__raw"]))
    for name in ("responded_at", "closed_at"):
        bad = frame.filter(pl.col(name) < pl.col("received_at"))
        problems.add(bad, name, ORDER[name], lambda r, c=name: message(
            lang, "before", value=r[f"{c}__raw"], received=r["received_at__raw"]))
    bad = frame.filter(pl.col("satisfaction").is_null() & pl.col("satisfaction__raw").is_not_null())
    problems.add(bad, "satisfaction", ORDER["satisfaction"],
                 lambda r: message(lang, "satisfaction", value=r["satisfaction__raw"]))
    bad = frame.filter(pl.col("transfers").is_null() & pl.col("transfers__raw").is_not_null())
    problems.add(bad, "transfers", ORDER["transfers"], lambda r: message(lang, "transfers", value=r["transfers__raw"]))
    problems.raise_if_any()


def empty_tickets() -> pl.DataFrame:
    """A ticket frame with no rows (the schema ``read_tickets`` returns)."""
    schema: dict[str, pl.DataType] = {c: pl.String() for c in TICKET_COLUMNS}
    schema.update({c: pl.Datetime("us") for c in DATETIMES})
    schema["transfers"] = pl.Int32()
    schema[ROW] = pl.Int64()
    return pl.DataFrame(schema=schema)


_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_RANGE = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})\.\.(\d{4}-\d{1,2}-\d{1,2})$")


def _month_start(year: int, month: int) -> dt.date:
    return dt.date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def parse_period(text: str, *, lang: str = "zh") -> tuple[dt.date, dt.date]:
    """A period written ``2026``, ``2026-03``, ``2026-Q1`` or ``2026-03-01..2026-03-31`` (both days included) as
    ``(first day, the day after the last)``; ``ValueError`` otherwise.

    >>> parse_period("2026-Q4")
    (datetime.date(2026, 10, 1), datetime.date(2027, 1, 1))
    >>> parse_period("2026-02-27..2026-02-28")
    (datetime.date(2026, 2, 27), datetime.date(2026, 3, 1))
    """
    s = text.strip()
    try:
        if re.fullmatch(r"\d{4}", s):
            return dt.date(int(s), 1, 1), dt.date(int(s) + 1, 1, 1)
        if m := _MONTH.match(s):
            year, month = int(m[1]), int(m[2])
            if 1 <= month <= 12:
                return dt.date(year, month, 1), _month_start(year, month + 1)
        elif m := _QUARTER.match(s):
            year, q = int(m[1]), int(m[2])
            return _month_start(year, 3 * q - 2), _month_start(year, 3 * q + 1)
        elif m := _RANGE.match(s):
            first, last = (dt.date(*map(int, d.split("-"))) for d in (m[1], m[2]))
            if last >= first:
                return first, last + dt.timedelta(days=1)
    except ValueError:  # a day that does not exist (2026-02-30)
        pass
    if lang == "en":
        raise ValueError(f"not a period: {text!r}; write 2026, 2026-03, 2026-Q1 or 2026-03-01..2026-03-31")
    raise ValueError(f"无法识别的期间“{text}”；请写作 2026、2026-03、2026-Q1 或 2026-03-01..2026-03-31")


def in_period(frame: pl.DataFrame, start: dt.date | dt.datetime, end: dt.date | dt.datetime) -> pl.DataFrame:
    """The tickets of ``frame`` received from ``start`` (included) to ``end`` (excluded); a date means its
    midnight."""
    def moment(d: dt.date | dt.datetime) -> dt.datetime:
        return d if isinstance(d, dt.datetime) else dt.datetime(d.year, d.month, d.day)

    at = pl.col("received_at")
    return frame.filter((at >= moment(start)) & (at < moment(end)))
