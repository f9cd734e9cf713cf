"""Why two person records may be the same person, field by field, as the pages list it: the
review of a possible match and the candidates shown when a person is registered. A reason is a
code with parameters (``matching.compare``), worded here in the reader's language; a reason
stored before reasons had codes, and not recognised when they were converted, keeps its English
sentence and is shown as it is."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy

from retour import display
from retour.identification.matching.compare import Reason, why_of

# The fields ``matching.compare`` scores, in the order the pages list them.
MATCH_FIELDS = {
    "name": gettext_lazy("Name"),
    "birth_date": gettext_lazy("Date of birth"),
    "sex": gettext_lazy("Sex"),
    "nationality": gettext_lazy("Nationality"),
    "document": gettext_lazy("Document number"),
}


@dataclass(frozen=True)
class FieldScore:
    field: str
    score: float
    why: str


def field_scores(reasons: Mapping[str, Reason | Mapping[str, Any]]) -> list[FieldScore]:
    """The reasons per field in the pages' order; a field the pages do not know yet is shown
    under its code rather than hidden."""

    def score(reason: Reason | Mapping[str, Any]) -> float:
        return reason.score if isinstance(reason, Reason) else float(reason["score"])

    order = [*MATCH_FIELDS, *sorted(set(reasons) - set(MATCH_FIELDS))]
    return [
        FieldScore(display.label(MATCH_FIELDS, name), score(reasons[name]), why_of(reasons[name]))
        for name in order
        if name in reasons
    ]
