"""Forms of multi-party evaluation: the rating form is built from the assignment's indicators (their scale and
behaviour-anchored levels); the office's forms create campaigns and assign raters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jixiao.engine.scheme import Node
from jixiao.ratings.choices import CampaignKind, Vote
from jixiao.ratings.services import COMMENT_MAX


class RatingForm(forms.Form):
    """One field per indicator of the assignment: a choice of the described levels where the indicator has them,
    else a number on its scale; a democratic appraisal has the four votes. An optional comment."""

    comment = forms.CharField(label=_("comment (optional, shown without your name)"), required=False,
                              max_length=COMMENT_MAX, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, nodes: list[Node], democratic: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.nodes = nodes
        if democratic:
            self.fields["vote"] = forms.ChoiceField(label=_("your vote"), choices=Vote.choices,
                                                    widget=forms.RadioSelect)
        for node in nodes:
            rule = node.rule
            assert rule is not None and rule.scale is not None
            lo, hi = rule.scale
            if rule.anchors:
                self.fields[node.code] = forms.ChoiceField(
                    label=node.name, widget=forms.RadioSelect,
                    choices=[(f"{a.score:g}", f"{a.score:g} — {a.text}") for a in rule.anchors])
            else:
                self.fields[node.code] = forms.FloatField(label=node.name, min_value=lo, max_value=hi,
                                                          help_text=_("from %(lo)s to %(hi)s") % {
                                                              "lo": f"{lo:g}", "hi": f"{hi:g}"})
        self.order_fields([*(["vote"] if democratic else []), *[n.code for n in nodes], "comment"])

    def answers(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "comment"}


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=200)
    kind = forms.ChoiceField(label=_("campaign kind"), choices=CampaignKind.choices)
    indicator = forms.CharField(label=_("indicator fed (democratic appraisal)"), required=False, max_length=64)
    deadline = forms.DateTimeField(label=_("rating deadline"), required=False,
                                   widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    instructions = forms.CharField(label=_("instructions"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AssignForm(forms.Form):
    """Assign one rater: an account by user name, or an outside rater by name (an invitation link is made)."""

    subject = forms.CharField(label=_("subject code"), max_length=64)
    group = forms.CharField(label=_("rater group"), max_length=32)
    username = forms.CharField(label=_("rater account (user name)"), required=False, max_length=150)
    invitee = forms.CharField(label=_("or an outside rater's name"), required=False, max_length=200)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("username") and not data.get("invitee"):
            raise forms.ValidationError(_("Give a rater account or an outside rater's name."))
        return data
