"""Computing a cycle: load its data in bulk, run the engine, store the results in bulk.

Recomputing is idempotent: the cycle's results are replaced as a whole, in one transaction, so a reader
sees the old set or the new one, never a mixture. The audit event records the counts and a SHA-256 of
the score table, so a later recompute can be shown to give the same numbers.
"""

from __future__ import annotations

import hashlib
import io
import json
from typing import Any

import numpy as np
import polars as pl
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jixiao.audit.services import record_event
from jixiao.core.choices import Action
from jixiao.cycles.choices import REVIEW_STATES, CycleState
from jixiao.cycles.models import Cycle
from jixiao.cycles.services import lock_cycle, require_state
from jixiao.engine import ENGINE_VERSION, InputError, Labels, ScoreResult, build_population, explain, score
from jixiao.engine import result_frame as engine_result_frame
from jixiao.results.choices import Lang, VersionKind
from jixiao.results.data import cycle_frames
from jixiao.results.errors import ComputeInputError
from jixiao.results.models import Result, ResultVersion


def labels() -> Labels:
    """Problems of stored data name the unit (row numbers of an internal frame mean nothing), in the language
    of the request or command."""
    lang = "en" if (translation.get_language() or "").startswith("en") else "zh"
    return Labels(units="subjects", values="values", ratings="ratings", targets="targets", lang=lang, rows=False)
RESULT_COLUMNS = (
    "cycle_id",
    "subject_id",
    "total",
    "rank",
    "grade",
    "flags",
    "points",
    "available",
    "explanation",
    "engine_version",
    "computed_at",
)


def score_cycle(cycle: Cycle) -> tuple[pl.DataFrame, ScoreResult]:
    """Score the cycle's current data: (subjects with ``id``, the engine's result). Writes nothing."""
    subjects, values, ratings, targets = cycle_frames(cycle)
    try:
        pop = build_population(
            cycle.scheme.engine, subjects.select("unit", "name", "category"), values, ratings, targets, labels()
        )
    except InputError as exc:
        raise ComputeInputError([str(p) for p in exc.items]) from None
    return subjects, score(cycle.scheme.engine, pop)


def _result_rows(cycle: Cycle, subjects: pl.DataFrame, result: ScoreResult, now: Any) -> pl.DataFrame:
    frame = engine_result_frame(result)
    node_codes = [node.code for node in result.scheme.nodes]
    return pl.DataFrame(
        {
            "cycle_id": pl.Series([cycle.pk] * subjects.height, dtype=pl.Int64),
            "subject_id": subjects["id"],
            "total": pl.Series(np.maximum(result.total, 0.0)),
            "rank": pl.Series(result.rank.astype(np.int64)),
            "grade": frame["grade"],
            "flags": frame["flags"],
        }
    ).with_columns(
        points=frame.select(pl.struct(node_codes).struct.json_encode())[:, 0],
        available=pl.DataFrame(result.available, schema=node_codes, orient="row")
        .select(pl.struct(node_codes).struct.json_encode())[:, 0],
        explanation=pl.lit(""),
        engine_version=pl.lit(ENGINE_VERSION),
        computed_at=pl.lit(now.isoformat()),
    )


def _store(rows: pl.DataFrame) -> None:
    """Insert the result rows: by COPY on PostgreSQL, by bulk_create elsewhere."""
    if connection.vendor == "postgresql":
        buf = io.BytesIO()
        rows.select(RESULT_COLUMNS).write_csv(buf, include_header=False, quote_style="non_numeric")
        columns = ", ".join(f'"{c}"' for c in RESULT_COLUMNS)
        sql = f"COPY {Result._meta.db_table} ({columns}) FROM STDIN WITH (FORMAT csv)"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            copy.write(buf.getvalue())
        return
    from datetime import datetime

    objs = [
        Result(
            cycle_id=c,
            subject_id=s,
            total=t,
            rank=r,
            grade=g,
            flags=f,
            points=json.loads(p),
            available=json.loads(a),
            explanation="",
            engine_version=v,
            computed_at=datetime.fromisoformat(at),
        )
        for c, s, t, r, g, f, p, a, _, v, at in rows.select(RESULT_COLUMNS).iter_rows()
    ]
    Result.objects.bulk_create(objs, batch_size=2000)


def version_rows(cycle: Cycle) -> dict[str, dict[str, Any]]:
    """The cycle's current results as a version keeps them: subject code -> total, rank, grade, flags."""
    return {code: {"total": round(total, 4), "rank": rank, "grade": grade, "flags": flags}
            for code, total, rank, grade, flags in Result.objects.filter(cycle=cycle).order_by("subject__code")
            .values_list("subject__code", "total", "rank", "grade", "flags")}


