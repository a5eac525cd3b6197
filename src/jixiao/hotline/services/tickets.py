"""Tickets into the database: a hotline export's file (``do_import_tickets``) or a batch pushed by a hotline
system (``do_push_tickets``), both through ``load_tickets``, all or nothing.

The frame is checked and mapped with Polars (unit and category text to the org's units and the category tree),
then upserted by ticket number and received time: on PostgreSQL with ``COPY`` into a temporary staging table
and set-based SQL (a million tickets within a minute), elsewhere (the embedded SQLite) in chunks of
``executemany``. The two paths keep one rule:

- a number stored with another received time is refused (a hotline never changes when it received a ticket);
- a ticket whose fields all equal the stored ones is unchanged, else updated (a later export brings the
  response, the closing, the result and the callback's satisfaction);
- a category a person set (``category_by="person"``) is never replaced by the file's, and a file without a
  (known) category leaves the keyword rules' or the model's category in place.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import polars as pl
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jixiao.audit.services import record_event
from jixiao.core.errors import ImportRefusedError, Problems
from jixiao.hotline.choices import NORMAL, CategoryBy, HotlineAction, Satisfaction
from jixiao.hotline.models import Category, SourceSystem, Ticket, TicketBatch
from jixiao.hotline.partitions import TABLE, ensure_partitions
from jixiao.hotline.services.frames import bump

Progress = Callable[[str, int], None]

#: The canonical columns of a ticket frame (``jixiao.engine.tickets.read_tickets``), ``_row`` the file's row.
TEXT_COLUMNS = ("id", "text", "category", "unit", "urgency", "resolution", "satisfaction", "channel", "district",
                "street", "address", "co_units", "repeat_of")
TIME_COLUMNS = ("received_at", "responded_at", "closed_at")
CANONICAL = (*TEXT_COLUMNS, *TIME_COLUMNS, "transfers", "_row")

#: The columns' Chinese headers, naming a refused row's column in the language of the request.
HEADERS_ZH = {"id": "工单编号", "received_at": "受理时间", "text": "诉求内容", "category": "诉求分类",
              "unit": "承办单位", "urgency": "紧急程度", "responded_at": "响应时间", "closed_at": "办结时间",
              "resolution": "办理结果", "satisfaction": "满意度", "channel": "来源渠道", "district": "区",
              "street": "街道", "address": "地址", "co_units": "协办单位", "transfers": "转办次数",
              "repeat_of": "重复工单"}

#: Stored columns a file sets, in the staging table's order; (stored column, canonical column, max length).
TEXT_FIELDS = (("number", "id", 64), ("channel", "channel", 32), ("text", "text", None),
               ("district", "district", 64), ("street", "street", 64), ("address", "address", 200),
               ("category_text", "category", 200), ("unit_text", "unit", 200), ("co_units", "co_units", 400),
               ("urgency", "urgency", 16), ("resolution", "resolution", 32), ("satisfaction", "satisfaction", 8),
               ("repeat_of", "repeat_of", 64))
#: The columns whose equality makes a ticket unchanged (``category_by`` follows ``category_id``).
COMPARED = ("channel", "text", "district", "street", "address", "category_id", "category_text", "category_by",
            "unit_id", "unit_text", "co_units", "transfers", "urgency", "responded_at", "closed_at", "resolution",
            "satisfaction", "repeat_of")
STORED = ("number", "received_at", *COMPARED)
CHUNK = 50_000
SQLITE_CHUNK = 2_000
#: The classifier's own categories, which a file without a category leaves in place.
MACHINE = (CategoryBy.RULES.value, CategoryBy.MODEL.value)


def request_lang() -> str:
    """The language of messages for the active one: ``en`` or ``zh``."""
    return "en" if (translation.get_language() or "").startswith("en") else "zh"


def column_name(column: str, language: str) -> str:
    return HEADERS_ZH.get(column, column) if language == "zh" else column


# ---------------------------------------------------------------------------------------------- the services
def do_import_tickets(path: str | Path, *, actor: Any, label: str | None = None, system: SourceSystem | None = None,
                      progress: Progress | None = None, lang: str | None = None) -> TicketBatch:
    """Import a hotline export (.csv in UTF-8 or GBK, or .xlsx; English or Chinese headers) all or nothing:
    units and categories matched by code or name (unknown ones kept as text and counted), tickets upserted by
    number (see the module). One audit event ``hotline.import`` with the file's name, SHA-256 and counts."""
    from jixiao.engine.errors import InputError
    from jixiao.engine.tickets import read_tickets

    TicketBatch.objects.check_create(actor)
    path = Path(path)
    language = lang or request_lang()
    try:
        frame = read_tickets(path, lang=language)
    except InputError as exc:
        raise ImportRefusedError.from_input_error(exc) from None
    return load_tickets(frame, actor=actor, name=label or path.name, sha256=_sha256(path), system=system,
                        progress=progress, language=language, action=HotlineAction.IMPORT)


