"""Tickets out of the database as Polars frames for the engine (``jixiao.engine.tickets``), which computes every
rate, hot spot and proposal: the platform only selects the rows and the columns.

On PostgreSQL the rows come through ``COPY ... TO STDOUT`` (a year of a big city's tickets is millions of rows;
a cursor would spend most of the time making Python objects); elsewhere through ``values_list``.
"""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from typing import Any

import polars as pl
from django.db import connection
from django.utils import timezone

from jixiao.hotline.models import Category, Ticket
from jixiao.org.models import Unit

#: The columns a frame may ask for: name -> SQL over ``hotline_ticket t`` (PostgreSQL).
SQL = {
    "unit_id": "t.unit_id",
    "category_id": "t.category_id",
    "urgency": "t.urgency",
    "resolution": "NULLIF(t.resolution, '')",
    "satisfaction": "NULLIF(t.satisfaction, '')",
    "response_seconds": "EXTRACT(EPOCH FROM t.responded_at - t.received_at)",
    "received_at": "t.received_at",
    "district": "NULLIF(t.district, '')",
    "street": "NULLIF(t.street, '')",
    "address": "NULLIF(t.address, '')",
    "id": "t.number",
    "repeat_of": "NULLIF(t.repeat_of, '')",
}
TYPES: dict[str, Any] = {"unit_id": pl.Int64, "category_id": pl.Int64, "response_seconds": pl.Float64}
TEXT = ("urgency", "resolution", "satisfaction", "district", "street", "address", "id", "repeat_of")


def bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The aware instants of ``start`` 00:00 and the day after ``end`` (inclusive days, the site's time zone)."""
    lower = timezone.make_aware(datetime(start.year, start.month, start.day))
    after = end + timedelta(days=1)
    return lower, timezone.make_aware(datetime(after.year, after.month, after.day))


def ticket_frame(start: date, end: date, columns: list[str], *, unit_ids: list[int] | None = None) -> pl.DataFrame:
    """Tickets received from ``start`` to ``end`` (inclusive days), with ``columns`` (names of ``SQL``), plus
    ``unit`` (the responsible unit's code) and ``category`` (the category's path) when ``unit_id`` /
    ``category_id`` are asked for; ``received_at`` in local time without zone."""
    lower, upper = bounds(start, end)
    if connection.vendor == "postgresql":
        frame = _copy(lower, upper, columns, unit_ids)
    else:
        frame = _rows(lower, upper, columns, unit_ids)
    return _named(frame)


def _copy(lower: datetime, upper: datetime, columns: list[str], unit_ids: list[int] | None) -> pl.DataFrame:
    select = ", ".join(f"{SQL[c]} AS {c}" if c != "received_at" else
                       "to_char(t.received_at AT TIME ZONE %(tz)s, 'YYYY-MM-DD HH24:MI:SS') AS received_at"
                       for c in columns)
    where = "t.received_at >= %(lower)s AND t.received_at < %(upper)s"
    if unit_ids is not None:
        where += " AND t.unit_id = ANY(%(units)s)"
    params = {"lower": lower, "upper": upper, "units": unit_ids or [], "tz": timezone.get_current_timezone_name()}
    buffer = io.BytesIO()
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's cursor: COPY is not part of the DB-API
        sql = raw.mogrify(f"SELECT {select} FROM hotline_ticket t WHERE {where}", params)
        with raw.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER true)") as copy:
            for block in copy:
                buffer.write(block)
    if buffer.tell() == 0:
        return _empty(columns)
    buffer.seek(0)
    schema = {c: TYPES.get(c, pl.Utf8) for c in columns}
    frame = pl.read_csv(buffer, schema=schema)
    if "received_at" in columns:
        frame = frame.with_columns(pl.col("received_at").str.to_datetime("%Y-%m-%d %H:%M:%S", time_unit="us"))
    return frame


def _rows(lower: datetime, upper: datetime, columns: list[str], unit_ids: list[int] | None) -> pl.DataFrame:
    qs = Ticket.objects.filter(received_at__gte=lower, received_at__lt=upper)
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=unit_ids)
    fields = {"unit_id": "unit_id", "category_id": "category_id", "urgency": "urgency", "resolution": "resolution",
              "satisfaction": "satisfaction", "received_at": "received_at", "district": "district",
              "street": "street", "address": "address", "id": "number", "repeat_of": "repeat_of"}
    wanted = [c for c in columns if c != "response_seconds"]
    need = list(dict.fromkeys([*(fields[c] for c in wanted),
                               *(("received_at", "responded_at") if "response_seconds" in columns else ()),
                               ]))
    rows = list(qs.values_list(*need))
    data: dict[str, list[Any]] = {name: [r[k] for r in rows] for k, name in enumerate(need)}
    out: dict[str, Any] = {}
    for c in columns:
        if c == "response_seconds":
            out[c] = pl.Series(c, [(b - a).total_seconds() if b is not None else None
                                   for a, b in zip(data["received_at"], data["responded_at"], strict=True)],
                               dtype=pl.Float64)
        elif c == "received_at":
            out[c] = pl.Series(c, [timezone.localtime(v).replace(tzinfo=None) for v in data["received_at"]],
                               dtype=pl.Datetime("us"))
        elif c in TEXT:
            out[c] = pl.Series(c, [v or None for v in data[fields[c]]], dtype=pl.Utf8)
        else:
            out[c] = pl.Series(c, data[fields[c]], dtype=TYPES.get(c, pl.Utf8))
    return pl.DataFrame(out) if rows else _empty(columns)


def _empty(columns: list[str]) -> pl.DataFrame:
    types = {**dict.fromkeys(columns, pl.Utf8), **TYPES, "received_at": pl.Datetime("us")}
    return pl.DataFrame(schema={c: types[c] for c in columns})


def _named(frame: pl.DataFrame) -> pl.DataFrame:
    """Unit codes and category paths in place of their ids (small lookups joined in Polars)."""
    if "unit_id" in frame.columns:
        codes = pl.DataFrame(list(Unit.objects.values_list("pk", "code")), schema={"unit_id": pl.Int64,
                                                                                  "unit": pl.Utf8}, orient="row")
        frame = frame.join(codes, on="unit_id", how="left")
    if "category_id" in frame.columns:
        paths = pl.DataFrame(list(Category.objects.values_list("pk", "path")),
                             schema={"category_id": pl.Int64, "category": pl.Utf8}, orient="row")
        frame = frame.join(paths, on="category_id", how="left")
    return frame


GENERATION = "jixiao:hotline:generation"


def generation() -> int:
    """A number that changes whenever tickets change (imports, classification, corrections, routing): the key of
    every cached figure of the hotline pages."""
    from django.core.cache import cache

    value = cache.get(GENERATION)
    if value is None:
        value = int(timezone.now().timestamp() * 1000)
        cache.add(GENERATION, value, timeout=None)
        value = cache.get(GENERATION, value)
    return int(value)


def bump() -> None:
    """Tickets changed: cached figures are stale. Runs after the transaction commits (a rolled-back import
    changes nothing)."""
    from django.core.cache import cache
    from django.db import transaction

    def _bump() -> None:
        try:
            cache.incr(GENERATION)
        except ValueError:
            cache.set(GENERATION, int(timezone.now().timestamp() * 1000), timeout=None)

    transaction.on_commit(_bump)
