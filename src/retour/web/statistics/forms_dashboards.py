"""The filters of the statistics dashboards, sent as GET so that a view can be bookmarked and
shared. A national user's member state is fixed (the field is left out); the EU coordinator
picks a member state or ``EU`` (all together). A value outside the choices, or a breakdown the
indicator does not allow, is an error next to its field."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from retour import display
from retour.reference.models import Country
from retour.statistics.engine import EU
from retour.statistics.models import IndicatorDefinition
from retour.web.form_support import RetourForm, set_choices

QUARTERS_SHOWN = 8  # the default range of the trend
TOP_CHOICES = (5, 10, 20)
AUTHORITY = "authority"  # the breakdown by responsible authority (the cube's contract)

# The breakdowns' names; every indicator is broken down by citizenship (formula.ALWAYS).
DIMENSION_LABELS = {
    "citizenship": gettext_lazy("citizenship"),
    "sex": gettext_lazy("sex"),
    "age_band": gettext_lazy("age group"),
    "minor": gettext_lazy("minor"),
    "unaccompanied_minor": gettext_lazy("unaccompanied minor"),
    "origin": gettext_lazy("how the case began"),
    "return_type": gettext_lazy("type of return"),
    "assisted": gettext_lazy("assistance"),
    "destination": gettext_lazy("destination"),
    AUTHORITY: gettext_lazy("responsible authority"),
}

# The indicator groups of the picker, in this order (BRIEF M30, M29, and the return rates).
GROUPS = (
    ("strategy", gettext_lazy("Return strategy (M30)")),
    ("efficiency", gettext_lazy("Efficiency (M29)")),
    ("return_rates", gettext_lazy("Return rates")),
)


def group_of(code: str) -> str:
    if code.startswith("m30."):
        return "strategy"
    if "return_rate" in code:
        return "return_rates"
    return "efficiency"


def indicator_name(definition: IndicatorDefinition) -> str:
    """The indicator's name in the page's language."""
    dutch = (get_language() or "").startswith("nl")
    return definition.name_nl if dutch else definition.name_en


def breakdowns(definition: IndicatorDefinition) -> list[str]:
    """The breakdowns the cube holds for ``definition``."""
    return ["citizenship", *definition.dimensions]


@dataclass(frozen=True)
class Catalogue:
    """What the cube offers to pick from."""

    indicators: dict[str, IndicatorDefinition]
    quarters: list[str]  # oldest first
    national: str | None  # the user's member state, fixed; None: the EU coordinator picks


def _indicator_choices(definitions: Sequence[IndicatorDefinition]) -> list[tuple[Any, Any]]:
    grouped: list[tuple[Any, Any]] = []
    for key, title in GROUPS:
        members = [(d.code, indicator_name(d)) for d in definitions if group_of(d.code) == key]
        if members:
            grouped.append((title, members))
    return grouped


def member_state_choices() -> list[tuple[str, str]]:
    states = sorted(
        ((c.code, display.country_name(c)) for c in Country.objects.member_states()),
        key=lambda pair: pair[1],
    )
    return [(EU, _("All member states (EU)")), *states]


class StatisticsForm(RetourForm):
    """The fields every dashboard shares; each page adds its own."""

    def __init__(
        self,
        data: Any,
        catalogue: Catalogue,
        *,
        indicators: Sequence[IndicatorDefinition] | None = None,
    ) -> None:
        super().__init__(data)
        self.catalogue = catalogue
        if indicators is not None:
            self.fields["indicator"] = forms.ChoiceField(label=gettext_lazy("Indicator"))
            set_choices(self.fields["indicator"], _indicator_choices(indicators))
        if catalogue.national is None:
            self.fields["member_state"] = forms.ChoiceField(
                label=gettext_lazy("Member state"), required=False
            )
            set_choices(self.fields["member_state"], member_state_choices())

    @staticmethod
    def defaults(catalogue: Catalogue) -> dict[str, str]:
        """The values of a field the address leaves out."""
        return {}

    def _quarter_field(self, name: str, label: Any) -> None:
        self.fields[name] = forms.ChoiceField(label=label)
        set_choices(self.fields[name], [(q, q) for q in reversed(self.catalogue.quarters)])

    def member_state(self) -> str:
        """The member state asked for: the user's own, or what the EU coordinator picked."""
        return self.catalogue.national or self.cleaned_data.get("member_state") or EU

    def definition(self) -> IndicatorDefinition:
        return self.catalogue.indicators[self.cleaned_data["indicator"]]


