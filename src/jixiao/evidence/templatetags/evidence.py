"""``{% load evidence %}``: a value's evidence files on a page that lists values.

The view fetches the files of all its values at once (``jixiao.evidence.querysets.history_for``, one query) and
passes the result; each value's list is then rendered with ``{% evidence_history history value %}``.
"""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("evidence/_history.html")
def evidence_history(history: dict[int, list[Any]] | None, value: Any) -> dict[str, Any]:
    """The files of ``value`` (a Value or its id) from ``history``, current first, then the replaced ones."""
    pk = getattr(value, "pk", value)
    return {"evidence": (history or {}).get(pk, []) if pk is not None else []}