def do_push_tickets(frame: pl.DataFrame, *, system: SourceSystem, batch: str = "", actor: Any = None,
                    lang: str | None = None) -> TicketBatch:
    """Tickets pushed by a hotline system (the API's body as a canonical frame), by the same rules as a file;
    one audit event ``hotline.push`` naming the system; the system's last push noted."""
    name = batch or timezone.now().strftime("push %Y-%m-%d %H:%M:%S")
    return load_tickets(frame, actor=actor, name=name, sha256="", system=system, progress=None,
                        language=lang or request_lang(), action=HotlineAction.PUSH)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_tickets(frame: pl.DataFrame, *, actor: Any, name: str, sha256: str, system: SourceSystem | None,
                 progress: Progress | None, language: str, action: str) -> TicketBatch:
    """The shared body of an import and a push: check, map, upsert, count and audit, in one transaction."""
    if progress is not None:
        progress("read", frame.height)
    rows = _prepare(frame, name=name, language=language)
    with transaction.atomic():
        units, categories = _unit_map(), _category_map()
        rows = _map(rows, units, categories)
        months = _months(rows)
        ensure_partitions(months)
        batch = TicketBatch(system=system, name=name[:200], sha256=sha256, rows=rows.height,
                            created_by=actor if getattr(actor, "is_authenticated", False) else None,
                            created_at=timezone.now())
        batch.unmatched_units = rows.filter((pl.col("unit_text") != "") & pl.col("unit_id").is_null()).height
        batch.unmatched_categories = rows.filter(
            (pl.col("category_text") != "") & pl.col("category_id").is_null()).height
        batch.save()
        upsert = _upsert_postgresql if connection.vendor == "postgresql" else _upsert_rows
        created, updated = upsert(rows, batch, name=name, language=language, progress=progress)
        batch.created, batch.updated = created, updated
        batch.unchanged = rows.height - created - updated
        batch.save(update_fields=["created", "updated", "unchanged"])
        if system is not None and action == HotlineAction.PUSH:
            system.last_used_at = batch.created_at
            system.save(update_fields=["last_used_at"])
        record_event(action, actor=actor, obj=batch, after={
            "file" if action == HotlineAction.IMPORT else "batch": name, "sha256": sha256,
            "system": system.name if system else None, **counts_of(batch),
            "months": [f"{m:%Y-%m}" for m in months]})
        if created or updated:
            bump()
    return batch


def counts_of(batch: TicketBatch) -> dict[str, int]:
    """A batch's counts, as an import job and the API report them."""
    return {"rows": batch.rows, "created": batch.created, "updated": batch.updated, "unchanged": batch.unchanged,
            "unmatched_units": batch.unmatched_units, "unmatched_categories": batch.unmatched_categories}