class TrendForm(StatisticsForm):
    def __init__(self, data: Any, catalogue: Catalogue) -> None:
        super().__init__(data, catalogue, indicators=list(catalogue.indicators.values()))
        self._quarter_field("first", gettext_lazy("From quarter"))
        self._quarter_field("last", gettext_lazy("To quarter"))
        self.fields["breakdown"] = forms.ChoiceField(
            label=gettext_lazy("Break down by"), required=False
        )
        set_choices(
            self.fields["breakdown"],
            [("", _("No breakdown")), *((k, v) for k, v in DIMENSION_LABELS.items())],
        )

    @staticmethod
    def defaults(catalogue: Catalogue) -> dict[str, str]:
        return {
            "indicator": next(iter(catalogue.indicators)),
            "first": catalogue.quarters[-QUARTERS_SHOWN:][0],
            "last": catalogue.quarters[-1],
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("first"), data.get("last")
        if first and last and first > last:
            self.add_error("last", _("The last quarter cannot come before the first."))
        code, breakdown = data.get("indicator"), data.get("breakdown")
        if code and breakdown and breakdown not in breakdowns(self.catalogue.indicators[code]):
            self.add_error(
                "breakdown",
                _("This indicator cannot be broken down by %(breakdown)s.")
                % {"breakdown": DIMENSION_LABELS[breakdown]},
            )
        return data

    def quarters(self) -> list[str]:
        first, last = self.cleaned_data["first"], self.cleaned_data["last"]
        return [q for q in self.catalogue.quarters if first <= q <= last]


class CitizenshipForm(StatisticsForm):
    def __init__(self, data: Any, catalogue: Catalogue) -> None:
        super().__init__(data, catalogue, indicators=list(catalogue.indicators.values()))
        self._quarter_field("quarter", gettext_lazy("Quarter"))
        self.fields["top"] = forms.TypedChoiceField(
            label=gettext_lazy("Citizenships shown"), coerce=int
        )
        set_choices(self.fields["top"], [(str(n), str(n)) for n in TOP_CHOICES])

    @staticmethod
    def defaults(catalogue: Catalogue) -> dict[str, str]:
        return {
            "indicator": next(iter(catalogue.indicators)),
            "quarter": catalogue.quarters[-1],
            "top": str(TOP_CHOICES[1]),
        }


def with_authorities(catalogue: Catalogue) -> list[IndicatorDefinition]:
    """The indicators the cube breaks down by responsible authority."""
    return [d for d in catalogue.indicators.values() if AUTHORITY in d.dimensions]


class AuthorityForm(StatisticsForm):
    def __init__(self, data: Any, catalogue: Catalogue) -> None:
        super().__init__(data, catalogue, indicators=with_authorities(catalogue))
        self._quarter_field("quarter", gettext_lazy("Quarter"))

    @staticmethod
    def defaults(catalogue: Catalogue) -> dict[str, str]:
        return {"indicator": with_authorities(catalogue)[0].code, "quarter": catalogue.quarters[-1]}


class FunnelForm(StatisticsForm):
    def __init__(self, data: Any, catalogue: Catalogue) -> None:
        super().__init__(data, catalogue)
        self.fields["citizenship"] = forms.ChoiceField(
            label=gettext_lazy("Citizenship"), required=False
        )
        countries = sorted(
            ((c.code, display.country_name(c)) for c in Country.objects.third_countries()),
            key=lambda pair: pair[1],
        )
        set_choices(self.fields["citizenship"], [("", _("Every citizenship")), *countries])
