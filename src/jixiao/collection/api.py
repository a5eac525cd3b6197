"""Values through the API (session authentication; the same service and value check as every other path).

Changing a value that exists needs the version it is based on, as ``If-Match: "<version>"`` or ``"version"``
in the body (0: "there was no value"); a save based on an older version answers 409 with the stored value,
and one without a version 428. Reading a value answers its version as the ``ETag``.
"""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema
from ninja.responses import Status
from ninja.security import django_auth

from jixiao.api import errors
from jixiao.collection.errors import InvalidValueError, VersionRequiredError
from jixiao.collection.models import Value
from jixiao.collection.services import check_writable, do_delete_value, do_set_value
from jixiao.core.choices import Action
from jixiao.cycles.choices import CycleState
from jixiao.cycles.models import Subject

router = Router(tags=["values"])


class ValueIn(Schema):
    cycle: str
    unit: str
    indicator: str
    #: A number, or text as people type it ("95%", "1,234", full-width digits).
    value: float | str
    note: str = ""
    #: The version this value is based on (0: there was no value); or send If-Match.
    version: int | None = None
    #: Needed when the value check warns (far from last year, unusual across units).
    explanation: str = ""


class ValueOut(Schema):
    unit: str
    indicator: str
    value: float
    version: int
    source: str
    entered_at: datetime
    note: str
    warnings: str
    explanation: str

    @staticmethod
    def resolve_unit(obj: Value) -> str:
        return obj.subject.code


def _if_match(request: HttpRequest) -> int | None:
    """The version in ``If-Match`` ("3", W/"3" or 3), or None."""
    raw = request.headers.get("If-Match", "").strip()
    if not raw:
        return None
    text = raw.removeprefix("W/").strip('"')
    try:
        return int(text)
    except ValueError:
        raise InvalidValueError(field="If-Match", reason=f"{raw!r} is not a version number") from None


def _base_version(request: HttpRequest, subject: Subject, indicator: str, given: int | None) -> int | None:
    """The version the change is based on; None (no comparison) only where the service refuses anyway."""
    version = given if given is not None else _if_match(request)
    if version is None and subject.cycle.state != CycleState.OPEN:
        return None  # the cycle takes no values: the service says so (409 cycle_state), not "give a version"
    if version is None and indicator in subject.cycle.scheme.engine.value_codes:
        check_writable(request.user, subject, indicator)  # not theirs to write: 403 first, not "give a version"
    if version is None:
        stored = Value.objects.filter(subject=subject, indicator=indicator).values_list("version", flat=True).first()
        if stored is None:
            return 0
        raise VersionRequiredError(indicator=indicator, version=stored)
    return version


@router.get("/{cycle}/{unit}/", response={200: list[ValueOut], **errors(401, 404)}, auth=django_auth)
def list_values(request: HttpRequest, cycle: str, unit: str) -> list[Value]:
    """A unit's values with their versions (what a change must be based on)."""
    subject = Subject.objects.get_for(request.user, Action.VIEW, cycle__code=cycle, code=unit)
    return list(Value.objects.restrict(request.user, Action.VIEW).filter(subject=subject)
                .select_related("subject").order_by("indicator"))


@router.get("/{cycle}/{unit}/{indicator}", response={200: ValueOut, **errors(401, 404)}, auth=django_auth)
def get_value(request: HttpRequest, response: HttpResponse, cycle: str, unit: str, indicator: str) -> Value:
    """One value, with its version as the ETag."""
    value: Value = Value.objects.get_for(request.user, Action.VIEW, subject__cycle__code=cycle,
                                         subject__code=unit, indicator=indicator)
    response["ETag"] = f'"{value.version}"'
    return value


@router.post("/", response={200: ValueOut, **errors(401, 403, 404, 409, 422, 428)}, auth=django_auth)
def set_value(request: HttpRequest, response: HttpResponse, payload: ValueIn) -> Value:
    """Enter or change a value (an operator for their own units' items while their data are open; the office
    for any unit and its own items, while the cycle is open)."""
    subject = Subject.objects.get_for(request.user, Action.VIEW, cycle__code=payload.cycle, code=payload.unit)
    subject = Subject.objects.select_related("cycle__scheme").get(pk=subject.pk)
    version = _base_version(request, subject, payload.indicator, payload.version)
    value = do_set_value(subject, payload.indicator, payload.value, actor=request.user, source="api",
                         note=payload.note, version=version, explanation=payload.explanation)
    response["ETag"] = f'"{value.version}"'
    return value


@router.delete("/{cycle}/{unit}/{indicator}", response={204: None, **errors(401, 403, 404, 409, 422, 428)},
               auth=django_auth)
def delete_value(request: HttpRequest, cycle: str, unit: str, indicator: str,
                 version: int | None = None) -> Status[None]:
    """Delete a value: an explicit action, with the version it is based on (If-Match or ``?version=``)."""
    value = Value.objects.get_for(request.user, Action.VIEW, subject__cycle__code=cycle, subject__code=unit,
                                  indicator=indicator)
    base = version if version is not None else _if_match(request)
    if base is None:
        raise VersionRequiredError(indicator=indicator, version=value.version)
    do_delete_value(value, actor=request.user, version=base)
    return Status(204, None)
