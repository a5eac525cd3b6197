"""A cycle's data as the engine's input frames, loaded in bulk (COPY on PostgreSQL), and written out as the
files ``jixiao score`` reads, so that the two paths can be compared."""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import polars as pl
from django.db import connection

from jixiao.cycles.models import Cycle

SUBJECTS_SQL = "SELECT id, code, name, category FROM cycles_subject WHERE cycle_id = {c} ORDER BY code"
VALUES_SQL = "SELECT subject_id, indicator, value FROM collection_value WHERE cycle_id = {c}"
RATINGS_SQL = (
    'SELECT subject_id, indicator, "group", rater, score FROM collection_rating WHERE cycle_id = {c}'
)
TARGETS_SQL = "SELECT subject_id, indicator, floor, target FROM collection_target WHERE cycle_id = {c}"


def fetch_frame(sql: str, schema: Mapping[str, Any]) -> pl.DataFrame:
    """Run ``sql`` and return its rows as a frame. On PostgreSQL the rows travel by ``COPY ... TO STDOUT``
    as CSV and Polars parses them (a million rows in about a second); elsewhere by the cursor."""
    if connection.vendor == "postgresql":
        buf = io.BytesIO()
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)") as copy,
        ):
            for block in copy:
                buf.write(block)
        if buf.tell() == 0:
            return pl.DataFrame(schema=schema)
        buf.seek(0)
        return pl.read_csv(buf, has_header=False, new_columns=list(schema), schema=schema)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()
    return pl.DataFrame(rows, schema=schema, orient="row")


def cycle_frames(cycle: Cycle) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(subjects with ``id``, values, ratings, targets) of the cycle, in the engine's columns."""
    c = int(cycle.pk)
    subjects = fetch_frame(
        SUBJECTS_SQL.format(c=c),
        {"id": pl.Int64, "unit": pl.String, "name": pl.String, "category": pl.String},
    )
    ids = subjects.select(pl.col("id").alias("subject_id"), "unit")

    def by_code(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.join(ids, on="subject_id", how="left").drop("subject_id")

    values = by_code(
        fetch_frame(
            VALUES_SQL.format(c=c), {"subject_id": pl.Int64, "indicator": pl.String, "value": pl.Float64}
        )
    )
    ratings = by_code(
        fetch_frame(
            RATINGS_SQL.format(c=c),
            {
                "subject_id": pl.Int64,
                "indicator": pl.String,
                "group": pl.String,
                "rater": pl.String,
                "score": pl.Float64,
            },
        )
    )
    targets = by_code(
        fetch_frame(
            TARGETS_SQL.format(c=c),
            {"subject_id": pl.Int64, "indicator": pl.String, "floor": pl.Float64, "target": pl.Float64},
        )
    )
    return (
        subjects,
        values.select("unit", "indicator", "value"),
        ratings.select("unit", "indicator", "group", "rater", "score"),
        targets.select("unit", "indicator", "floor", "target"),
    )


def export_cycle_files(cycle: Cycle, folder: str | Path) -> dict[str, Path]:
    """Write the cycle's scheme and data as the files of ``jixiao score`` (scheme.yaml, units.csv,
    values.csv, ratings.csv, targets.csv) and return their paths."""
    from jixiao.schemes.services import export_scheme_text

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    subjects, values, ratings, targets = cycle_frames(cycle)
    paths = {name: folder / f"{name}.csv" for name in ("units", "values", "ratings", "targets")}
    subjects.select("unit", "name", "category").write_csv(paths["units"])
    values.write_csv(paths["values"])
    ratings.write_csv(paths["ratings"])
    targets.write_csv(paths["targets"])
    paths["scheme"] = folder / "scheme.yaml"
    paths["scheme"].write_text(export_scheme_text(cycle.scheme), encoding="utf-8")
    return paths
