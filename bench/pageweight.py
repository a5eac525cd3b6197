"""Benchmark: what a chart page weighs and how long it takes on a phone.

    .venv/bin/python bench/pageweight.py [--data-dir DIR] [--runs 5]

Loads the demo city into DIR (once; an existing demo there is reused), serves it with ``jixiao serve`` (static
files collected with hashed names and gzip and brotli copies), signs in as the office in headless Chromium at
390 x 844 and opens the overview of SFS-2025 (a page with charts) ``--runs`` times with an empty cache, then once
more with the cache of the run before. Prints the bytes transferred (compressed, as on the wire) by kind, the
JavaScript total (goal <= 1 MB; better <= 400 KB), and the times to the load event and until every chart is drawn
(median of the runs), and a ``JSON {...}`` line for machines.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PORT = 8766
PAGE = "/app/cycles/SFS-2025/"
CHROMIUM = "/usr/bin/chromium"


def serve(data_dir: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "JIXIAO_DATA_DIR": str(data_dir)}
    env.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "jixiao.cli", "demo", "--no-serve"], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    proc = subprocess.Popen([sys.executable, "-m", "jixiao.cli", "serve", "--port", str(PORT)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(120):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=2):
                return proc
        except OSError:
            time.sleep(1)
    proc.kill()
    raise SystemExit("the server did not answer within 120 s")


def measure(browser: Any, base: str, runs: int) -> dict[str, Any]:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    page = context.new_page()
    page.goto(f"{base}/app/login/")
    page.fill("input[name=username]", "office")
    page.fill("input[name=password]", "jixiao-demo")
    page.click("button[type=submit].primary")
    page.wait_for_load_state()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    loads, drawn, weights = [], [], []
    for run in range(runs + 1):
        cold = run < runs
        if cold:
            cdp.send("Network.clearBrowserCache")
        sizes: dict[str, int] = {}
        kinds: dict[str, str] = {}

        def on_response(event: dict[str, Any], kinds: dict[str, str] = kinds) -> None:
            kinds[event["requestId"]] = event.get("type", "Other")

        def on_finished(event: dict[str, Any], sizes: dict[str, int] = sizes) -> None:
            sizes[event["requestId"]] = int(event.get("encodedDataLength", 0))

        cdp.on("Network.responseReceived", on_response)
        cdp.on("Network.loadingFinished", on_finished)
        started = time.perf_counter()
        page.goto(f"{base}{PAGE}", wait_until="load")
        loaded = time.perf_counter() - started
        page.wait_for_function("() => [...document.querySelectorAll('div.chart')]"
                               ".every(el => el.getAttribute('data-drawn') === 'done')", timeout=30000)
        done = time.perf_counter() - started
        by_kind: dict[str, int] = {}
        for rid, size in sizes.items():
            kind = kinds.get(rid, "Other")
            by_kind[kind] = by_kind.get(kind, 0) + size
        if cold:
            loads.append(loaded)
            drawn.append(done)
            weights.append(by_kind)
        else:
            warm = {"load_s": round(loaded, 3), "charts_s": round(done, 3), "bytes": by_kind}
    context.close()
    first = weights[0]
    return {"page": PAGE, "viewport": "390x844", "runs": runs, "bytes_by_kind": first,
            "script_bytes": first.get("Script", 0), "total_bytes": sum(first.values()),
            "load_s_median": round(statistics.median(loads), 3),
            "charts_s_median": round(statistics.median(drawn), 3), "warm": warm}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=ROOT / "bench" / "out" / "pageweight")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    args.data_dir.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    proc = serve(args.data_dir)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"])
            result = measure(browser, f"http://127.0.0.1:{PORT}", args.runs)
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    kb = 1024
    print(f"{result['page']} at {result['viewport']} (office, demo 示范市), cold cache, {args.runs} runs")
    for kind, size in sorted(result["bytes_by_kind"].items(), key=lambda kv: -kv[1]):
        print(f"  {kind:<12} {size / kb:9.1f} KB")
    print(f"  JavaScript  {result['script_bytes'] / kb:9.1f} KB compressed (goal <= 1024 KB; better <= 400 KB)")
    print(f"  all         {result['total_bytes'] / kb:9.1f} KB")
    print(f"  load event  {result['load_s_median']:.3f} s median; every chart drawn {result['charts_s_median']:.3f} s")
    warm = result["warm"]
    print(f"  warm cache: load {warm['load_s']:.3f} s, charts {warm['charts_s']:.3f} s, "
          f"{sum(warm['bytes'].values()) / kb:.1f} KB transferred")
    print("JSON " + json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
