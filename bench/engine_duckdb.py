"""DuckDB doing ``jixiao score``'s job for ``bench/engine.py``: the whole job as one SQL statement over the same
CSV files, written with COPY, run as a process of its own (Python, ``import duckdb`` and the query) so that it is
timed from start to exit as the command is."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import yaml


def duckdb_query(out: Path, final_select: str, *, wide: bool = False) -> str:
    """The whole job as one SQL statement over the CSV files; ``final_select`` picks the columns. ``wide`` adds
    each node's points as a column (the groups' and the leaves', in the scheme's order, as ``jixiao score``
    writes them), for ``final_select`` to name; the columns are listed by ``wide_columns``."""
    raw = yaml.safe_load((out / "scheme.yaml").read_text(encoding="utf-8"))
    scale = float(raw.get("scale", 100))
    top_w = sum(float(node["weight"]) for node in raw["tree"])
    rows: list[str] = []
    rating: dict[str, Any] = {}
    pivots: list[str] = []
    for node in raw["tree"]:
        node_pts = scale * float(node["weight"]) / top_w
        if "children" in node:
            w = sum(float(c["weight"]) for c in node["children"])
            pivots.append(f'sum(p) FILTER (WHERE grp = \'{node["code"]}\') AS "{node["code"]}"')
            for c in node["children"]:
                rule = c["rule"]
                assert rule["type"] == "linear"
                rows.append(f"('{c['code']}', '{node['code']}', {float(rule['floor'])!r}, "
                            f"{float(rule['target'])!r}, {node_pts * float(c['weight']) / w!r})")
                pivots.append(f'sum(p) FILTER (WHERE indicator = \'{c["code"]}\') AS "{c["code"]}"')
        else:
            assert node["rule"]["type"] == "rating"
            rating = {"code": node["code"], "points": node_pts, **node["rule"]}
    lo, hi = (float(x) for x in rating["scale"])
    trim = int(rating.get("trim", 0))
    gw = ", ".join(f"('{g}', {float(w)!r})" for g, w in rating["groups"].items())
    grades = raw["grades"]
    top = grades[0]
    assert "quota" in top
    assert all("quota" not in g for g in grades[1:])
    partition = "PARTITION BY category" if raw.get("ranking", "category") == "category" else ""
    lower = "\n".join(f"            WHEN k >= {float(g['min'])!r} THEN '{g['name']}'" for g in grades[1:])

    def csv(name: str, cols: dict[str, str]) -> str:
        spec = ", ".join(f"'{c}': '{t}'" for c, t in cols.items())
        return f"read_csv('{out / name}', header = true, delim = ',', quote = '\"', columns = {{{spec}}})"

    return f"""
WITH
  ind(indicator, grp, floor, target, points) AS (VALUES {", ".join(rows)}),
  gw("group", w) AS (VALUES {gw}),
  u AS (SELECT * FROM {csv("units.csv", {"unit": "VARCHAR", "name": "VARCHAR", "category": "VARCHAR"})}),
  v AS (SELECT * FROM {csv("values.csv", {"unit": "VARCHAR", "indicator": "VARCHAR", "value": "DOUBLE"})}),
  r AS (SELECT * FROM {csv("ratings.csv", {"unit": "VARCHAR", "indicator": "VARCHAR", "group": "VARCHAR",
                                             "rater": "VARCHAR", "score": "DOUBLE"})}
        WHERE indicator = '{rating["code"]}'),
  p AS (
    SELECT v.unit, v.indicator, ind.grp,
           ind.points * greatest(0.0, least(1.0, (v.value - ind.floor) / (ind.target - ind.floor))) AS p
    FROM v JOIN ind USING (indicator)),
  measured AS (SELECT unit, sum(p) AS pts{"".join(", " + x for x in pivots) if wide else ""} FROM p GROUP BY unit),
  rr AS (
    SELECT unit, "group", score,
           row_number() OVER (PARTITION BY unit, "group" ORDER BY score) AS pos,
           count(*) OVER (PARTITION BY unit, "group") AS n
    FROM r),
  gmean AS (
    SELECT unit, "group", avg(score) AS mean FROM rr
    WHERE n <= {2 * trim} OR (pos > {trim} AND pos <= n - {trim})
    GROUP BY unit, "group"),
  rated AS (
    SELECT unit, sum(mean * w) / sum(w) AS combined FROM gmean JOIN gw USING ("group") GROUP BY unit),
  rated_pts AS (
    SELECT unit, {rating["points"]!r} * greatest(0.0, least(1.0, (combined - {lo!r}) / {hi - lo!r}))
           AS "{rating["code"]}"
    FROM rated),
  totals AS (
    SELECT u.unit, u.name, u.category, measured.* EXCLUDE (unit, pts), rated_pts."{rating["code"]}",
           greatest(0.0, coalesce(measured.pts, 0.0) + coalesce(rated_pts."{rating["code"]}", 0.0)) AS total
    FROM u LEFT JOIN measured USING (unit) LEFT JOIN rated_pts USING (unit)),
  ranked AS (
    SELECT *, round(total, 9) AS k,
           rank() OVER ({partition} ORDER BY round(total, 9) DESC) AS rank,
           -- units with a total >= mine (a tie counts whole): for a unit past the top grade's minimum
           -- these are all candidates for it, so a tie straddling the quota's edge is kept out whole
           count(*) OVER ({partition} ORDER BY round(total, 9) DESC) AS cand,
           count(*) OVER ({partition}) AS pop_n
    FROM totals),
  graded AS (
    SELECT *, CASE
            WHEN k >= {float(top["min"])!r} AND cand <= floor({float(top["quota"])!r} * pop_n + 1e-9)
              THEN '{top["name"]}'
{lower}
            ELSE '' END AS grade
    FROM ranked)
