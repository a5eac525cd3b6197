"""The one write the web interface adds: a unit operator's submission (报送) of their data.

The platform keeps values one by one (``jixiao.collection.services.do_set_value``); submitting records, in
the audit trail, which values the unit handed in and when, so that the receipt the operator sees afterwards
is backed by an unforgeable record.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from jixiao.audit.models import AuditEvent
from jixiao.audit.services import record_event
from jixiao.collection.models import Value
from jixiao.collection.querysets import writable_subjects
from jixiao.core.choices import Action
from jixiao.core.errors import PermissionDeniedError
from jixiao.cycles.choices import CycleState
from jixiao.cycles.models import Subject
from jixiao.cycles.services import lock_cycle, require_state


def do_submit_values(subject: Subject, *, actor: Any) -> AuditEvent:
    """Submit (报送) a subject's values as they stand: one audit event listing every value with its time and
    evidence file. Only while the cycle is open, and only by someone who may enter the subject's values."""
    with transaction.atomic():
        cycle = lock_cycle(subject.cycle_id)
        require_state(cycle, [CycleState.OPEN], _("submitting values"))
        subject = Subject.objects.get_for(actor, Action.VIEW, pk=subject.pk)
        if not writable_subjects(actor, "value").filter(pk=subject.pk).exists():
            raise PermissionDeniedError(action=Action.CHANGE.label, what="value")
        values = {v.indicator: {"value": v.value, "entered_at": v.entered_at, "evidence": v.evidence.name or ""}
                  for v in Value.objects.filter(subject=subject).order_by("indicator")}
        return record_event("values.submit", actor=actor, obj=subject, object_repr=f"{cycle.code} {subject.code}",
                            before=None, after={"cycle": cycle.code, "subject": subject.code, "count": len(values),
                                                "values": values})
