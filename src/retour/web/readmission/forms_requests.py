"""Readmission requests: the filters of the list, drafting a request from a case, and one
form per step an officer takes on a request.

The forms of drafting and of the steps are made from their input schemas
(``retour.readmission.inputs``, ``retour.web.forms_actions.form_class``): they collect the
arguments of ``retour.readmission.actions`` under the same names, so a refusal naming an
argument lands next to its field; the actions decide.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from retour.readmission.inputs import RequestStep
from retour.readmission.models import ReadmissionRequest
from retour.readmission.procedure import DRAFT, taken_on_a_request
from retour.seam import actions as seam_actions
from retour.web.form_support import (
    CountryChoiceField,
    RetourForm,
    set_choices,
    third_country_choices,
)
from retour.web.forms_actions import CHANNEL, ActionForm, form_class

ANY = gettext_lazy("any")


class RequestFilterForm(RetourForm):
    """The country and status the list of requests is narrowed to (kept in the URL)."""

    country = CountryChoiceField(label=gettext_lazy("Country"), required=False)
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self.fields["country"], [("", ANY), *third_country_choices()])
        set_choices(self.fields["status"], [("", ANY), *ReadmissionRequest.Status.choices])

    def filters(self) -> dict[str, str]:
        """The filters chosen, empty ones left out; none when the input is not valid."""
        if not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value}


class DraftForm(ActionForm):
    """Drafting a request from its case (``draft_readmission_request``)."""

    def submit(self, user: Any, case_id: Any) -> ReadmissionRequest:
        assert self.action.handler is not None
        made: ReadmissionRequest = self.action.handler(
            user, case_id, **self.arguments(), channel=CHANNEL
        )
        return made


class StepForm(ActionForm):
    """A step on a request: its fields are the action's arguments, ``prefix``-ed as its
    input schema says (``retour.readmission.inputs.RequestStep``)."""

    def __init__(self, data: Any = None, *, request: ReadmissionRequest | None = None) -> None:
        super().__init__(data, prefix=self.step_input().prefix, subject=request)

    @classmethod
    def step_input(cls) -> type[RequestStep]:
        found = cls.action.input
        assert found is not None and issubclass(found, RequestStep)
        return found

    @property
    def button(self) -> Any:
        return self.step_input().button

    def submit(self, user: Any, request_id: Any) -> ReadmissionRequest:
        assert self.action.handler is not None
        done: ReadmissionRequest = self.action.handler(
            user, request_id, **self.arguments(), channel=CHANNEL
        )
        return done


DraftRequestForm = form_class(seam_actions.get(DRAFT.action), DraftForm)
# The form of each step an officer takes (the system's own steps have none), by action.
STEP_FORMS: dict[str, type[StepForm]] = {
    a.name: form_class(a, StepForm) for a in taken_on_a_request()
}


def step_form(
    action: str, data: Any = None, request: ReadmissionRequest | None = None
) -> StepForm:
    return STEP_FORMS[action](data, request=request)
