"""Reading the access log for an audit: who read, searched, changed or exported one person's
data, when, through which channel and why.

The data protection officer is "to monitor compliance with this Regulation ... and the
related audits" (GDPR Art. 39(1)(b)); the controller must be able to demonstrate compliance
(Art. 5(2)); a data subject may ask for "the recipients ... to whom the personal data have been
... disclosed" (Art. 15(1)(c)). The log of a person is personal data of that person, so it
follows the same scoping rule as the person: only within the auditor's own member state, only
for a role that may see persons, and only with the ``view_audit_log`` capability (deny by
default).

A person's entries are found through ``AccessLogPerson``, the (person, entry) index that
``record_access`` writes with every entry, so a history is read by index, not by scanning the
log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from retour.accounts.roles import Capability
from retour.accounts.scoping import personal_data_member_state
from retour.audit.models import AccessLogEntry
from retour.errors import InvalidInput, NotVisible, PermissionRefused


class Subject(Protocol):
    """The person whose log is read; a ``people.Person`` (the log does not depend on it)."""

    @property
    def pk(self) -> Any: ...

    @property
    def member_state_id(self) -> Any: ...


@dataclass(frozen=True)
class AccessFilters:
    """Which entries to show; empty text and ``None`` mean "any". The period is in whole
    calendar days of the site's time zone, both ends included."""

    username: str = ""
    date_from: date | None = None
    date_to: date | None = None

    def __post_init__(self) -> None:
        if self.date_from and self.date_to and self.date_to < self.date_from:
            raise InvalidInput.field("date_to", _("must be on or after date_from"))

    def search_terms(self) -> dict[str, str]:
        """The filters set, for the auditor's own entry in the access log."""
        terms = {"username": self.username}
        for name in ("date_from", "date_to"):
            value = getattr(self, name)
            terms[name] = value.isoformat() if value else ""
        return {name: value for name, value in terms.items() if value}


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def _concerning(entries: QuerySet[AccessLogEntry], person_id: Any) -> QuerySet[AccessLogEntry]:
    return entries.filter(persons__person_id=person_id)


def entries_about(
    user: Any, person: Subject, filters: AccessFilters | None = None
) -> QuerySet[AccessLogEntry]:
    """The entries concerning ``person`` that match ``filters``, the newest first.

    Refuses (``PermissionRefused``) a user without ``view_audit_log`` and answers a person
    outside the user's scope exactly like one that does not exist (``NotVisible``)."""
    if user is None or not user.can(Capability.VIEW_AUDIT_LOG):
        raise PermissionRefused(
            _("your role does not allow: %(action)s") % {"action": _("read the access log")}
        )
    member_state = personal_data_member_state(user)
    if member_state is None or person.member_state_id != member_state:
        raise NotVisible("person not found")
    filters = filters or AccessFilters()
    entries = _concerning(AccessLogEntry.objects.all(), person.pk)
    if filters.username:
        entries = entries.filter(username=filters.username)
    if filters.date_from:
        entries = entries.filter(at__gte=_start_of(filters.date_from))
    if filters.date_to:
        entries = entries.filter(at__lt=_start_of(filters.date_to + timedelta(days=1)))
    # By time as recorded; the chain's order breaks ties between entries of the same moment.
    return entries.order_by("-at", "-sequence")


def usernames_about(user: Any, person: Subject) -> list[str]:
    """Everyone who appears in the person's log, by username, for choosing whom to show."""
    entries = entries_about(user, person).order_by()
    return sorted(set(entries.values_list("username", flat=True)))
