"""The case history in words: each event's action, who did it for which authority, when, why,
and the values it changed, as an officer reads them (names, not ids; dates, not ISO strings)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from retour.accounts.models import Authority, User
from retour.api.present import user_name
from retour.cases.models import CaseEvent
from retour.reference.models import Country
from retour.web import labels as L

# The words for the values an event records (``TRACKED_FIELDS`` of the actions and the
# details they add); a key without an entry is shown by its own name.
FIELD_LABELS: L.Labels = {
    "stage": gettext_lazy("Stage"),
    "stage_before_suspension": gettext_lazy("Stage before suspension"),
    "outcome": gettext_lazy("Outcome"),
    "outcome_reason": gettext_lazy("Reason for the outcome"),
    "responsible_authority_id": gettext_lazy("Responsible authority"),
    "assigned_officer_id": gettext_lazy("Assigned officer"),
    "voluntary_departure_ends_on": gettext_lazy("Voluntary departure ends on"),
    "removal_planned_on": gettext_lazy("Removal planned on"),
    "closed_at": gettext_lazy("Closed at"),
    "decision": gettext_lazy("Decision"),
    "handover": gettext_lazy("Hand-over"),
    "return_decision_due_on": gettext_lazy("Return decision due on"),
    "departed_on": gettext_lazy("Departed on"),
    "destination": gettext_lazy("Destination"),
    "assisted": gettext_lazy("Assisted"),
    "absconded_on": gettext_lazy("Absconded on"),
    "located_on": gettext_lazy("Located on"),
    "member_state": gettext_lazy("Member state"),
    "origin": gettext_lazy("Origin"),
    "origin_member_state": gettext_lazy("Member state of the recognised decision"),
    "opened_on": gettext_lazy("Opened on"),
    "citizenship": gettext_lazy("Citizenship"),
    "sex": gettext_lazy("Sex"),
    "birth_year": gettext_lazy("Year of birth"),
    "minor": gettext_lazy("Minor"),
    "unaccompanied_minor": gettext_lazy("Unaccompanied minor"),
    "vulnerability": gettext_lazy("Vulnerability"),
    "document": gettext_lazy("Document"),
    "evidence": gettext_lazy("Evidence"),
    "non_cooperation": gettext_lazy("Non-cooperation"),
    "detention": gettext_lazy("Detention"),
    "reintegration": gettext_lazy("Reintegration"),
    "readmission_request": gettext_lazy("Readmission request"),
}
_CODE_TABLES: dict[str, L.Labels] = {
    "stage": L.STAGES,
    "stage_before_suspension": L.STAGES,
    "outcome": L.OUTCOMES,
    "origin": L.ORIGINS,
    "sex": L.SEXES,
    "vulnerability": L.VULNERABILITIES,
}
_COUNTRY_KEYS = frozenset({"member_state", "citizenship", "destination", "origin_member_state"})


@dataclass(frozen=True)
class Change:
    label: str
    before: str | None  # None: the event added the value rather than changing one
    after: str


@dataclass(frozen=True)
class ShownEvent:
    occurred_at: datetime
    action: str
    actor: str
    authority: str
    reason: str
    changes: list[Change]


def as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        return date.fromisoformat(value[:10])
    return None


def day(value: Any) -> str:
    found = as_date(value)
    return date_format(found) if found else ""


def _ban_length(years: int, months: int) -> str:
    parts = []
    if years:
        parts.append(ngettext("%(n)d year", "%(n)d years", years) % {"n": years})
    if months:
        parts.append(ngettext("%(n)d month", "%(n)d months", months) % {"n": months})
    return _("entry ban of %(length)s") % {"length": _(" and ").join(parts)}


def decision_details(values: Mapping[str, Any]) -> list[str]:
    """What distinguishes one decision of a kind from another, from the model's fields or
    from the values an event recorded (the same names)."""
    details: list[str] = []
    days = values.get("voluntary_departure_days")
    if days is not None:
        details.append(
            ngettext(
                "%(days)d day for voluntary departure", "%(days)d days for voluntary departure",
                days,
            ) % {"days": days}
            if days
            else _("no voluntary-departure period")
        )
    if values.get("shortened_departure_reason"):
        details.append(L.label(L.SHORTENED_DEPARTURE_REASONS, values["shortened_departure_reason"]))
    if values.get("extension_days"):
        days = values["extension_days"]
        details.append(
            ngettext("extended by %(days)d day", "extended by %(days)d days", days)
            % {"days": days}
        )
    if values.get("ban_years") or values.get("ban_months"):
        details.append(_ban_length(values.get("ban_years") or 0, values.get("ban_months") or 0))
    if values.get("suspensive") is not None:
        details.append(
            _("with suspensive effect") if values["suspensive"] else _("without suspensive effect")
        )
    if values.get("appeal_outcome"):
        details.append(
            _("outcome: %(outcome)s")
            % {"outcome": L.label(L.APPEAL_OUTCOMES, values["appeal_outcome"])}
        )
    if values.get("postponement_ground"):
        details.append(L.label(L.POSTPONEMENT_GROUNDS, values["postponement_ground"]))
    if values.get("ends_on"):
        details.append(_("until %(date)s") % {"date": day(values["ends_on"])})
    if values.get("reference"):
        details.append(_("reference %(reference)s") % {"reference": values["reference"]})
    return details


class _Names:
    """The authorities, officers and countries an event list refers to, read in three queries."""

    def __init__(self, events: list[CaseEvent]) -> None:
        values = [v for e in events for v in (e.old_values, e.new_values)]
        authority_ids = {v.get("responsible_authority_id") for v in values} - {None}
        decisions = [v["decision"] for v in values if isinstance(v.get("decision"), dict)]
        handovers = [v["handover"] for v in values if isinstance(v.get("handover"), dict)]
        codes = {d.get("issuing_authority") for d in decisions} | {
            h.get("to_authority") for h in handovers
        }
        self.authorities = {a.pk: a.name for a in Authority.objects.filter(pk__in=authority_ids)}
        self.authority_codes = {
            a.code: a.name for a in Authority.objects.filter(code__in=codes - {None})
        }
        officer_ids = {v.get("assigned_officer_id") for v in values} - {None}
        self.officers = {u.pk: user_name(u) for u in User.objects.filter(pk__in=officer_ids)}
        country_codes = {v.get(k) for v in values for k in _COUNTRY_KEYS} | {
            v["document"].get("issuing_country") for v in values
            if isinstance(v.get("document"), dict)
        } | {
            v["readmission_request"].get("country") for v in values
            if isinstance(v.get("readmission_request"), dict)
        }
        country_codes -= {None, ""}
        self.countries = {
            c.code: L.country_name(c) for c in Country.objects.filter(code__in=country_codes)
        }


def _decision_text(values: Mapping[str, Any], names: _Names) -> str:
    text = _("%(kind)s of %(date)s by %(authority)s") % {
        "kind": L.label(L.DECISION_KINDS, values.get("kind")),
        "date": day(values.get("decided_on")),
        "authority": names.authority_codes.get(str(values.get("issuing_authority")), ""),
    }
    details = decision_details(values)
    return f"{text} ({'; '.join(details)})" if details else text


def _handover_text(values: Mapping[str, Any], names: _Names) -> str:
    if "to_authority" in values:
        return _("to %(authority)s") % {
            "authority": names.authority_codes.get(values["to_authority"], values["to_authority"])
        }
    return L.label(L.HANDOVER_STATUSES, values.get("status"))


def _document_text(values: Mapping[str, Any], names: _Names) -> str:
    parts = [L.label(L.DOCUMENT_KINDS, values.get("kind"))]
    country = values.get("issuing_country")
    if country:
        parts.append(names.countries.get(country, str(country)))
    if values.get("expires_on"):
        parts.append(_("valid until %(date)s") % {"date": day(values["expires_on"])})
    parts.append(L.label(L.ZONE_STATUSES, values.get("zone_status")))
    return "; ".join(parts)


def _non_cooperation_text(values: Mapping[str, Any]) -> str:
    return _("%(kind)s on %(date)s; consequence: %(consequence)s") % {
        "kind": L.label(L.NON_COOPERATION_KINDS, values.get("kind")),
        "date": day(values.get("occurred_on")),
        "consequence": L.label(L.NON_COOPERATION_CONSEQUENCES, values.get("consequence")),
    }


def _detention_text(values: Mapping[str, Any]) -> str:
    text = _("from %(date)s at %(facility)s; ground: %(ground)s") % {
        "date": day(values.get("ordered_on")),
        "facility": values.get("facility", ""),
        "ground": L.label(L.DETENTION_GROUNDS, values.get("ground")),
    }
    if values.get("ended_on"):
        text += "; " + _("ended on %(date)s: %(reason)s") % {
            "date": day(values["ended_on"]),
            "reason": L.label(L.DETENTION_END_REASONS, values.get("end_reason")),
        }
    return text


def _reintegration_text(values: Mapping[str, Any]) -> str:
    text = _("%(programme)s, referred on %(date)s") % {
        "programme": values.get("programme", ""), "date": day(values.get("referred_on")),
    }
    if values.get("outcome"):
        text += "; " + _("%(outcome)s on %(date)s") % {
            "outcome": L.label(L.REINTEGRATION_OUTCOMES, values["outcome"]),
            "date": day(values.get("outcome_on")),
        }
    return text


def _readmission_text(values: Mapping[str, Any], names: _Names) -> str:
    """The request, its status after the step, and the dates and warnings the step set."""
    country = str(values.get("country", ""))
    parts = [_("%(reference)s to %(country)s: %(status)s") % {
        "reference": values.get("reference", ""),
        "country": names.countries.get(country, country),
        "status": L.label(L.READMISSION_STATUSES, values.get("status")),
    }]
    for key, words in (
        ("reply_due_on", _("reply due %(date)s")),
        ("due_on", _("due %(date)s")),
        ("transfer_due_on", _("transfer due %(date)s")),
        ("valid_until", _("valid until %(date)s")),
    ):
        if values.get(key):
            parts.append(words % {"date": day(values[key])})
    parts.extend(str(w) for w in values.get("warnings") or ())
    return "; ".join(parts)


def _value(key: str, value: Any, names: _Names) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if key in _CODE_TABLES:
        return L.label(_CODE_TABLES[key], value)
    if key in _COUNTRY_KEYS:
        return names.countries.get(value, str(value))
    if key == "responsible_authority_id":
        return names.authorities.get(value, str(value))
    if key == "assigned_officer_id":
        return names.officers.get(value, str(value))
    if key == "decision" and isinstance(value, dict):
        return _decision_text(value, names)
    if key == "handover" and isinstance(value, dict):
        return _handover_text(value, names)
    if key == "document" and isinstance(value, dict):
        return _document_text(value, names)
    if key == "evidence" and isinstance(value, dict):
        return _("%(kind)s of %(date)s") % {
            "kind": L.label(L.EVIDENCE_KINDS, value.get("kind")),
            "date": day(value.get("taken_on")),
        }
    if key == "non_cooperation" and isinstance(value, dict):
        return _non_cooperation_text(value)
    if key == "detention" and isinstance(value, dict):
        return _detention_text(value)
    if key == "reintegration" and isinstance(value, dict):
        return _reintegration_text(value)
    if key == "readmission_request" and isinstance(value, dict):
        return _readmission_text(value, names)
    if key.endswith("_at") and isinstance(value, str):
        return date_format(localtime(datetime.fromisoformat(value)), "DATETIME_FORMAT")
    if key.endswith("_on"):
        return day(value)
    return str(value)


def _changes(event: CaseEvent, names: _Names) -> list[Change]:
    changes = []
    for key, after in event.new_values.items():
        before = (
            _value(key, event.old_values[key], names) if key in event.old_values else None
        )
        changes.append(Change(L.label(FIELD_LABELS, key), before, _value(key, after, names)))
    return changes


def shown_events(events: Iterable[CaseEvent]) -> list[ShownEvent]:
    """The events, newest first, in words; ``events`` come with actor and authority."""
    ordered = sorted(events, key=lambda e: e.sequence, reverse=True)
    names = _Names(ordered)
    return [
        ShownEvent(
            occurred_at=e.occurred_at,
            action=L.label(L.ACTIONS, e.action),
            actor=user_name(e.actor) if e.actor else _("the system"),
            authority=e.actor_authority.name if e.actor_authority else "",
            reason=e.reason,
            changes=_changes(e, names),
        )
        for e in ordered
    ]
