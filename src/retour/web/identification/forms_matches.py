"""The officer's decision on a possible match: same person, different persons or unsure, and
why. The form collects the arguments of ``retour.identification.reviews.decide_match``; the
action decides."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from retour.identification.models import MatchReview
from retour.web.form_support import RetourForm, text_field


class DecisionForm(RetourForm):
    """The arguments of ``decide_match``; "pending" is where a review starts, not a decision."""

    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"), widget=forms.RadioSelect,
        choices=[(code, word) for code, word in MatchReview.Decision.choices
                 if code != MatchReview.Decision.PENDING],
    )
    reason = text_field(
        gettext_lazy("Reason"), required=True, long=True,
        help_text=gettext_lazy("Which fields agree or differ, and what you checked."),
    )
