"""The commentary of the quarterly report: the introduction and one field per indicator. The
text goes to the High-Level Network and is not access-logged, so each field says that it is
for figures, never for a person."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy, pgettext_lazy

from retour.statistics.report import COMMENTARY_MAX_LENGTH, EU
from retour.web.form_support import RetourForm, set_choices, text_field

INTRODUCTION = "introduction"
NO_PERSONAL_DATA = gettext_lazy(
    "About the figures only: do not name or describe a person. The text goes into the report "
    "for the High-Level Network."
)


class CommentaryForm(RetourForm):
    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        indicators: Iterable[tuple[str, str]],
        saved: Mapping[str, str],
    ) -> None:
        """``indicators``: (code, name) in the report's order; ``saved``: the commentary by
        code (``""``: the introduction)."""
        self.codes = {INTRODUCTION: ""}
        super().__init__(data, initial={INTRODUCTION: saved.get("", "")})
        self.fields[INTRODUCTION] = self._field(pgettext_lazy("quarterly report", "Introduction"))
        for number, (code, name) in enumerate(indicators, start=1):
            key = f"indicator_{number}"
            self.codes[key] = code
            self.fields[key] = self._field(
                gettext_lazy("Commentary on %(indicator)s") % {"indicator": name}
            )
            self.initial[key] = saved.get(code, "")

    @staticmethod
    def _field(label: Any) -> forms.CharField:
        return text_field(
            label, long=True, max_length=COMMENTARY_MAX_LENGTH, help_text=NO_PERSONAL_DATA
        )

    def field_of(self, code: str) -> str:
        """The field that holds the commentary on ``code``."""
        return next(key for key, known in self.codes.items() if known == code)

    def changed(self, saved: Mapping[str, str]) -> dict[str, str]:
        """The texts that differ from ``saved``, by code; the form must be valid."""
        texts = {self.codes[key]: self.cleaned_data[key].strip() for key in self.codes}
        return {code: text for code, text in texts.items() if text != saved.get(code, "")}


class MemberStateForm(RetourForm):
    """The EU coordinator's choice of report: the EU's or one member state's."""

    member_state = forms.ChoiceField(label=gettext_lazy("Member state"), required=False)

    def __init__(self, data: Mapping[str, Any] | None, *, states: Iterable[tuple[str, str]]):
        super().__init__(data)
        set_choices(
            self.fields["member_state"],
            [(EU, gettext_lazy("All member states (EU)")), *states],
        )
