"""The form of an approval step: which step, and the reason (needed to return or reopen)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from jixiao.approval.choices import Step


class StepForm(forms.Form):
    step = forms.ChoiceField(label=_("step"), choices=Step.choices)
    reason = forms.CharField(label=_("reason"), required=False, max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}))
