"""Forms of three-party checks: drawing a round, adding a value by hand, the finance review, the third party's
verification and applying it. They check the shape of the input only; the services judge it (the value check,
the item's state, a value changed since sampling)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jixiao.verification.choices import Method

#: The longest text a page accepts (the services keep what they are given).
TEXT = 20000


class DrawRoundForm(forms.Form):
    cycle = forms.ChoiceField(label=_("cycle"))
    name = forms.CharField(label=_("name"), max_length=200)
    per_unit = forms.IntegerField(label=_("values per unit"), min_value=1, max_value=100, required=False,
                                  help_text=_("or a share below"))
    share = forms.FloatField(label=_("share of each unit's values (%)"), min_value=0.1, max_value=100,
                             required=False)
    seed = forms.IntegerField(label=_("random seed"), min_value=0, required=False,
                              help_text=_("empty: drawn and recorded"))
    threshold = forms.FloatField(label=_("flag above mean gap (%)"), min_value=0, max_value=1000, initial=10)
    note = forms.CharField(label=_("note"), max_length=TEXT, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, cycles: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cycle"].choices = cycles  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("per_unit") is None) == (data.get("share") is None) and not self.errors:
            self.add_error("per_unit", _("Give the values per unit or the share, not both."))
        return data


class AddItemForm(forms.Form):
    unit = forms.ChoiceField(label=_("unit"))
    indicator = forms.ChoiceField(label=_("indicator"))

    def __init__(self, *args: Any, units: list[tuple[str, str]], indicators: list[tuple[str, str]],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = units  # type: ignore[attr-defined]
        self.fields["indicator"].choices = indicators  # type: ignore[attr-defined]


class ReviewForm(forms.Form):
    """The finance review: agrees, or a reviewed value with a note."""

    conclusion = forms.ChoiceField(label=_("conclusion"), widget=forms.RadioSelect,
                                   choices=[("agrees", _("agrees with the unit")),
                                            ("adjusted", _("gives a reviewed value"))])
    value = forms.CharField(label=_("reviewed value"), max_length=64, required=False)
    note = forms.CharField(label=_("finance note"), max_length=TEXT, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("conclusion") == "adjusted" and not (data.get("value") or "").strip():
            self.add_error("value", _("Give the reviewed value."))
        return data


class VerifyForm(forms.Form):
    """What the third party verified."""

    value = forms.CharField(label=_("verified value"), max_length=64)
    method = forms.ChoiceField(label=_("method"), choices=Method.choices)
    on = forms.DateField(label=_("verified on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                         input_formats=["%Y-%m-%d"])
    note = forms.CharField(label=_("verification note"), max_length=TEXT, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
    evidence = forms.FileField(label=_("evidence"), required=False)


class ApplyForm(forms.Form):
    """Applying asks for nothing but the button (the refusal shows here)."""
