"""The query parameters of ``GET /cases``; the search itself is ``retour.cases.search``."""

from __future__ import annotations

from typing import Annotated, Literal

from ninja import Field

from retour.api.types import ModelChoices, PageQuery
from retour.cases.models import Origin
from retour.cases.search import CaseFilters
from retour.cases.stages import Stage
from retour.people.models import Vulnerability
from retour.seam.inputs import CountryCode, PartialDate, Text


class CaseQuery(PageQuery):
    q: Annotated[Text, Field(max_length=200)] | None = Field(
        None, description="A name in any script, with or without diacritics, or a case number."
    )
    stage: Stage | None = None
    origin: Origin | None = None
    citizenship: CountryCode | None = Field(
        None, description="ISO 3166-1 alpha-2 code of a claimed or confirmed nationality."
    )
    authority: Annotated[Text, Field(max_length=40)] | None = Field(
        None, description="Code of the responsible authority, e.g. nl-dtv."
    )
    officer: Annotated[Text, Field(max_length=150)] | None = Field(
        None, description="Username of the assigned officer."
    )
    overdue: bool | None = Field(
        None, description="Has an open task or deadline of the authorities past its due date."
    )
    vulnerability: Annotated[Vulnerability.Kind, ModelChoices()] | None = Field(
        None, description="The person has this vulnerability (not ended)."
    )
    date_of_birth: PartialDate | None = Field(
        None,
        description="YYYY, YYYY-MM or YYYY-MM-DD; matches every recorded date that agrees with "
        "it (a person born '1990' matches 1990-04-17, and the other way round).",
    )
    sort: Literal["opened", "-opened", "number", "stage"] = "-opened"

    def filters(self) -> CaseFilters:
        """The domain's filters; the page parameters stay with the API."""
        given = self.model_dump(exclude={"limit", "offset"}, exclude_none=True)
        return CaseFilters(**given)
