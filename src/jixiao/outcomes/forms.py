"""Forms of using the results: a proposal of each kind, deciding it, improvement plans, files and weight methods.
They check the shape of the input only; the services judge it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jixiao.outcomes.choices import Method
from jixiao.outcomes.services.plans import DEFAULT_COEFFICIENTS, DEFAULT_PART, DEFAULT_PERCENTS, RESERVE_YEARS

TEXT = 20000
FILE_HELP = _(".csv (UTF-8 or GBK) or .xlsx")


class BonusForm(forms.Form):
    pool = forms.IntegerField(label=_("bonus pool (yuan)"), min_value=1, max_value=10**12)
    coefficients = forms.CharField(label=_("grade coefficients"), max_length=500, initial=DEFAULT_COEFFICIENTS,
                                   help_text=_("each grade's coefficient, e.g. 优秀=1.2,良好=1"))
    headcount = forms.FileField(label=_("headcount file (optional)"), required=False,
                                help_text=_("unit,headcount (单位,人数); without it each unit's active staff"))


class BudgetForm(forms.Form):
    percents = forms.CharField(label=_("adjustment by grade (%)"), max_length=500, initial=DEFAULT_PERCENTS,
                               help_text=_("+ adds to, - cuts the unit's project budgets"))
    cut_waits_for_plan = forms.BooleanField(
        label=_("a cut waits for the unit's accepted improvement plan"), required=False, initial=True)


class HonourForm(forms.Form):
    honour = forms.CharField(label=_("honour"), max_length=100, initial="年度绩效考核先进单位")
    grades = forms.MultipleChoiceField(label=_("grades honoured"), widget=forms.CheckboxSelectMultiple)
    top = forms.IntegerField(label=_("best ranks per category"), min_value=1, max_value=1000, required=False,
                             help_text=_("empty: everyone of those grades"))

    def __init__(self, *args: Any, grades: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grades"].choices = [(g, g) for g in grades]  # type: ignore[attr-defined]
        self.fields["grades"].initial = grades[:1]


class ReserveForm(forms.Form):
    years = forms.IntegerField(label=_("years in a row"), min_value=2, max_value=10, initial=RESERVE_YEARS)
    grades = forms.MultipleChoiceField(label=_("grades that count"), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, grades: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grades"].choices = [(g, g) for g in grades]  # type: ignore[attr-defined]
        self.fields["grades"].initial = grades[:1]


class UnqualifiedForm(forms.Form):
    grades = forms.MultipleChoiceField(label=_("grades listed"), widget=forms.CheckboxSelectMultiple)
    measure = forms.CharField(label=pgettext_lazy("allocation", "measure"), max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, grades: list[str], person: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grades"].choices = [(g, g) for g in grades]  # type: ignore[attr-defined]
        self.fields["grades"].initial = grades[-1:]
        self.fields["measure"].initial = ("按规定调整岗位或降低岗位等级，当年不得评优" if person else
                                          "约谈主要负责人，取消当年评优评先资格，限期提交改进计划")


class PartForm(forms.Form):
    percents = forms.CharField(label=_("adjustment by rating (%)"), max_length=500, initial=DEFAULT_PART,
                               help_text=_("effective ≥ 85, moderately effective ≥ 70, adequate ≥ 50, "
                                           "ineffective below; results not demonstrated without a score"))


class DecideForm(forms.Form):
    comment = forms.CharField(label=_("comment"), max_length=TEXT, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))


class ImprovementForm(forms.Form):
    text = forms.CharField(label=_("improvement plan"), max_length=TEXT,
                           widget=forms.Textarea(attrs={"rows": 6}),
                           help_text=_("the causes, the measures, who is responsible and by when"))


class FileForm(forms.Form):
    file = forms.FileField(label=_("file"), help_text=FILE_HELP)


class AhpForm(forms.Form):
    group = forms.ChoiceField(label=_("group"))
    file = forms.FileField(label=_("pairwise comparison matrix"),
                           help_text=_("first row and column: the group's indicators; cells like 3 or 1/3"))

    def __init__(self, *args: Any, groups: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = groups  # type: ignore[attr-defined]


class MethodForm(forms.Form):
    method = forms.ChoiceField(label=pgettext_lazy("weights", "method"),
                               choices=[(Method.ENTROPY, Method.ENTROPY.label), (Method.CRITIC, Method.CRITIC.label)])
