"""Query types of the API's list endpoints (the inputs of actions are in
``retour.seam.inputs``)."""

from __future__ import annotations

from ninja import Schema
from pydantic import Field


class PageQuery(Schema):
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=10**9)
