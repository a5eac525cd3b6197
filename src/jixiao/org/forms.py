"""Forms of the organisation tree."""

from __future__ import annotations

from typing import Any

from django import forms

from jixiao.org.errors import TreeError
from jixiao.org.models import Unit
from jixiao.org.services import check_move


class UnitForm(forms.ModelForm):  # type: ignore[type-arg]
    """A unit in the back office. A new parent inside the unit's own branch is said beside the parent field
    (the service's own check, ``check_move``), not after the save."""

    class Meta:
        model = Unit
        fields = ("code", "name", "level", "parent", "category", "active")

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if self.instance.pk is not None and "parent" in self.changed_data and "parent" in cleaned:
            try:
                check_move(self.instance, cleaned["parent"])
            except TreeError as exc:
                self.add_error("parent", exc.text)
        return cleaned