# ---------------------------------------------------------------------------------------------- checking
def _prepare(frame: pl.DataFrame, *, name: str, language: str) -> pl.DataFrame:
    """The frame in stored columns (text stripped, blanks empty, times aware in UTC), or ImportRefusedError
    naming each bad row and column: a missing number or received time, text too long, an unknown
    satisfaction word, a number twice in the file."""
    missing = [c for c in CANONICAL if c not in frame.columns and c != "_row"]
    if missing:
        raise ImportRefusedError([(name, None, c, _("missing column")) for c in missing])
    if "_row" not in frame.columns:
        frame = frame.with_row_index("_row", offset=2)
    zone = settings.TIME_ZONE
    # NUL characters cannot be stored (PostgreSQL refuses them in text): an export's stray ones are dropped.
    text = [pl.col(src).cast(pl.String).str.replace_all("\x00", "", literal=True).str.strip_chars().fill_null("")
            .alias(dst) for dst, src, _n in TEXT_FIELDS]
    times = [_aware(pl.col(c), zone).alias(c) for c in TIME_COLUMNS]
    rows = frame.select(pl.col("_row").cast(pl.Int64), *text, *times,
                        pl.col("transfers").cast(pl.Int32, strict=False).alias("transfers"))
    rows = rows.with_columns(pl.when(pl.col("urgency") == "").then(pl.lit(NORMAL)).otherwise(pl.col("urgency"))
                             .alias("urgency"))
    problems = Problems()

    def refuse(bad: pl.DataFrame, column: str, reason: Callable[[dict[str, Any]], str]) -> None:
        for row in bad.head(ImportRefusedError.KEPT).iter_rows(named=True):
            problems.add((name, row["_row"], column_name(column, language), reason(row)))
        problems.count += max(0, bad.height - ImportRefusedError.KEPT)

    refuse(rows.filter(pl.col("number") == ""), "id", lambda r: _("a ticket number is required"))
    refuse(rows.filter(pl.col("received_at").is_null()), "received_at", lambda r: _("a received time is required"))
    for dst, src, limit in TEXT_FIELDS:
        if limit is not None:
            refuse(rows.filter(pl.col(dst).str.len_chars() > limit), src, _too_long(limit))
    refuse(rows.filter((pl.col("satisfaction") != "") & ~pl.col("satisfaction").is_in(Satisfaction.values)),
           "satisfaction", lambda r: _("“{word}” is not one of {words}").format(
               word=r["satisfaction"], words="、".join(Satisfaction.values)))
    refuse(rows.filter(pl.col("transfers") < 0), "transfers", lambda r: _("a count is 0 or more"))
    for c in ("responded_at", "closed_at"):
        refuse(rows.filter(pl.col(c) < pl.col("received_at")), c, lambda r: _("before the received time"))
    twice = (rows.filter(pl.col("number") != "")
             .with_columns(pl.col("_row").min().over("number").alias("first"))
             .filter(pl.col("_row") != pl.col("first")))
    refuse(twice, "id", lambda r: _("ticket {number} is on row {first} already").format(**r))
    if problems:
        raise problems.refusal()
    return rows


def _too_long(limit: int) -> Callable[[dict[str, Any]], str]:
    text = _("longer than {n} characters").format(n=limit)
    return lambda row: text


def _aware(column: pl.Expr, zone: str) -> pl.Expr:
    """A naive local time (the export's) or an aware one, in UTC."""
    return (column.dt.replace_time_zone(zone, ambiguous="earliest", non_existent="null")
            .dt.convert_time_zone("UTC"))


# ---------------------------------------------------------------------------------------------- mapping
def _unit_map() -> dict[str, int]:
    """Unit code -> id, and unit name -> id where the name is one unit's (codes win over names)."""
    from jixiao.org.models import Unit

    by_name: dict[str, list[int]] = {}
    by_code: dict[str, int] = {}
    for pk, code, unit_name in Unit.objects.values_list("pk", "code", "name"):
        by_code[code] = pk
        by_name.setdefault(unit_name.strip(), []).append(pk)
    return {**{n: pks[0] for n, pks in by_name.items() if len(pks) == 1}, **by_code}


def category_key(text: str) -> str:
    """A category path as written in any export: ``/``, ``／``, ``-`` or ``>`` between the levels, spaces
    around them ignored."""
    for sep in ("／", ">", "-", "＞"):
        text = text.replace(sep, "/")
    return "/".join(part.strip() for part in text.split("/") if part.strip())


def _category_map() -> dict[str, int]:
    """Category code, path (any separator) or a level-3 name that one category has -> id."""
    out: dict[str, int] = {}
    names: dict[str, list[int]] = {}
    for pk, path, cat_name, level in Category.objects.values_list("pk", "path", "name", "level"):
        out[category_key(path)] = pk
        if level == 3:
            names.setdefault(cat_name.strip(), []).append(pk)
    out.update({n: pks[0] for n, pks in names.items() if len(pks) == 1 and n not in out})
    out.update({code: pk for pk, code in Category.objects.values_list("pk", "code")})
    return out


def _lookup(values: pl.Series, mapping: dict[str, int], key: Callable[[str], str] = str) -> pl.DataFrame:
    """The distinct texts of ``values`` with their id (null when unknown): a small frame to join on."""
    texts = values.unique().to_list()
    return pl.DataFrame({"text": texts, "id": [mapping.get(key(t)) if t else None for t in texts]},
                        schema={"text": pl.String, "id": pl.Int64})


def _map(rows: pl.DataFrame, units: dict[str, int], categories: dict[str, int]) -> pl.DataFrame:
    unit_ids = _lookup(rows["unit_text"], units).rename({"text": "unit_text", "id": "unit_id"})
    category_ids = _lookup(rows["category_text"], categories, category_key).rename(
        {"text": "category_text", "id": "category_id"})
    rows = rows.join(unit_ids, on="unit_text", how="left").join(category_ids, on="category_text", how="left")
    return rows.with_columns(
        pl.when(pl.col("category_id").is_not_null()).then(pl.lit(CategoryBy.FILE.value)).otherwise(pl.lit(""))
        .alias("category_by"))


