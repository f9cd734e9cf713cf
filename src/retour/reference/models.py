"""Countries and legal parameters: the reference data every other app reads."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from retour import bulk


class CountryQuerySet(models.QuerySet["Country"]):
    def member_states(self) -> CountryQuerySet:
        """States bound by the Return Directive's Schengen acquis: EU 27 and the associated four."""
        return self.filter(Q(is_eu_member=True) | Q(is_schengen_associated=True))

    def third_countries(self) -> CountryQuerySet:
        return self.filter(is_eu_member=False, is_schengen_associated=False)

    def by_code(self, codes: Iterable[str]) -> dict[str, Country]:
        """The countries of ``codes`` that exist, by code; in a bulk session, from the whole
        table read once."""
        wanted = {c.upper() for c in codes}
        if bulk.current() is None:
            return {c.code: c for c in self.filter(code__in=wanted)}
        table = bulk.remembered("reference.countries",
                                lambda: {c.code: c for c in self.model.objects.all()})
        return {code: table[code] for code in wanted if code in table}


class Country(models.Model):
    """A country of ISO 3166-1 (plus the ICAO codes used on travel documents where they differ)."""

    code = models.CharField("ISO 3166-1 alpha-2", max_length=2, primary_key=True)
    alpha3 = models.CharField("ISO 3166-1 alpha-3", max_length=3, unique=True)
    numeric = models.CharField("ISO 3166-1 numeric", max_length=3, blank=True)
    name_en = models.CharField(max_length=100)
    name_nl = models.CharField(max_length=100)
    is_eu_member = models.BooleanField(default=False)
    is_schengen_associated = models.BooleanField(default=False)

    objects = CountryQuerySet.as_manager()

    class Meta:
        ordering = ["name_en"]
        verbose_name_plural = "countries"

    def __str__(self) -> str:
        return self.name_en

    @property
    def is_member_state(self) -> bool:
        return self.is_eu_member or self.is_schengen_associated


class LegalParameter(models.Model):
    """One version of a legal period or limit, with its source and validity (law as data).

    ``jurisdiction`` is ``EU`` for a rule of Union law, or a member state's code for a national
    rule (a national row wins over the EU row for cases of that member state).
    """

    class Unit(models.TextChoices):
        DAYS = "days"
        WORKING_DAYS = "working_days"
        WEEKS = "weeks"
        MONTHS = "months"
        YEARS = "years"

    class Verification(models.TextChoices):
        """How far a value was checked: against the legal text, only in a secondary source,
        or not at all (a placeholder to confirm)."""

        VERIFIED = "verified", _("verified against the legal text")
        SECONDARY = "secondary", _("secondary source")
        UNVERIFIED = "unverified", pgettext_lazy("rule", "unverified")

    code = models.CharField(max_length=80, db_index=True)
    jurisdiction = models.CharField(max_length=2, default="EU")
    value = models.IntegerField()
    unit = models.CharField(max_length=16, choices=Unit.choices)
    valid_from = models.DateField()
    valid_until = models.DateField(null=True, blank=True)
    description = models.CharField(max_length=300)
    source = models.CharField(max_length=300)
    verification = models.CharField(max_length=12, choices=Verification.choices)

    class Meta:
        ordering = ["code", "jurisdiction", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "jurisdiction", "valid_from"], name="legal_parameter_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}@{self.jurisdiction} = {self.value} {self.unit} from {self.valid_from}"
