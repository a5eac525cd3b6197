"""The upload form of an import job."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jixiao.core.choices import Action
from jixiao.cycles.choices import CycleState
from jixiao.cycles.models import Cycle
from jixiao.imports.choices import ImportKind


class ImportForm(forms.Form):
    """What the file brings in, the cycle for values (cycles open for data entry), and the file."""

    kind = forms.ChoiceField(label=_("what the file holds"), choices=ImportKind.choices, initial=ImportKind.VALUES)
    cycle = forms.ModelChoiceField(label=_("cycle"), queryset=Cycle.objects.none(), required=False,
                                   to_field_name="code")
    file = forms.FileField(label=_("file (.csv or .xlsx)"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["cycle"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Cycle.objects.restrict(user, Action.VIEW).filter(state=CycleState.OPEN).order_by("code")
