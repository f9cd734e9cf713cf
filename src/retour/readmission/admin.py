"""Readmission instruments in the administration: every version can be viewed; the latest
can be edited, and saving the edit records the next version (``instruments.record_version``,
an action of the administrator through ``retour.seam.pipeline``), so that a request keeps the
rules in force when it was submitted."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext as _

from retour.accounts.admin import AdministratorOnly, site
from retour.readmission.instruments import latest_version, record_version
from retour.readmission.models import Instrument
from retour.readmission.rules import check_rules
from retour.reference.loading import ReferenceDataError
from retour.reference.models import Country

# What an edit may change; the rest identifies the version and its recording.
EDITABLE = ("kind", "title", "third_country", "member_states", "legal_reference",
            "in_force_from", "in_force_until", "rules", "source")


def kept_by(member_states: list[str]) -> str:
    """Whose administrators keep an instrument (ADR 13): the one member state it binds, or the
    EU bodies' ("EU") for one that binds several (an EU agreement)."""
    return member_states[0] if len(member_states) == 1 else "EU"


class InstrumentVersionForm(forms.ModelForm):
    change_note = forms.CharField(
        max_length=500, help_text="What changed and on what source; kept with the version."
    )

    class Meta:
        model = Instrument
        fields = (*EDITABLE, "change_note")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The note is the new version's, never the previous one's.
        self.initial["change_note"] = ""

    def clean_rules(self) -> Any:
        rules = self.cleaned_data["rules"]
        try:
            return check_rules(rules, "rules")
        except ReferenceDataError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_member_states(self) -> Any:
        codes = self.cleaned_data["member_states"]
        eu = set(Country.objects.filter(is_eu_member=True).values_list("code", flat=True))
        if not isinstance(codes, list) or not codes or not set(codes) <= eu:
            raise forms.ValidationError("give a list of EU member state codes, e.g. [\"NL\"]")
        if self.instance.pk and kept_by(codes) != kept_by(self.instance.member_states):
            raise forms.ValidationError(_(
                "An edit leaves the instrument with the administrators who keep it now: one "
                "member state's if it binds one, the EU bodies' if it binds several."
            ))
        return sorted(codes)

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        if self.instance.pk and not set(self.changed_data) - {"change_note"}:
            raise forms.ValidationError("Nothing changed: no new version is recorded.")
        return cleaned


@admin.register(Instrument, site=site)
class InstrumentAdmin(AdministratorOnly):
    """An instrument version is never changed in place: saving an edit of the latest version
    records the next one, with the administrator's name and change note."""

    form = InstrumentVersionForm
    list_display = ("code", "version", "title", "third_country", "kind", "in_force_from",
                    "in_force_until", "recorded_at", "recorded_by")
    list_filter = ("kind", "third_country")
    search_fields = ("code", "title", "legal_reference")
    readonly_fields = ("code", "version", "recorded_at", "recorded_by")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False  # a new instrument comes with its entry in data/instruments.toml

    def jurisdiction(self, obj: Any) -> str:
        return kept_by(obj.member_states)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj != latest_version(obj.code):
            return False
        return super().has_change_permission(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and not self.has_change_permission(request, obj):
            return (*self.readonly_fields, *EDITABLE, "change_note")
        return self.readonly_fields

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        values = {name: form.cleaned_data[name] for name in EDITABLE}
        values["third_country_id"] = values.pop("third_country").pk
        # The administrator edited the latest version (``has_change_permission``); if another
        # was recorded meanwhile, the action refuses rather than record two "next" versions.
        added = record_version(obj.code, values, recorded_by=request.user.get_username(),
                               note=form.cleaned_data["change_note"], user=request.user,
                               expected_version=obj.version)
        # The admin's messages and redirect then speak of the version just recorded.
        obj.pk, obj.version = added.pk, added.version
