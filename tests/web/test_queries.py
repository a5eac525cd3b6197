"""The overview and the scorecard make the same number of queries for 4 units as for 40."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jixiao.accounts.choices import Role
from jixiao.accounts.services import do_create_user

MAX_OVERVIEW, MAX_SCORECARD = 13, 13
#: A page asked for again with no write in between comes from the page cache: session, user, cycle (and subject),
#: the data's version, the unread count.
MAX_KEPT = 6


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_query_counts_do_not_grow_with_the_number_of_units(db: Any, django_assert_max_num_queries: Any,
                                                           city: Any) -> None:
    small, big = city("S", 4), city("L", 40)
    client = Client()
    client.force_login(do_create_user("office", Role.ADMIN, actor=None, password="x-password-1"))
    counts = {}
    for cycle in (small, big):
        first = cycle.subjects.order_by("code").first()
        counts[cycle.code] = (_count(client, f"/app/cycles/{cycle.code}/"),
                              _count(client, f"/app/cycles/{cycle.code}/units/{first.code}/"),
                              _count(client, f"/app/cycles/{cycle.code}/results/"))
    assert counts[small.code] == counts[big.code]
    assert max(counts[big.code][:2]) <= max(MAX_OVERVIEW, MAX_SCORECARD)
    with django_assert_max_num_queries(MAX_SCORECARD):
        client.get(f"/app/cycles/{big.code}/units/L-001/")  # not asked for before: made
    for url in (f"/app/cycles/{big.code}/", f"/app/cycles/{big.code}/units/L-001/"):
        with django_assert_max_num_queries(MAX_KEPT):
            client.get(url)