def _months(rows: pl.DataFrame) -> list[date]:
    local = rows["received_at"].dt.convert_time_zone(settings.TIME_ZONE)
    return sorted(local.dt.truncate("1mo").dt.date().unique().to_list())


def _conflict(name: str, language: str, row: int, number: str, stored: datetime) -> tuple[str, int, str, str]:
    when = timezone.localtime(stored).strftime("%Y-%m-%d %H:%M:%S")
    return (name, row, column_name("received_at", language),
            _("Ticket {number} was imported with the received time {time}, not this row's.").format(
                number=number, time=when))


# ---------------------------------------------------------------------------------------------- PostgreSQL
STAGE = "hotline_ticket_stage"
STAGE_COLUMNS = ("_row", "number", "received_at", "channel", "text", "district", "street", "address",
                 "category_id", "category_text", "category_by", "unit_id", "unit_text", "co_units", "transfers",
                 "urgency", "responded_at", "closed_at", "resolution", "satisfaction", "repeat_of")
TIMESTAMPTZ = ("received_at", "responded_at", "closed_at")
INTEGER = {"_row": "bigint", "category_id": "bigint", "unit_id": "bigint", "transfers": "integer"}


def _stage_sql() -> str:
    cols = ", ".join(f'"{c}" ' + ("timestamptz" if c in TIMESTAMPTZ else INTEGER.get(c, "text"))
                     for c in STAGE_COLUMNS)
    return f'CREATE TEMPORARY TABLE "{STAGE}" ({cols}) ON COMMIT DROP'


def _csv_chunks(rows: pl.DataFrame) -> Iterable[tuple[int, bytes]]:
    """The staging rows as CSV (times in UTC with their offset), ``CHUNK`` rows at a time."""
    out = rows.select(STAGE_COLUMNS).with_columns(
        [pl.col(c).dt.replace_time_zone(None).dt.strftime("%Y-%m-%d %H:%M:%S%.6f+00") for c in TIMESTAMPTZ])
    for start in range(0, out.height, CHUNK):
        buffer = io.BytesIO()
        out.slice(start, CHUNK).write_csv(buffer, include_header=False, null_value="")
        yield start + min(CHUNK, out.height - start), buffer.getvalue()


def _upsert_postgresql(rows: pl.DataFrame, batch: TicketBatch, *, name: str, language: str,
                       progress: Progress | None) -> tuple[int, int]:
    """COPY into a temporary staging table, refuse received-time conflicts, then one INSERT ... ON CONFLICT
    DO UPDATE of the rows that differ. Empty text arrives as NULL from CSV and is stored as ''."""
    raw = connection.connection  # the psycopg 3 connection, inside the caller's transaction
    with raw.cursor() as cursor:
        cursor.execute(f'DROP TABLE IF EXISTS "{STAGE}"')
        cursor.execute(_stage_sql())
        with cursor.copy(f'COPY "{STAGE}" ({", ".join(STAGE_COLUMNS)}) FROM STDIN (FORMAT csv)') as copy:
            for done, chunk in _csv_chunks(rows):
                copy.write(chunk)
                if progress is not None:
                    progress("checking", done)
        cursor.execute(f'ANALYZE "{STAGE}"')
        cursor.execute(
            f"SELECT count(*) FILTER (WHERE t.received_at <> s.received_at), "
            f"count(*) FILTER (WHERE t.received_at = s.received_at) "
            f'FROM "{STAGE}" s JOIN "{TABLE}" t ON t.number = s.number')
        conflicts, stored = cursor.fetchone()
        if conflicts:
            cursor.execute(
                f'SELECT s._row, s.number, t.received_at FROM "{STAGE}" s JOIN "{TABLE}" t '
                f"ON t.number = s.number AND t.received_at <> s.received_at ORDER BY s._row LIMIT %s",
                [ImportRefusedError.KEPT])
            raise ImportRefusedError([_conflict(name, language, r, n, t) for r, n, t in cursor.fetchall()],
                                     total=conflicts)
        if progress is not None:
            progress("saving", 0)
        text = set(STAGE_COLUMNS) - set(TIMESTAMPTZ) - set(INTEGER)
        source = ", ".join(f"coalesce(s.{c}, '')" if c in text else f"s.{c}" for c in STAGE_COLUMNS[1:])
        keep = "t.category_by = 'person' OR (excluded.category_id IS NULL AND t.category_by IN ('rules', 'model'))"
        sets = {c: f"excluded.{c}" for c in COMPARED}
        sets.update({c: f"CASE WHEN {keep} THEN t.{c} ELSE excluded.{c} END"
                     for c in ("category_id", "category_by")})
        sets["confidence"] = f"CASE WHEN {keep} THEN t.confidence ELSE NULL END"
        sets.update(batch_id="excluded.batch_id", updated_at="excluded.updated_at")
        differs = " OR ".join(f"t.{c} IS DISTINCT FROM ({sets[c]})" for c in COMPARED)
        cols = ", ".join(STAGE_COLUMNS[1:])
        cursor.execute(
            f'WITH done AS (INSERT INTO "{TABLE}" AS t ({cols}, needs_review, batch_id, updated_at) '
            f'SELECT {source}, false, %s, %s FROM "{STAGE}" s '
            f"ON CONFLICT (number, received_at) DO UPDATE SET "
            + ", ".join(f"{c} = {v}" for c, v in sets.items())
            + f" WHERE {differs} RETURNING 1) SELECT count(*) FROM done",
            [batch.pk, batch.created_at])
        written = cursor.fetchone()[0]
        cursor.execute(f'DROP TABLE "{STAGE}"')
    if progress is not None:
        progress("saving", rows.height)
    created = rows.height - int(stored)
    return created, int(written) - created


