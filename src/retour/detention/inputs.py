"""What a person gives to order detention and to end it."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy

from retour.cases.actions.inputs import NOTE, OWN_AUTHORITY, authorities, note
from retour.detention.models import DetentionPeriod
from retour.seam.inputs import Input, Text, asked


class OrderDetention(Input):
    ordered_on: date = asked(gettext_lazy("Detained from"))
    ground: DetentionPeriod.Ground = asked(gettext_lazy("Ground"))
    facility: Text = asked(gettext_lazy("Detention facility"), min_length=1, max_length=200)
    # Empty: the user's own authority.
    ordering_authority: Text = asked(
        gettext_lazy("Authority that ordered it"), default="", choices=authorities,
        blank=OWN_AUTHORITY, max_length=40,
    )
    reason: Text = asked(NOTE, default="", long=True, help=gettext_lazy(
        "Required for a minor: why detention is the last resort "
        "(Directive 2008/115/EC Art. 17(1))."
    ))


class EndDetention(Input):
    ended_on: date = asked(gettext_lazy("Released or removed on"))
    reason: DetentionPeriod.EndReason = asked(gettext_lazy("Why detention ended"))
    note: Text = note()
