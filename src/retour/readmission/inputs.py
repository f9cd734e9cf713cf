"""What a person gives for each step of a readmission request: one schema per step, from which
the API's request body and the request page's form are both made (``retour.api.readmission``,
``retour.web.readmission.forms_requests``). Fields are listed in the order the form asks for
them; the actions (``retour.readmission.actions``) check the law.

The dates of what happened (the submission, the reply, …) are proposed as today on the
page. The note the case history keeps (``reason``) is given over the API only, except where
it is the step's point (withdrawing).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, ClassVar

from django.utils.translation import gettext_lazy
from pydantic import Field

from retour import clock, display
from retour.cases.actions.inputs import CHOOSE
from retour.identification.models import IdentityDocument
from retour.readmission.models import ReadmissionRequest
from retour.reference.models import Country
from retour.seam.inputs import Codes, CountryCode, Input, OneOf, Text, asked
from retour.seam.limits import VALIDITY_YEARS_AHEAD

R = ReadmissionRequest
# The documents a requested state issues for the return.
TRAVEL_DOCUMENT_KINDS = ("passport", "laissez_passer", "eu_travel_document")
_WHY = "Why; kept in the case history."


def _note() -> Any:
    """The note for the case history, which the page does not ask for (no ``asked``)."""
    return Field("", description=_WHY)


def _their_reference() -> Any:
    return asked(gettext_lazy("Their reference"), default="", max_length=60)


def third_countries(subject: Any) -> list[tuple[str, str]]:
    """The countries a request can go to: neither EU nor Schengen-associated, by name in the
    page's language."""
    found = Country.objects.third_countries()
    return sorted(((c.code, display.country_name(c)) for c in found), key=lambda c: c[1])


def travel_document_kinds(subject: Any) -> list[tuple[str, Any]]:
    """The kinds of document a requested state issues for the return, in their words."""
    return [(kind, IdentityDocument.Kind(kind).label) for kind in TRAVEL_DOCUMENT_KINDS]


class DraftReadmissionRequest(Input):
    """A request drafted from its case: the country asked to readmit the person, and the
    procedure."""

    third_country: CountryCode = asked(
        gettext_lazy("Country requested to readmit"), choices=third_countries, blank=CHOOSE,
    )
    procedure: Annotated[str, Codes(R.Procedure)] = asked(
        gettext_lazy("Procedure"), default=R.Procedure.NORMAL,
    )
    apprehended_on: Annotated[
        date | None, Field(description="Needed for the accelerated (border) procedure.")
    ] = asked(
        gettext_lazy("Date of apprehension"), default=None,
        help=gettext_lazy("Needed for the accelerated procedure at the border."),
    )
    reason: Text = _note()


class RequestStep(Input):
    """A step on a request. On the request page its form's fields are ``prefix``-ed (their
    ids stay apart from the other steps'), and its button says ``button``."""

    prefix: ClassVar[str]
    button: ClassVar[Any]


class SubmitReadmissionRequest(RequestStep):
    prefix = "submit"
    button = gettext_lazy("Submit the request")

    submitted_on: date = asked(gettext_lazy("Date of submission"), initial=clock.today)
    channel_used: Annotated[
        str, Codes(R.Channel, empty=True),
        Field(description="How it was sent; the instrument's channel if left out."),
    ] = asked(
        gettext_lazy("Channel"), default="",
        help=gettext_lazy("Left empty: the channel the instrument names."),
    )
    reason: Text = _note()


class AcknowledgeReadmissionRequest(RequestStep):
    prefix = "acknowledge"
    button = gettext_lazy("Record the acknowledgement")

    acknowledged_on: date = asked(
        gettext_lazy("Date of the acknowledgement"), initial=clock.today
    )
    their_reference: Text = _their_reference()
    reason: Text = _note()


class RecordReadmissionReply(RequestStep):
    prefix = "reply"
    button = gettext_lazy("Record the reply")

    outcome: Annotated[str, Codes(R.ReplyOutcome)] = asked(gettext_lazy("Reply"))
    replied_on: date = asked(gettext_lazy("Date of the reply"), initial=clock.today)
    reasons: Annotated[Text, Field(description="Required with a rejection.")] = asked(
        gettext_lazy("Reasons given"), default="", long=True,
        help=gettext_lazy("Required for a rejection."),
    )
    their_reference: Text = _their_reference()
    reason: Text = _note()


class RequestTravelDocument(RequestStep):
    prefix = "request-document"
    button = gettext_lazy("Request the travel document")

    requested_on: date = asked(gettext_lazy("Date of the request"), initial=clock.today)
    reason: Text = _note()


class RecordTravelDocument(RequestStep):
    prefix = "document"
    button = gettext_lazy("Record the travel document")

    kind: Annotated[str, OneOf(TRAVEL_DOCUMENT_KINDS)] = asked(
        gettext_lazy("Kind of document"), choices=travel_document_kinds, blank=CHOOSE,
    )
    number: Text = asked(gettext_lazy("Document number"), min_length=1, max_length=40)
    issued_on: date = asked(gettext_lazy("Date of issue"), initial=clock.today)
    valid_until: date = asked(gettext_lazy("Valid until"), years_ahead=VALIDITY_YEARS_AHEAD)
    reason: Text = _note()


class RecordTravelDocumentUse(RequestStep):
    prefix = "use"
    button = gettext_lazy("Record the departure")

    used_on: date = asked(gettext_lazy("Date of departure"), initial=clock.today)
    reason: Text = _note()


class EscalateReadmissionRequest(RequestStep):
    prefix = "escalate"
    button = gettext_lazy("Escalate")

    description: Text = asked(
        gettext_lazy("Description of the obstacle"), long=True, min_length=1,
    )
    reason: Text = _note()


class WithdrawReadmissionRequest(RequestStep):
    prefix = "withdraw"
    button = gettext_lazy("Withdraw the request")

    reason: Annotated[Text, Field(description=_WHY)] = asked(
        gettext_lazy("Reason for withdrawing"), long=True, min_length=1,
    )
