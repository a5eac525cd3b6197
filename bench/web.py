"""Benchmark: latency of the overview and scorecard pages on PostgreSQL under concurrent clients, the public
portal's cycle page under 200 clients, and the number of database queries per page.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jixiao_bench_web .venv/bin/python bench/web.py \
        [--clients 20] [--portal-clients 200] [--seconds 15] [--workers 2] [--extra-units 300]

Steps: drop and create the scratch database, migrate, load the demo city (示范市, ``load_demo``), serve it
with gunicorn (one worker per CPU) and the production cache (Redis at ``REDIS_URL``, default
redis://127.0.0.1:6379/15, flushed first; ``--no-redis`` keeps the embedded default's file cache), sign 20 clients
in as the office, and have them fetch the overview (SFS-2026) and a scorecard (SFS-A01) in a loop; report p50 /
p95 / max per page (goal: p95 <= 150 ms) and requests per second. Then 200 clients who are not signed in fetch the
published cycle's portal page (SFS-2025) for 20 seconds, each again as soon as it has its answer (the hardest
load: 200 requests always waiting); with ``wrk`` installed it is the load generator (it takes far less CPU than
Python threads on the same machine), otherwise threads (goal: p95 <= 150 ms, >= 300 requests/s). Finally count
queries per page (Django's test client, in process) on the demo and on a second city with ``--extra-units`` more
units: the counts must be equal (constant, not growing with units).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/jixiao_bench_web"
PORT = 8765
DEFAULT_REDIS = "redis://127.0.0.1:6379/15"
#: wrk's script: after the run, print the latency percentiles and counts as one JSON line.
WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format('WRK {"p50": %f, "p95": %f, "p99": %f, "max": %f, "requests": %d, "seconds": %f, '
    .. '"errors": %d, "non2xx": %d}\\n', latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, summary.requests, summary.duration / 1e6,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
"""


def recreate_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    if not name.startswith("jixiao_bench"):
        raise SystemExit(f"refusing to drop {name!r}: the bench database's name must start with jixiao_bench")
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def extra_city(n: int) -> str:
    """A second open, computed cycle of the demo scheme over ``n`` more units; returns its code."""
    import random

    from jixiao.collection.models import Value
    from jixiao.collection.services import do_load_ratings, do_load_values
    from jixiao.cycles.services import do_create_cycle, do_open_cycle
    from jixiao.org.choices import Level
    from jixiao.org.models import Category
    from jixiao.org.services import do_create_unit
    from jixiao.results.services import do_compute_cycle
    from jixiao.schemes.models import Scheme

    rng = random.Random(7)
    cats = list(Category.objects.order_by("code"))
    root = do_create_unit("BIG", "大市", Level.CITY, actor=None)
    units = [do_create_unit(f"BIG-{k:04}", f"大市单位{k}", Level.DEPARTMENT, actor=None, parent=root,
                            category=cats[k % len(cats)]) for k in range(n)]
    scheme = Scheme.objects.get(code="city-annual")
    cycle = do_create_cycle("BIG-2026", "大市2026", scheme, actor=None, year=2026, units=units)
    do_open_cycle(cycle, actor=None)
    engine = scheme.engine
    pool: dict[str, list[float]] = {leaf.code: [] for leaf in engine.measured_leaves}
    for indicator, value in Value.objects.filter(cycle__code="SFS-2026").values_list("indicator", "value"):
        if indicator in pool and value is not None:
            pool[indicator].append(value)
    rows: list[tuple[int, str, str, float | str | None]] = []
    for u in units:
        for leaf in engine.measured_leaves:
            # A value some demo unit has: valid for the indicator's unit and range.
            if (leaf.only is None or u.category.code in leaf.only) and pool[leaf.code]:
                rows.append((len(rows) + 2, u.code, leaf.code, rng.choice(pool[leaf.code])))
    do_load_values(cycle, rows, actor=None)
    do_load_ratings(cycle, [(u.code, "EVAL", g, f"{g}-{r}", float(rng.randint(60, 100)))
                            for u in units for g in ("superior", "peer", "public") for r in range(3)], actor=None)
    do_compute_cycle(cycle, actor=None)
    return cycle.code


def query_counts(paths: list[str]) -> list[int]:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from jixiao.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username="office"))
    out = []
    for path in paths:
        client.get(path)  # warm: scheme parsing is cached per process
        cache.clear()  # count the queries of a page made, not of one kept (pagecache)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200, path
        out.append(len(ctx))
    return out


