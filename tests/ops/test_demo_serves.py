"""The first run of ``jixiao demo`` serves healthy workers: the demo loads and computes (Polars, with its thread
pool) before serving, and a thread pool does not survive ``fork``; pages that score (the explanation) hung until
gunicorn killed the worker. This test starts the real command on a fresh data folder and asks for those pages from
both workers: a hung worker shows as the request's timeout (well under gunicorn's own), a healthy one answers. How
fast they answer is a benchmark's figure (``bench/web.py``), not this test's."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(url: str, proc: subprocess.Popen[bytes], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"jixiao demo exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer within {seconds} s")


def test_a_first_run_demo_answers_the_explanation_page_from_both_workers(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "JIXIAO_DATA_DIR": str(tmp_path / "data"), "DJANGO_SETTINGS_MODULE": "jixiao.settings"}
    env.pop("DATABASE_URL", None)
    log = (tmp_path / "demo.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "jixiao.cli", "demo", "--port", str(port)], env=env,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{base}/healthz", proc, 120)
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = opener.open(f"{base}/app/login/", timeout=5).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token is not None
        form = urllib.parse.urlencode({"csrfmiddlewaretoken": token.group(1), "username": "office",
                                       "password": "jixiao-demo"}).encode()
        request = urllib.request.Request(f"{base}/app/login/", data=form, headers={"Referer": f"{base}/app/login/"})
        opener.open(request, timeout=5).read()
        pages = ("/app/cycles/SFS-2026/units/SFS-A01/explanation/",
                 "/app/cycles/SFS-2025/units/SFS-A05/explanation/", "/app/cycles/SFS-2026/")
        for path in pages:
            for _attempt in range(2):  # both workers
                with opener.open(f"{base}{path}", timeout=15) as response:
                    assert response.status == 200, path
                    body = response.read().decode()
                assert "总分" in body, path
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=20)
        log.close()
