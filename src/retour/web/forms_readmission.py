"""Readmission requests: the filters of the list, drafting a request from a case, and one
form per step an officer takes on a request.

The forms collect the arguments of ``retour.readmission.actions`` under the same names, so a
refusal naming an argument lands next to its field; the actions decide.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy

from retour import clock
from retour.readmission import actions as ra
from retour.readmission.models import ReadmissionRequest
from retour.web import labels as L
from retour.web.form_support import (
    CountryChoiceField,
    RetourForm,
    date_field,
    set_choices,
    text_field,
)
from retour.web.forms_actions import CHANNEL, CHOOSE
from retour.web.forms_missions import third_country_choices

ANY = gettext_lazy("any")


class RequestFilterForm(RetourForm):
    """The country and status the list of requests is narrowed to (kept in the URL)."""

    country = CountryChoiceField(label=gettext_lazy("Country"), required=False)
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self.fields["country"], [("", ANY), *third_country_choices()])
        set_choices(self.fields["status"], [("", ANY), *L.choices(L.READMISSION_STATUSES)])

    def filters(self) -> dict[str, str]:
        """The filters chosen, empty ones left out; none when the input is not valid."""
        if not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value}


class DraftRequestForm(RetourForm):
    """The arguments of ``draft_readmission_request``."""

    third_country = CountryChoiceField(label=gettext_lazy("Country requested to readmit"))
    procedure = forms.ChoiceField(label=gettext_lazy("Procedure"))
    apprehended_on = date_field(
        gettext_lazy("Date of apprehension"),
        required=False,
        help_text=gettext_lazy("Needed for the accelerated procedure at the border."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self.fields["third_country"], [("", CHOOSE), *third_country_choices()])
        set_choices(self.fields["procedure"], L.choices(L.READMISSION_PROCEDURES))

    def submit(self, user: Any, case_id: Any) -> ReadmissionRequest:
        return ra.draft_readmission_request(user, case_id, **self.cleaned_data, channel=CHANNEL)


def _today_field(label: Any) -> forms.DateField:
    field = date_field(label)
    field.initial = clock.today
    return field


class StepForm(RetourForm):
    """A step on a request: its fields are the action's arguments."""

    action: ClassVar[Callable[..., ReadmissionRequest]]
    button: ClassVar[Any]

    def submit(self, user: Any, request_id: Any) -> ReadmissionRequest:
        return type(self).action(user, request_id, **self.cleaned_data, channel=CHANNEL)


class SubmitForm(StepForm):
    action = ra.submit_readmission_request
    button = gettext_lazy("Submit the request")
    submitted_on = _today_field(gettext_lazy("Date of submission"))
    channel_used = forms.ChoiceField(
        label=gettext_lazy("Channel"),
        required=False,
        help_text=gettext_lazy("Left empty: the channel the instrument names."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self.fields["channel_used"], [("", CHOOSE), *L.choices(L.READMISSION_CHANNELS)])


class AcknowledgeForm(StepForm):
    action = ra.acknowledge_readmission_request
    button = gettext_lazy("Record the acknowledgement")
    acknowledged_on = _today_field(gettext_lazy("Date of the acknowledgement"))
    their_reference = text_field(gettext_lazy("Their reference"), max_length=60)


class ReplyForm(StepForm):
    action = ra.record_readmission_reply
    button = gettext_lazy("Record the reply")
    outcome = forms.ChoiceField(label=gettext_lazy("Reply"))
    replied_on = _today_field(gettext_lazy("Date of the reply"))
    reasons = text_field(
        gettext_lazy("Reasons given"),
        long=True,
        help_text=gettext_lazy("Required for a rejection."),
    )
    their_reference = text_field(gettext_lazy("Their reference"), max_length=60)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self.fields["outcome"], [("", CHOOSE), *L.choices(L.READMISSION_REPLIES)])


class RequestTravelDocumentForm(StepForm):
    action = ra.request_travel_document
    button = gettext_lazy("Request the travel document")
    requested_on = _today_field(gettext_lazy("Date of the request"))


class TravelDocumentForm(StepForm):
    action = ra.record_travel_document
    button = gettext_lazy("Record the travel document")
    kind = forms.ChoiceField(label=gettext_lazy("Kind of document"))
    number = text_field(gettext_lazy("Document number"), required=True, max_length=40)
    issued_on = _today_field(gettext_lazy("Date of issue"))
    valid_until = date_field(gettext_lazy("Valid until"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(
            self.fields["kind"],
            [("", CHOOSE), *((kind, L.DOCUMENT_KINDS[kind]) for kind in ra.TRAVEL_DOCUMENT_KINDS)],
        )


class UseForm(StepForm):
    action = ra.record_travel_document_use
    button = gettext_lazy("Record the departure")
    used_on = _today_field(gettext_lazy("Date of departure"))


class EscalateForm(StepForm):
    action = ra.escalate_readmission_request
    button = gettext_lazy("Escalate")
    description = text_field(gettext_lazy("Description of the obstacle"), required=True, long=True)


class WithdrawForm(StepForm):
    action = ra.withdraw_readmission_request
    button = gettext_lazy("Withdraw the request")
    reason = text_field(gettext_lazy("Reason for withdrawing"), required=True, long=True)


# The officer's steps (the system's own steps have no form), with the prefix that keeps the
# ids of their fields apart on the request page.
STEP_FORMS: dict[str, tuple[str, type[StepForm]]] = {
    "submit_readmission_request": ("submit", SubmitForm),
    "acknowledge_readmission_request": ("acknowledge", AcknowledgeForm),
    "record_readmission_reply": ("reply", ReplyForm),
    "request_travel_document": ("request-document", RequestTravelDocumentForm),
    "record_travel_document": ("document", TravelDocumentForm),
    "record_travel_document_use": ("use", UseForm),
    "escalate_readmission_request": ("escalate", EscalateForm),
    "withdraw_readmission_request": ("withdraw", WithdrawForm),
}


def step_form(action: str, data: Any = None) -> StepForm:
    prefix, form_class = STEP_FORMS[action]
    return form_class(data, prefix=prefix)