# ---------------------------------------------------------------------------------------------- elsewhere
def _stored(numbers: list[str]) -> dict[str, list[dict[str, Any]]]:
    """The stored tickets of ``numbers`` (with the classifier's confidence), by number."""
    out: dict[str, list[dict[str, Any]]] = {}
    for start in range(0, len(numbers), 900):
        for row in Ticket.objects.filter(number__in=numbers[start:start + 900]).values(*STORED, "confidence"):
            out.setdefault(row["number"], []).append(row)
    return out


def _final(new: dict[str, Any], old: dict[str, Any] | None) -> dict[str, Any]:
    """The row to store: the file's, but a person's category, or the classifier's when the file has none,
    kept."""
    row = dict(new, confidence=None)
    if old is not None and (old["category_by"] == CategoryBy.PERSON
                            or (new["category_id"] is None and old["category_by"] in MACHINE)):
        row.update(category_id=old["category_id"], category_by=old["category_by"], confidence=old["confidence"])
    return row


def _upsert_rows(rows: pl.DataFrame, batch: TicketBatch, *, name: str, language: str,
                 progress: Progress | None) -> tuple[int, int]:
    """The same upsert row by row in Python (SQLite): stored tickets read in chunks, new and changed rows
    written with ``executemany`` of INSERT ... ON CONFLICT DO UPDATE."""
    records = rows.select("_row", *STORED).to_dicts()
    stored = _stored(rows["number"].unique().to_list())
    problems = Problems()
    write: list[dict[str, Any]] = []
    created = 0
    for k, rec in enumerate(records, start=1):
        olds = stored.get(rec["number"], [])
        same = next((o for o in olds if o["received_at"] == rec["received_at"]), None)
        if olds and same is None:
            problems.add(_conflict(name, language, rec["_row"], rec["number"], olds[0]["received_at"]))
            continue
        row = _final(rec, same)
        if same is None:
            created += 1
            write.append(row)
        elif any(row[c] != same[c] for c in COMPARED):
            write.append(row)
        if progress is not None and k % CHUNK == 0:
            progress("checking", k)
    if problems:
        raise problems.refusal()
    ops = connection.ops
    cols = (*STORED, "confidence", "needs_review", "batch_id", "updated_at")
    updates = ", ".join(f"{c} = excluded.{c}" for c in (*COMPARED, "confidence", "batch_id", "updated_at"))
    sql = (f'INSERT INTO "{TABLE}" ({", ".join(cols)}) VALUES ({", ".join(["%s"] * len(cols))}) '
           f"ON CONFLICT (number, received_at) DO UPDATE SET {updates}")
    stamp = ops.adapt_datetimefield_value(batch.created_at)
    with connection.cursor() as cursor:
        for start in range(0, len(write), SQLITE_CHUNK):
            params = [
                [ops.adapt_datetimefield_value(r[c]) if c in TIMESTAMPTZ else r[c] for c in (*STORED, "confidence")]
                + [False, batch.pk, stamp]
                for r in write[start:start + SQLITE_CHUNK]
            ]
            cursor.executemany(sql, params)
            if progress is not None:
                progress("saving", start + len(params))
    return created, len(write) - created
