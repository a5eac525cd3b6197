"""Forms of surveys: the office's new survey, tokens and paper questionnaires, and the citizen's answers. They
check the shape of the input only; the services judge it."""

from __future__ import annotations

import time
from typing import Any

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from jixiao.surveys.choices import Answer, SurveyMode
from jixiao.surveys.services import MAX_TOKENS

#: The salt of the signed page-load time, and how long a loaded page stays answerable.
STARTED_SALT = "jixiao.surveys.started"
STARTED_MAX_AGE = 24 * 3600


def started_field() -> str:
    """The signed time the page was loaded (carried by the form: the server keeps no state per visitor)."""
    return signing.dumps(time.time(), salt=STARTED_SALT)


def started_at(value: str) -> float | None:
    """The page-load time of a signed field, or None when it is missing, tampered with or older than a day."""
    try:
        return float(signing.loads(value or "", salt=STARTED_SALT, max_age=STARTED_MAX_AGE))
    except (signing.BadSignature, TypeError, ValueError):
        return None


class SurveyForm(forms.Form):
    cycle = forms.ChoiceField(label=_("cycle"))
    title = forms.CharField(label=_("title"), max_length=200)
    intro = forms.CharField(label=_("introduction"), max_length=2000, required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))
    mode = forms.ChoiceField(label=_("mode"), choices=SurveyMode.choices)
    min_seconds = forms.IntegerField(label=_("least seconds to answer"), min_value=0, max_value=3600, initial=30)
    hourly_limit = forms.IntegerField(label=_("answers per network per hour"), min_value=1, max_value=1000,
                                      initial=5)
    questions = forms.CharField(
        label=_("questions"), max_length=20000, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One question a line: the indicator code, a space, the question "
                    "(e.g. “SERVQ 您对服务态度是否满意？”)."))

    def __init__(self, *args: Any, cycles: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cycle"].choices = cycles  # type: ignore[attr-defined]

    def clean_questions(self) -> list[tuple[str, str]]:
        out = []
        for line in self.cleaned_data["questions"].splitlines():
            if line.strip():
                code, _sep, text = line.strip().partition(" ")
                out.append((text.strip(), code.strip()))
        return out


class TokensForm(forms.Form):
    count = forms.IntegerField(label=_("tokens per unit"), min_value=1, max_value=MAX_TOKENS, initial=100)
    unit = forms.ChoiceField(label=_("unit"), required=False)

    def __init__(self, *args: Any, units: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("every unit of the survey")), *units]  # type: ignore[attr-defined]


class PaperForm(forms.Form):
    file = forms.FileField(label=_("file (.xlsx or .csv)"))


class TokenEntryForm(forms.Form):
    token = forms.CharField(label=_("invitation token"), max_length=32)


def answers_form(questions: list[Any], data: Any = None) -> forms.Form:
    """The citizen's form: a required choice on the 1-5 scale per question (``q1``, ``q2`` ...) and the signed
    page-load time."""
    fields: dict[str, forms.Field] = {
        f"q{q.number}": forms.TypedChoiceField(
            label=q.text, choices=[(a.value, a.label) for a in reversed(Answer)], coerce=int,
            widget=forms.RadioSelect, error_messages={"required": _("Please choose an answer.")})
        for q in questions
    }
    fields["started"] = forms.CharField(required=False, widget=forms.HiddenInput)
    form_class = type("AnswersForm", (forms.Form,), fields)
    form: forms.Form = form_class(data)
    return form