def save_version(cycle: Cycle, kind: str, *, actor: Any, reason: str = "") -> ResultVersion:
    """Keep the cycle's current results as its next version (inside the caller's transaction, which holds the
    cycle's lock and records the audit event)."""
    rows = version_rows(cycle)
    last = ResultVersion.objects.filter(cycle=cycle).order_by("-number").values_list("number", flat=True).first()
    return ResultVersion.objects.create(
        cycle=cycle, number=(last or 0) + 1, kind=VersionKind(kind), reason=reason, rows=rows,
        sha256=hashlib.sha256(json.dumps(rows, sort_keys=True).encode()).hexdigest(), created_at=timezone.now(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None)


def do_compute_cycle(cycle: Cycle, *, actor: Any, kind: str = VersionKind.RECOMPUTE, reason: str = "") -> int:
    """Score the cycle and replace its results; return how many were stored. Possible while the cycle is
    open (provisional results), closed (the machine score, then the office's review) and while its appeals
    are decided; a final cycle's results stay as published. Records the ``data_version`` the results were
    computed from, so the pages can say when later writes have left them out of date.

    After the machine score every compute keeps its results as a new ``ResultVersion`` (``kind``, ``reason``):
    the first one after closing is the machine score, and nothing computed later overwrites it."""
    with transaction.atomic():
        cycle = lock_cycle(cycle)
        require_state(cycle, [CycleState.OPEN, *REVIEW_STATES], _("computing results"))
        Cycle.objects.get_for(actor, Action.CHANGE, pk=cycle.pk)
        subjects, result = score_cycle(cycle)
        now = timezone.now()
        rows = _result_rows(cycle, subjects, result, now)
        before = {
            "results": Result.objects.filter(cycle=cycle).count(),
            "computed_at": cycle.computed_at,
            "engine_version": cycle.engine_version,
            "computed_version": cycle.computed_version,
        }
        Result.objects.filter(cycle=cycle).delete()
        _store(rows)
        # The data were read under the cycle's lock, which every data-writing service takes before it counts its
        # write (``touch_data``): the version read with the locked row is exactly the data scored.
        cycle.computed_at, cycle.engine_version, cycle.computed_version = now, ENGINE_VERSION, cycle.data_version
        cycle.save(update_fields=["computed_at", "engine_version", "computed_version"])
        table = rows.select("subject_id", "total", "rank", "grade", "flags", "points").write_csv()
        version = None
        if cycle.state != CycleState.OPEN:
            first = not ResultVersion.objects.filter(cycle=cycle).exists()
            version = save_version(cycle, VersionKind.MACHINE if first else kind, actor=actor, reason=reason).number
        record_event(
            "cycle.compute",
            actor=actor,
            obj=cycle,
            before=before,
            after={
                "results": rows.height,
                "computed_at": now,
                "engine_version": ENGINE_VERSION,
                "computed_version": cycle.data_version,
                "sha256": hashlib.sha256(table.encode()).hexdigest(),
                "version": version,
                "reason": reason,
            },
        )
    return rows.height


def result_explanation(result: Result, lang: str = Lang.ZH) -> str:
    """The explanation (得分说明) of a result, from the engine. Made on first request by scoring the cycle
    again (explaining every subject inside compute would cost ~1 ms each); the Chinese one is kept."""
    if lang == Lang.ZH and result.explanation:
        return result.explanation
    cycle = result.cycle
    if cycle.results_stale:
        # The explanation is made from the data as they are now; the stored total is from before they changed.
        # Explained now, the two would contradict each other: say so instead, until the cycle is recomputed.
        # Said in the language asked for, whatever language the request or thread happens to have active.
        with translation.override("zh-hans" if lang == Lang.ZH else "en"):
            return str(_("The data have changed since these results were computed; the explanation will be "
                         "shown once the cycle is recomputed."))
    _subjects, engine_result = score_cycle(cycle)
    text = explain(engine_result, result.subject.code, Lang(lang).value)
    # Only a closed or published cycle's data are frozen; an open cycle's explanation follows its data.
    if lang == Lang.ZH and cycle.state in (CycleState.CLOSED, CycleState.PUBLISHED):
        # A cache of a deterministic function of the stored inputs, not a state change: no audit event.
        Result.objects.filter(pk=result.pk, computed_at=result.computed_at).update(explanation=text)
    return text
