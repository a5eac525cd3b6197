"""The Redis cache backend production runs (``REDIS_URL``): Django's, with one client kept per connection pool. Run
against the Redis on this machine (CI has one at 127.0.0.1:6379); skipped, saying why, where there is none."""

from __future__ import annotations

import os
import socket
import threading
import uuid

import pytest

from jixiao.core.rediscache import RedisCache

URL = os.environ.get("JIXIAO_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


@pytest.fixture
def cache() -> RedisCache:
    host, port = URL.split("//", 1)[1].split("/", 1)[0].rsplit(":", 1)
    try:
        socket.create_connection((host, int(port)), timeout=1).close()
    except OSError:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no Redis at {URL}")
    # Keys of its own (nothing is flushed: other tests may be using the database at the same time), kept 30 s.
    return RedisCache(URL, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})


def test_it_keeps_and_gives_back_what_the_pages_keep(cache: RedisCache) -> None:
    body = ("<html>示范市</html>".encode(), [("Content-Type", "text/html; charset=utf-8")])
    cache.set("page:a", body, 30)
    assert cache.get("page:a") == body
    assert cache.get("page:missing") is None
    cache.set_many({"x": 1, "y": [2, 3]}, 30)
    assert cache.get_many(["x", "y", "z"]) == {"x": 1, "y": [2, 3]}
    cache.delete("x")
    assert cache.get("x") is None
    assert cache.add("x", 5, 30)
    assert not cache.add("x", 6, 30)
    assert cache.get("x") == 5
    assert cache.incr("x") == 6


def test_one_client_serves_every_call_and_every_thread(cache: RedisCache) -> None:
    client = cache._cache.get_client()
    assert cache._cache.get_client(write=True) is client  # one server: the same pool for reads and writes
    seen: list[object] = []

    def work(k: int) -> None:
        for j in range(50):
            cache.set(f"t{k}:{j}", j, 30)
            assert cache.get(f"t{k}:{j}") == j
        seen.append(cache._cache.get_client())

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(seen) == 4
    assert all(c is client for c in seen)
