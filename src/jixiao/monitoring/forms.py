"""Forms of progress monitoring: a period value, an answer to a warning, the office's follow-up."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from jixiao.monitoring.choices import FOLLOW_UP_STATES


class PeriodValueForm(forms.Form):
    indicator = forms.CharField(label=_("indicator"), max_length=64)
    period = forms.IntegerField(label=_("month"), min_value=1, max_value=12)
    value = forms.CharField(label=_("cumulative value to date"), max_length=64)
    note = forms.CharField(label=_("note"), max_length=2000, required=False)
    version = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("answer"), max_length=20000, widget=forms.Textarea(attrs={"rows": 2}))


class FollowUpForm(forms.Form):
    state = forms.ChoiceField(label=_("follow-up"), choices=[(s.value, s.label) for s in FOLLOW_UP_STATES])
    note = forms.CharField(label=_("note"), max_length=20000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
