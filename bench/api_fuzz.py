"""A longer schemathesis run against the API's own OpenAPI schema than CI's: as the public and as each role,
every operation, ``--examples`` generated cases each (fresh ones every run), and the figures per role.

    .venv/bin/python bench/api_fuzz.py --examples 100            # on SQLite (in memory)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jixiao_fuzz .venv/bin/python bench/api_fuzz.py

It runs the suite's test (tests/platform/test_api_schema.py) with more examples and prints one line per role:
operations, cases, server errors, schema failures, statuses seen, seconds; exit status 1 when any role found a
server error or an answer outside the schema.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=100, help="generated cases per operation and role")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "fuzz.jsonl"
        env = {**os.environ, "JIXIAO_API_FUZZ_EXAMPLES": str(args.examples), "JIXIAO_API_FUZZ_REPORT": str(report),
               "JIXIAO_API_FUZZ_RANDOM": "1"}
        test = ("tests/platform/test_api_schema.py"
                "::test_schemathesis_finds_no_server_error_and_no_answer_outside_the_schema")
        status = subprocess.call([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", test], cwd=ROOT,
                                 env=env, stdout=subprocess.DEVNULL)
        rows = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()] if report.exists() else []
    database = "PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    print(f"schemathesis against /api/openapi.json on {database}, {args.examples} examples per operation")
    for r in rows:
        statuses = " ".join(f"{s}:{n}" for s, n in sorted(r["statuses"].items(), key=lambda kv: int(kv[0])))
        print(f"  {r['role']:<10} operations {r['operations']:>2}  cases {r['cases']:>6}  server errors "
              f"{r['server_errors']}  schema failures {len(r['failures'])}  ({statuses})  {r['seconds']:.1f} s")
    total = {k: sum(r[k] for r in rows) for k in ("cases", "server_errors")}
    print(f"  all roles: {total['cases']:,} cases, {total['server_errors']} server errors")
    print("JSON " + json.dumps({"examples": args.examples, "database": database, "roles": rows}, ensure_ascii=False))
    return 0 if status == 0 and rows else 1


if __name__ == "__main__":
    sys.exit(main())
