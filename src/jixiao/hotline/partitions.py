"""Month partitions of the ticket table on PostgreSQL (none elsewhere).

A partition must exist before rows of its month arrive: rows of a month without one land in the default
partition, and a month's partition cannot then be attached while the default holds rows of that month. Imports
call ``ensure_partitions`` with the months they carry, inside their transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.db import connection
from django.utils import timezone

TABLE = "hotline_ticket"


def month_start(day: date) -> date:
    return date(day.year, day.month, 1)


def next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day))


def partition_name(month: date) -> str:
    return f"{TABLE}_{month:%Y%m}"


def existing_partitions() -> set[str]:
    if connection.vendor != "postgresql":
        return set()
    with connection.cursor() as cursor:
        cursor.execute("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                       "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = %s", [TABLE])
        return {row[0] for row in cursor.fetchall()}


def ensure_partitions(months: Iterable[date]) -> list[str]:
    """Create the month partitions of ``months`` (any day of each month) that do not exist; return their names.
    A no-op on SQLite."""
    if connection.vendor != "postgresql":
        return []
    have = existing_partitions()
    made = []
    with connection.cursor() as cursor:
        for month in sorted({month_start(m) for m in months}):
            name = partition_name(month)
            if name in have:
                continue
            # Months of the site's time zone (Django's connection speaks UTC), bounds written with their offset.
            lower, upper = (_midnight(month).isoformat(), _midnight(next_month(month)).isoformat())
            # Rows of the month already in the default partition (written around the services) would make the
            # new partition's creation fail: the month then stays in the default partition, still correct.
            cursor.execute(f'SELECT 1 FROM "{TABLE}_default" WHERE received_at >= %s AND received_at < %s LIMIT 1',
                           [lower, upper])
            if cursor.fetchone() is not None:
                continue
            cursor.execute(f'CREATE TABLE IF NOT EXISTS "{name}" PARTITION OF "{TABLE}" '
                           f"FOR VALUES FROM ('{lower}') TO ('{upper}')")
            made.append(name)
    return made
