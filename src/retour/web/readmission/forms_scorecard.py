"""The scorecard's period: a calendar quarter, or any first and last day (sent as GET, so a
scorecard can be bookmarked and shared). The page shows the two ways as two small forms, each
sending only its own fields, so a quarter picked after a choice of days (or the other way
round) is never overruled by what the other form still shows."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retour import clock
from retour.errors import InvalidInput
from retour.readmission.scorecard import Period
from retour.web.form_support import RetourForm, date_field, set_choices

QUARTERS_OFFERED = 12


class PeriodForm(RetourForm):
    period = forms.ChoiceField(label=gettext_lazy("Quarter"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        quarters = [Period.of(clock.today())]
        while len(quarters) < QUARTERS_OFFERED:
            quarters.append(quarters[-1].previous())
        # The empty choice is what the select shows while the period is a choice of days.
        set_choices(
            self.fields["period"],
            [("", _("Other days")), *((q.code, q.code) for q in quarters)],
        )
        # "from" and "to" read well in an address, and are Python keywords.
        self.fields["from"] = date_field(gettext_lazy("From"), required=False)
        self.fields["to"] = date_field(gettext_lazy("To"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("from"), data.get("to")
        if first is None and last is None:
            return data
        for name, day in (("from", first), ("to", last)):
            if day is None and name not in self.errors:
                self.add_error(name, _("Give both the first and the last day."))
        if first is not None and last is not None:
            try:
                Period(first, last)
            except InvalidInput as refused:
                for name, reason in refused.errors.items():
                    self.add_error(name, reason)
        return data

    def chosen(self) -> Period:
        """The period asked for (the current quarter when none is); the form must be valid."""
        data = self.cleaned_data
        if data.get("from") and data.get("to"):
            return Period(data["from"], data["to"])
        if data.get("period"):
            return Period.parse(data["period"])
        return Period.of(clock.today())

    @classmethod
    def showing(cls, period: Period) -> PeriodForm:
        """An unbound form that shows ``period``: its quarter in the select (or "Other days"),
        and its first and last day in the day fields."""
        quarter = period.code if Period.of(period.first) == period else ""
        return cls(initial={"period": quarter, "from": period.first, "to": period.last})


def period_query(period: Period) -> dict[str, str]:
    """The parameters that ask for ``period`` again."""
    if Period.of(period.first) == period:
        return {"period": period.code}
    return {"from": period.first.isoformat(), "to": period.last.isoformat()}
