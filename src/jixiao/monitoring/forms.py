"""Forms of progress monitoring: a period value, an answer to a warning, the office's follow-up, the steps of a
rectification order and the office's escalation forms. They check the shape of the input only; the services
judge it (a deadline in the past, a step the order's state does not allow)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jixiao.monitoring.choices import FOLLOW_UP_STATES, Recheck, Stage

#: The longest text a page accepts (the services keep what they are given).
TEXT = 20000


def _text(label: Any, *, required: bool = True, rows: int = 3) -> forms.CharField:
    return forms.CharField(label=label, max_length=TEXT, required=required,
                           widget=forms.Textarea(attrs={"rows": rows}))


class PeriodValueForm(forms.Form):
    indicator = forms.CharField(label=_("indicator"), max_length=64)
    period = forms.IntegerField(label=_("month"), min_value=1, max_value=12)
    value = forms.CharField(label=_("cumulative value to date"), max_length=64)
    note = forms.CharField(label=_("note"), max_length=2000, required=False)
    version = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("answer"), max_length=TEXT, widget=forms.Textarea(attrs={"rows": 2}))


class FollowUpForm(forms.Form):
    state = forms.ChoiceField(label=_("follow-up"), choices=[(s.value, s.label) for s in FOLLOW_UP_STATES])
    note = forms.CharField(label=_("note"), max_length=TEXT, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


# --- rectification orders (整改通知单) ---------------------------------------------------------------------------

class IssueOrderForm(forms.Form):
    """The office issues a proposed order: what the unit must do, by when (empty: the cycle's default), and
    whether the portal shows it."""

    requirement = _text(_("requirement"))
    due = forms.DateField(label=_("rectify by"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                          input_formats=["%Y-%m-%d"])
    public = forms.BooleanField(label=_("shown on the portal"), required=False, initial=True)


class DismissOrderForm(forms.Form):
    reason = _text(_("reason"), rows=2)


class AcknowledgeOrderForm(forms.Form):
    plan = _text(_("rectification plan"), rows=4)


class ReportOrderForm(forms.Form):
    progress = _text(_("progress"))
    evidence = forms.FileField(label=_("evidence"), required=False)


class SubmitOrderForm(forms.Form):
    summary = _text(_("summary"))
    evidence = forms.FileField(label=_("evidence"), required=False)


class RecheckOrderForm(forms.Form):
    result = forms.ChoiceField(label=_("re-check"), choices=Recheck.choices, widget=forms.RadioSelect)
    note = _text(_("note"), required=False, rows=2)


# --- escalation (四阶警示) ----------------------------------------------------------------------------------------

class OverrideEscalationForm(forms.Form):
    """The office sets a unit's stage for an indicator: the units and indicators offered are the cycle's."""

    unit = forms.ChoiceField(label=_("unit"))
    indicator = forms.ChoiceField(label=_("indicator"))
    stage = forms.TypedChoiceField(label=_("stage"), choices=Stage.choices, coerce=int)
    reason = _text(_("reason"), rows=2)

    def __init__(self, *args: Any, units: list[tuple[str, str]], indicators: list[tuple[str, str]],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = units  # type: ignore[attr-defined]
        self.fields["indicator"].choices = indicators  # type: ignore[attr-defined]


class RecordStepForm(forms.Form):
    record = _text(_("what was done"), rows=2)
    evidence = forms.FileField(label=_("evidence"), required=False)
