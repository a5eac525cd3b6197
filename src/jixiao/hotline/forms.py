"""Forms of the hotline pages. They check the shape of the input only; the services judge it."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jixiao.hotline.choices import Measure

TEXT = 2000


class TicketFilterForm(forms.Form):
    """The ticket list's filters (GET)."""

    q = forms.CharField(label=_("ticket number or words"), max_length=100, required=False)
    unit = forms.CharField(label=_("responsible unit (code)"), max_length=64, required=False)
    month = forms.RegexField(label=_("month received"), regex=r"^\d{4}-\d{2}$", required=False,
                             widget=forms.TextInput(attrs={"placeholder": "2026-03", "type": "month"}),
                             error_messages={"invalid": _("Write a month as 2026-03.")})
    state = forms.ChoiceField(label=_("show"), required=False, choices=[
        ("", _("all tickets")), ("review", _("to review")), ("uncategorised", _("without a category")),
        ("unrouted", _("without a responsible unit")), ("unsolved", _("not solved"))])


class ChoiceFormBase(forms.Form):
    def __init__(self, *args: Any, choices: dict[str, list[tuple[Any, str]]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, options in choices.items():
            self.fields[name].choices = options  # type: ignore[attr-defined]


class CategoryForm(ChoiceFormBase):
    category = forms.ChoiceField(label=_("category"))


class SlaForm(ChoiceFormBase):
    category = forms.ChoiceField(label=_("category"), required=False, help_text=_("empty: every category"))
    urgency = forms.CharField(label=_("urgency"), max_length=16, initial="一般")
    hours = forms.FloatField(label=_("time limit (hours)"), min_value=0.01, max_value=24 * 365)


class RoutingForm(ChoiceFormBase):
    category = forms.ChoiceField(label=_("category"), required=False,
                                 help_text=_("empty: any category; a category covers its sub-categories"))
    district = forms.CharField(label=_("district"), max_length=64, required=False)
    street = forms.CharField(label=_("street"), max_length=64, required=False)
    unit = forms.ChoiceField(label=_("responsible unit"))
    note = forms.CharField(label=_("note"), max_length=200, required=False)


class FeedForm(ChoiceFormBase):
    indicator = forms.ChoiceField(label=_("indicator"))
    measure = forms.ChoiceField(label=_("measure"), choices=Measure.choices)
    start = forms.DateField(label=_("tickets received from"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("to (inclusive)"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if isinstance(start, date) and isinstance(end, date) and end < start:
            self.add_error("end", _("The period ends before it starts."))
        return data


class ProposeForm(ChoiceFormBase):
    cycle = forms.ChoiceField(label=_("cycle"))
    year = forms.IntegerField(label=_("tickets of the year"), min_value=2000, max_value=2100)


class DecisionForm(forms.Form):
    comment = forms.CharField(label=_("comment"), max_length=TEXT, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))
