"""The data-entry form (填报表), built per subject from the scheme."""

from __future__ import annotations

import math
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jixiao.engine.scheme import Node

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024


def parse_number(raw: str) -> float:
    """A number as people type it: full-width digits, a thousands comma, a trailing %."""
    text = raw.strip().translate(str.maketrans("０１２３４５６７８９．－，％", "0123456789.-,%"))
    text = text.replace(",", "").rstrip("%").strip()
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


class NumberField(forms.CharField):
    """A value field that accepts what ``parse_number`` accepts; empty means "no value"."""

    def to_python(self, value: Any) -> float | None:  # type: ignore[override]  # a number, not text
        text = super().to_python(value)
        if not text:
            return None
        try:
            return parse_number(text)
        except ValueError:
            raise forms.ValidationError(_("Enter a number."), code="invalid") from None


class EntryForm(forms.Form):
    """One value and one evidence file per indicator the subject reports."""

    def __init__(self, *args: Any, leaves: list[Node], initial_values: dict[str, float], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.leaves = leaves
        for leaf in leaves:
            v = initial_values.get(leaf.code)
            self.fields[f"v_{leaf.code}"] = NumberField(
                label=leaf.name, required=False, initial=(f"{v:g}" if v is not None else ""),
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
            self.fields[f"e_{leaf.code}"] = forms.FileField(label=_("evidence"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for leaf in self.leaves:
            f = data.get(f"e_{leaf.code}")
            if f is not None and f.size > MAX_EVIDENCE_BYTES:
                self.add_error(f"e_{leaf.code}", _("An evidence file may be at most 10 MB."))
        return data

    def rows(self) -> list[tuple[Node, Any, Any]]:
        return [(leaf, self[f"v_{leaf.code}"], self[f"e_{leaf.code}"]) for leaf in self.leaves]
