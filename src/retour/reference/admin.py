from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from retour.accounts.admin import AdministratorOnly, site
from retour.reference.models import Country, LegalParameter


@admin.register(Country, site=site)
class CountryAdmin(AdministratorOnly):
    list_display = (
        "code", "alpha3", "name_en", "name_nl", "is_eu_member", "is_schengen_associated",
    )
    list_filter = ("is_eu_member", "is_schengen_associated")
    search_fields = ("code", "alpha3", "name_en", "name_nl")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # ISO 3166 comes from the data file


@admin.register(LegalParameter, site=site)
class LegalParameterAdmin(AdministratorOnly):
    """A change in the law is a new version (a new row with a later valid_from), so that
    deadlines computed before keep the rule they were computed with."""

    list_display = ("code", "jurisdiction", "value", "unit", "valid_from", "valid_until",
                    "verification")
    list_filter = ("jurisdiction", "verification", "code")
    search_fields = ("code", "source", "description")
    jurisdiction_field = "jurisdiction"  # a member state's rules are its administrators'

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return []
        return [f.name for f in LegalParameter._meta.fields if f.name != "valid_until"]
