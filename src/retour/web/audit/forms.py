"""The filters of a person's access history: whose accesses and in which period.

They carry no personal data of the person (a username of staff and two dates), so they are
sent as GET: a filtered history can be bookmarked and its CSV link carries the same filters.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retour.audit.queries import AccessFilters
from retour.errors import InvalidInput
from retour.web.form_support import RetourForm, apply_refusal, date_field, set_choices

# The domain's reasons in the words of the page.
_REASONS = {"date_to": gettext_lazy("The end of the period must be on or after its start.")}


class AccessFilterForm(RetourForm):
    user = forms.ChoiceField(label=gettext_lazy("User"), required=False)
    date_from = date_field(gettext_lazy("From"), required=False)
    date_to = date_field(gettext_lazy("To (inclusive)"), required=False)

    def __init__(self, *args: Any, users: Iterable[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self.fields["user"], [("", _("Anyone")), *users])
        # The error slots are always on the page, so filters answered in place (htmx) can
        # fill them without replacing the fields.
        for name, field in self.fields.items():
            slot = self[name].auto_id
            described = [f"{slot}_helptext"] if field.help_text else []
            field.widget.attrs["aria-describedby"] = " ".join([*described, f"{slot}_error"])

    def clean(self) -> dict[str, Any] | None:
        data = super().clean()
        if not self.errors:
            try:
                self.filters()
            except InvalidInput as exc:
                apply_refusal(self, {
                    name: str(_REASONS.get(name, reason)) for name, reason in exc.errors.items()
                })
        return data

    def filters(self) -> AccessFilters:
        data = self.cleaned_data
        return AccessFilters(
            username=data.get("user") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
