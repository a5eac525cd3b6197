"""The inbox page's filter: all notices or the unread ones only."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class InboxFilterForm(forms.Form):
    unread = forms.BooleanField(label=_("unread only"), required=False)
