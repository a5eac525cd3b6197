"""Benchmark: latency of the overview and scorecard pages on PostgreSQL under concurrent clients, and the
number of database queries per page.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jixiao_bench_web .venv/bin/python bench/web.py \
        [--clients 20] [--requests 400] [--extra-units 300]

Steps: drop and create the scratch database, migrate, load the demo city (示范市, ``load_demo``), serve it
with gunicorn (one worker per CPU), sign 20 clients in as the office, and have them fetch the overview
(SFS-2026) and a scorecard (SFS-A01) in a loop; report p50 / p95 / max per page (goal: p95 <= 150 ms).
Then count queries per page (Django's test client, in process) on the demo and on a second city with
``--extra-units`` more units: the counts must be equal (constant, not growing with units).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/jixiao_bench_web"
PORT = 8765


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
    rows = []
    for u in units:
        for leaf in engine.measured_leaves:
            if leaf.only is None or u.category.code in leaf.only:
                rows.append((len(rows) + 2, u.code, leaf.code, float(round(rng.uniform(50, 100), 1))))
    do_load_values(cycle, rows, actor=None)
    do_load_ratings(cycle, [(u.code, "EVAL", g, f"{g}-{r}", float(rng.randint(60, 100)))
                            for u in units for g in ("superior", "peer", "public") for r in range(3)], actor=None)
    do_compute_cycle(cycle, actor=None)
    return cycle.code


def query_counts(paths: list[str]) -> list[int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from jixiao.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username="office"))
    out = []
    for path in paths:
        client.get(path)  # warm: scheme parsing is cached per process
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200, path
        out.append(len(ctx))
    return out


def signed_in_opener(base: str) -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(f"{base}/app/login/").read()
    token = next(c.value for c in jar if c.name == "csrftoken")
    data = urllib.parse.urlencode({"username": "office", "password": "jixiao-demo",
                                   "csrfmiddlewaretoken": token}).encode()
    req = urllib.request.Request(f"{base}/app/login/", data=data, headers={"Referer": f"{base}/app/login/"})
    opener.open(req).read()
    return opener


def load(base: str, paths: list[str], clients: int, requests: int) -> dict[str, list[float]]:
    openers = [signed_in_opener(base) for _ in range(clients)]
    times: dict[str, list[float]] = {p: [] for p in paths}
    lock = threading.Lock()
    per_client = max(1, requests // clients)

    def run(k: int) -> None:
        opener = openers[k]
        for i in range(per_client):
            path = paths[(i + k) % len(paths)]
            t0 = time.perf_counter()
            with opener.open(base + path) as r:
                r.read()
                assert r.status == 200
            dt = (time.perf_counter() - t0) * 1000
            with lock:
                times[path].append(dt)

    for path in paths:  # warm every worker a little
        for opener in openers[:8]:
            opener.open(base + path).read()
    threads = [threading.Thread(target=run, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(q * (len(xs) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--requests", type=int, default=400, help="requests per page")
    ap.add_argument("--extra-units", type=int, default=300)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2,
                    help="gunicorn worker processes (default: one per CPU; the pages are CPU-bound)")
    args = ap.parse_args()
    url = os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.settings")
    os.environ.setdefault("JIXIAO_DATA_DIR", "/tmp/jixiao-bench-web")
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    recreate_database(url)
    import django

    django.setup()
    from django.core.management import call_command

    from jixiao.ops.demo import load_demo

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
        total = args.requests * len(pages)
        t0 = time.perf_counter()
        times = load(base, list(pages.values()), args.clients, total)
        wall = time.perf_counter() - t0
    finally:
        server.terminate()
        server.wait(10)
    print(f"\n{args.clients} concurrent clients, {total} requests in {wall:.1f} s ({total / wall:.0f} req/s), "
          f"{args.workers} gunicorn workers on {os.cpu_count()} CPUs")
    print(f"{'page':10} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  goal p95 <= 150 ms")
    for name, path in pages.items():
        xs = times[path]
        p95 = pct(xs, 0.95)
        print(f"{name:10} {len(xs):5} {statistics.median(xs):8.1f} {p95:8.1f} {max(xs):8.1f}  "
              f"{'ok' if p95 <= 150 else 'MISSED'}")

    demo_counts = query_counts(list(pages.values()))
    big = extra_city(args.extra_units)
    big_counts = query_counts([f"/app/cycles/{big}/", f"/app/cycles/{big}/units/BIG-0001/"])
    print(f"\nqueries per page     demo (68 units)   {args.extra_units} units")
    for (name, _path), a, b in zip(pages.items(), demo_counts, big_counts, strict=True):
        print(f"{name:20} {a:>15} {b:>10}  {'constant' if a == b else 'GROWS'}")


if __name__ == "__main__":
    main()