SELECT {final_select} FROM graded ORDER BY unit
"""


def wide_columns(out: Path) -> list[str]:
    """The node columns of ``jixiao score``'s result: each group then its leaves, in the scheme's order."""
    raw = yaml.safe_load((out / "scheme.yaml").read_text(encoding="utf-8"))
    return [c for node in raw["tree"] for c in (node["code"], *(x["code"] for x in node.get("children", ())))]


#: The DuckDB process: nothing but Python, ``import duckdb`` and the query, so that its start-up is DuckDB's own.
DUCKDB_PROCESS = """
import json, resource, sys, time
t0 = time.perf_counter()
import duckdb
con = duckdb.connect(":memory:")
con.execute(f"SET threads = {sys.argv[2]}")
t1 = time.perf_counter()
con.execute(open(sys.argv[1], encoding="utf-8").read())
t2 = time.perf_counter()
con.close()
print(json.dumps({"seconds_query": t2 - t1, "seconds_in_process": time.perf_counter() - t0,
                  "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
                  "threads": int(sys.argv[2]), "version": duckdb.__version__}))
"""


def run_duckdb(out: Path, kind: str) -> dict[str, Any]:
    """One DuckDB query from the CSV files to a file, in a process of its own timed from start to exit, as the
    command is: ``same`` writes the table ``jixiao score`` writes (unit, name, category, total, rank, grade, flags
    and every node's points, two decimals), ``narrow`` only unit, total, rank and grade, ``check`` the unrounded
    totals as Parquet for the check."""
    if kind == "same":
        nodes = ", ".join(f'round("{c}", 2) AS "{c}"' for c in wide_columns(out))
        sql = duckdb_query(out, f"unit, name, category, round(total, 2) AS total, rank, grade, '' AS flags, {nodes}",
                           wide=True)
        copy = f"COPY ({sql}) TO '{out / 'duckdb_result.csv'}' (HEADER, DELIMITER ',')"
    elif kind == "narrow":
        copy = (f"COPY ({duckdb_query(out, 'unit, round(total, 2) AS total, rank, grade')}) "
                f"TO '{out / 'duckdb_narrow.csv'}' (HEADER, DELIMITER ',')")
    else:
        copy = (f"COPY ({duckdb_query(out, 'unit, total, rank, grade')}) TO '{out / 'duckdb_raw.parquet'}' "
                "(FORMAT parquet)")
    query = out / f"duckdb_{kind}.sql"
    query.write_text(copy, encoding="utf-8")
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", DUCKDB_PROCESS, str(query), str(os.cpu_count() or 1)],
                          capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"DuckDB ({kind}) failed ({proc.returncode}):\n{proc.stderr}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return {**result, "wall_seconds": wall}
