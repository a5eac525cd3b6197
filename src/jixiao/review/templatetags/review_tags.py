"""The portal's note on a cycle's publicity and final publication (the portal imports no view module: its
templates load this tag)."""

from __future__ import annotations

from typing import Any

from django import template

from jixiao.cycles.choices import CycleState

register = template.Library()


@register.inclusion_tag("review/_public_note.html")
def public_note(cycle: Any, subject_code: str = "") -> dict[str, Any]:
    """公示中 with its end while the results are in publicity; after it, that appeals are being decided; once
    final, the counts of appeals and the units whose result changed, and why (``subject_code``: that unit's
    line only)."""
    from jixiao.review.services import public_note as note_of

    note = note_of(cycle) if cycle.state in (CycleState.PUBLICITY, CycleState.APPEALS, CycleState.PUBLISHED) \
        else None
    rows = note.rows if note is not None else []
    if subject_code:
        rows = [r for r in rows if r["code"] == subject_code]
    return {"cycle": cycle, "note": note, "rows": rows, "unit_page": bool(subject_code)}