def session_cookie(base: str) -> str:
    """The Cookie header of a session signed in as the office."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(f"{base}/app/login/").read()
    token = next(c.value for c in jar if c.name == "csrftoken")
    data = urllib.parse.urlencode({"username": "office", "password": "jixiao-demo",
                                   "csrfmiddlewaretoken": token}).encode()
    req = urllib.request.Request(f"{base}/app/login/", data=data, headers={"Referer": f"{base}/app/login/"})
    opener.open(req).read()
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def run_load(url: str, clients: int, seconds: float, cookie: str = "") -> dict[str, Any]:
    """``clients`` fetching ``url`` for ``seconds``, each again as soon as it has its answer: wrk when installed,
    else Python threads. Latencies in ms."""
    headers = {"Cookie": cookie} if cookie else {}
    wrk = shutil.which("wrk")
    if wrk:
        script = Path("/tmp") / f"jixiao-bench-wrk-{os.getpid()}.lua"
        script.write_text(WRK_SCRIPT)
        argv = [wrk, "-t2", f"-c{clients}", f"-d{int(seconds)}s", "--timeout", "10s", "-s", str(script)]
        for k, v in headers.items():
            argv += ["-H", f"{k}: {v}"]
        try:
            out = subprocess.run([*argv, url], capture_output=True, text=True, check=True).stdout
        finally:
            script.unlink(missing_ok=True)
        got = json.loads(next(x for x in out.splitlines() if x.startswith("WRK "))[4:])
        return {**got, "rps": got["requests"] / got["seconds"], "generator": "wrk"}
    times: list[float] = []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds
    errors = 0

    def run() -> None:
        nonlocal errors
        mine = []
        while time.perf_counter() < stop:
            t0 = time.perf_counter()
            try:
                with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as r:
                    r.read()
            except OSError:
                errors += 1
                continue
            mine.append((time.perf_counter() - t0) * 1000)
        with lock:
            times.extend(mine)

    t0 = time.perf_counter()
    threads = [threading.Thread(target=run) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    return {"p50": statistics.median(times), "p95": pct(times, 0.95), "p99": pct(times, 0.99), "max": max(times),
            "requests": len(times), "seconds": wall, "rps": len(times) / wall, "errors": errors, "non2xx": 0,
            "generator": "Python threads"}


def line(name: str, got: dict[str, Any], goal_rps: float = 0) -> str:
    ok = got["p95"] <= 150 and got["rps"] >= goal_rps and not got["errors"] and not got["non2xx"]
    return (f"{name:12} {got['requests']:7.0f} {got['rps']:7.0f} {got['p50']:8.1f} {got['p95']:8.1f} "
            f"{got['p99']:8.1f} {got['max']:8.1f} {got['errors'] + got['non2xx']:6.0f}  {'ok' if ok else 'MISSED'}")


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(q * (len(xs) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=15, help="load time per page")
    ap.add_argument("--extra-units", type=int, default=300)
    ap.add_argument("--portal-clients", type=int, default=200)
    ap.add_argument("--no-redis", action="store_true", help="the embedded default's file cache, not Redis")
    ap.add_argument("--reuse-db", action="store_true",
                    help="the database as an earlier run left it (no new demo; the query counts are then skipped)")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2,
                    help="gunicorn worker processes (default: one per CPU; the pages are CPU-bound)")
    args = ap.parse_args()
    url = os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.settings")
    os.environ.setdefault("JIXIAO_DATA_DIR", "/tmp/jixiao-bench-web")
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    if not args.reuse_db:
        recreate_database(url)
    if not args.no_redis:
        os.environ.setdefault("REDIS_URL", DEFAULT_REDIS)
        import redis

        redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()
    import django

    django.setup()
    from django.core.management import call_command

    from jixiao.ops.demo import load_demo

    if not args.reuse_db:
        call_command("migrate", verbosity=0)
        t0 = time.perf_counter()
        load_demo()
        print(f"demo loaded in {time.perf_counter() - t0:.1f} s (PostgreSQL, {url.rsplit('/', 1)[1]})")
    pages = {"overview": "/app/cycles/SFS-2026/", "scorecard": "/app/cycles/SFS-2026/units/SFS-A01/"}
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "jixiao.wsgi", "-b", f"127.0.0.1:{PORT}", "-w",
                               str(args.workers), "--log-level", "warning"], env=env, cwd=ROOT)
    try:
        base = f"http://127.0.0.1:{PORT}"
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz").read()
                break
            except OSError:
                time.sleep(0.2)
        cookie = session_cookie(base)
        office = {}
        for name, path in pages.items():
            for _ in range(3):  # each worker makes the page once; then it is kept (pagecache)
                urllib.request.urlopen(urllib.request.Request(base + path, headers={"Cookie": cookie})).read()
            office[name] = run_load(base + path, args.clients, args.seconds, cookie)
        portal_url = f"{base}/public/SFS-2025/"
        urllib.request.urlopen(portal_url).read()
        portal = run_load(portal_url, args.portal_clients, args.seconds)
    finally:
        server.terminate()
        server.wait(10)
    cache = "Redis" if os.environ.get("REDIS_URL") else "file"
    print(f"\n{args.workers} gunicorn workers on {os.cpu_count()} CPUs, {cache} cache, load by "
          f"{portal['generator']}, {args.seconds:.0f} s a page")
    print(f"{'page':12} {'requests':>7} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} "
          f"{'errors':>6}  goal")
    for name, got in office.items():
        print(line(name, got) + f" (p95 <= 150 ms, {args.clients} signed-in clients)")
    print(line("portal", portal, 300) + f" (p95 <= 150 ms and >= 300 req/s, {args.portal_clients} clients)")

    if args.reuse_db:
        return
    demo_counts = query_counts(list(pages.values()))
    big = extra_city(args.extra_units)
    big_counts = query_counts([f"/app/cycles/{big}/", f"/app/cycles/{big}/units/BIG-0001/"])
    print(f"\nqueries per page     demo (68 units)   {args.extra_units} units")
    for (name, _path), a, b in zip(pages.items(), demo_counts, big_counts, strict=True):
        print(f"{name:20} {a:>15} {b:>10}  {'constant' if a == b else 'GROWS'}")


if __name__ == "__main__":
    main()
