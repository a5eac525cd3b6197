"""Forms of the review, appeals and hearings. Corrections are given as lines ``indicator = value``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jixiao.review.choices import AppealTarget, HearingDecision


def parse_corrections(text: str) -> dict[str, str]:
    """``CODE = value`` per line (or ``CODE: value``) -> {code: value as typed}; the one value check judges
    the values. A line that is neither is refused with its number."""
    out: dict[str, str] = {}
    for n, line in enumerate((text or "").splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        sep = "=" if "=" in line else "：" if "：" in line else ":" if ":" in line else ""
        if not sep:
            raise forms.ValidationError(_("line %(n)s: write INDICATOR = value") % {"n": n})
        code, value = (p.strip() for p in line.split(sep, 1))
        if not code or not value:
            raise forms.ValidationError(_("line %(n)s: write INDICATOR = value") % {"n": n})
        out[code] = value
    return out


class CorrectionsField(forms.CharField):
    def __init__(self, **kw: Any) -> None:
        kw.setdefault("required", False)
        kw.setdefault("widget", forms.Textarea(attrs={"rows": 2, "placeholder": "EXEC = 96.5"}))
        kw.setdefault("help_text", _("one per line: indicator code = corrected value"))
        super().__init__(**kw)

    def clean(self, value: Any) -> dict[str, str]:
        return parse_corrections(super().clean(value))


class CorrectionForm(forms.Form):
    unit = forms.CharField(label=_("unit code"), max_length=64)
    indicator = forms.CharField(label=_("indicator code"), max_length=64)
    value = forms.CharField(label=_("corrected value"), max_length=64)
    reason = forms.CharField(label=_("reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class PublicityForm(forms.Form):
    days = forms.IntegerField(label=_("publicity days"), min_value=1, max_value=60)
    confirm = forms.BooleanField(label=_("I confirm"), required=False)


class AppealForm(forms.Form):
    unit = forms.CharField(label=_("unit"), max_length=64)
    target = forms.ChoiceField(label=_("contests"), choices=AppealTarget.choices)
    indicator = forms.CharField(label=_("indicator"), max_length=64, required=False)
    grounds = forms.CharField(label=_("grounds"), max_length=20000, widget=forms.Textarea(attrs={"rows": 4}))
    cited = forms.CharField(label=_("explanation line disputed"), max_length=20000, required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))
    evidence = forms.FileField(label=_("evidence"), required=False)


class DecisionForm(forms.Form):
    reason = forms.CharField(label=_("reasons"), max_length=20000, required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))
    corrections = CorrectionsField(label=_("corrections"))


class HearingForm(forms.Form):
    at = forms.DateTimeField(label=_("date and time"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                             input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    place = forms.CharField(label=_("place"), max_length=200)
    participants = forms.CharField(label=_("participants"), max_length=2000,
                                   widget=forms.Textarea(attrs={"rows": 2}))
    observers = forms.CharField(label=_("observers"), max_length=2000, required=False,
                                widget=forms.Textarea(attrs={"rows": 2}))


class HearingDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("decision"), choices=HearingDecision.choices)
    minutes = forms.CharField(label=_("minutes"), max_length=20000, widget=forms.Textarea(attrs={"rows": 4}))
    reasons = forms.CharField(label=_("reasons"), max_length=20000, widget=forms.Textarea(attrs={"rows": 2}))
    corrections = CorrectionsField(label=_("corrections"))
