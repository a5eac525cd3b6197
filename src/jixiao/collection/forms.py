"""The data-entry form (填报表), built per subject from the scheme.

Each item has the value as typed (text: the service parses and checks it with the one value check), the
version and the text the user's page was based on (a save changes only what the user changed, and a save
based on an older version is a conflict), an explanation for a value the check warns about, an explicit
"delete" box and an evidence file."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jixiao.evidence.forms import EvidenceField


@dataclass(frozen=True)
class Item:
    """One row of the form: an item's code, name, unit, whether the user may write it, and its stored value."""

    code: str
    name: str
    unit: str | None
    writable: bool
    stored: Any  # the Value, or None


class EntryForm(forms.Form):
    """Fields per item: ``v_`` value, ``ver_`` base version, ``o_`` base text, ``x_`` explanation, ``d_``
    delete, ``e_`` evidence."""

    def __init__(self, *args: Any, items: list[Item], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            v = item.stored
            shown = f"{v.value:g}" if v is not None else ""
            disabled = not item.writable
            self.fields[f"v_{item.code}"] = forms.CharField(
                label=item.name, required=False, initial=shown, max_length=64, disabled=disabled,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
            self.fields[f"ver_{item.code}"] = forms.IntegerField(
                required=False, min_value=0, initial=v.version if v is not None else 0, widget=forms.HiddenInput,
                disabled=disabled)
            self.fields[f"o_{item.code}"] = forms.CharField(required=False, initial=shown, widget=forms.HiddenInput,
                                                            disabled=disabled)
            self.fields[f"x_{item.code}"] = forms.CharField(
                label=pgettext_lazy("value", "explanation"), required=False, max_length=500, disabled=disabled,
                initial=v.explanation if v is not None else "")
            self.fields[f"d_{item.code}"] = forms.BooleanField(label=_("delete this value"), required=False,
                                                               disabled=disabled or v is None)
            self.fields[f"e_{item.code}"] = EvidenceField(disabled=disabled)

    def changes(self) -> list[tuple[Item, str, int, str, bool, Any]]:
        """What the user changed: (item, text, base version, explanation, delete, evidence) per changed item.
        A field left as it was shown is no change, whatever is stored now."""
        out = []
        for item in self.items:
            if not item.writable:
                continue
            data = self.cleaned_data
            text = (data.get(f"v_{item.code}") or "").strip()
            base = (data.get(f"o_{item.code}") or "").strip()
            version = data.get(f"ver_{item.code}")
            explanation = (data.get(f"x_{item.code}") or "").strip()
            delete = bool(data.get(f"d_{item.code}"))
            evidence = data.get(f"e_{item.code}")
            old_explanation = item.stored.explanation if item.stored is not None else ""
            if delete or text != base or evidence or (explanation and explanation != old_explanation):
                out.append((item, text, version if version is not None else 0, explanation, delete, evidence))
        return out

    def rows(self) -> list[tuple[Item, Any, Any, Any, Any, Any, Any]]:
        return [(item, self[f"v_{item.code}"], self[f"ver_{item.code}"], self[f"o_{item.code}"],
                 self[f"x_{item.code}"], self[f"d_{item.code}"], self[f"e_{item.code}"]) for item in self.items]
