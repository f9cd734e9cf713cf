"""The access matrix's rule table: who may reach each page and each API operation, and whose
objects (``test_access_matrix`` requests every one as every persona and compares).

A rule names who passes the door (anyone, any signed-in user, a capability of
``retour.accounts.roles``) and, for a path that names an object, which objects: the policy's
own public functions decide (``Person.objects.is_visible_to`` for persons and what hangs off
them, ``personal_data_member_state`` for missions, ``retour.cases.reach.sees`` and
``acting_refusal`` for cases), so the
matrix proves that every endpoint enforces the one rule rather than restating it.

Every URL pattern and every API operation must have an entry, and every entry must name one
that exists: a new endpoint without a rule fails the matrix.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from retour.accounts.roles import Capability
from retour.accounts.scoping import Special, personal_data_member_state, special_categories
from retour.cases import reach
from retour.cases.models import ReturnCase
from retour.cases.stages import OPEN_STAGES
from retour.identification.models import MatchReview
from retour.people.models import Person
from retour.seam import actions as seam_actions

_C = Capability

# Who passes the door, from the user (possibly anonymous).
Door = Callable[[Any], bool]
# Which objects: the user and the object the path names.
Scope = Callable[[Any, Any], bool]


def anyone(user: Any) -> bool:
    return True


def signed_in(user: Any) -> bool:
    return bool(user.is_authenticated)


def nobody(user: Any) -> bool:
    """Reached only in the middle of a sign-in (after the password), which force_login is not."""
    return False


def can(*capabilities: str) -> Door:
    """Any of ``capabilities`` (a signed-in user's roles)."""

    def door(user: Any) -> bool:
        return bool(user.is_authenticated) and any(user.can(c) for c in capabilities)

    door.__name__ = "can " + " or ".join(capabilities)
    return door


def in_member_state(user: Any, obj: Any) -> bool:
    """Missions and what is planned for them: the user's member state, roles that see persons."""
    return personal_data_member_state(user) == _member_state_of(obj)


def sees_person(user: Any, obj: Any) -> bool:
    """A person and what hangs off them: the need-to-know policy for persons."""
    person = getattr(obj, "person", obj)
    return user.is_authenticated and Person.objects.is_visible_to(person, user)


def sees_review(user: Any, obj: Any) -> bool:
    """A possible match: either of its persons seen."""
    return user.is_authenticated and MatchReview.objects.visible_to(user).filter(
        pk=obj.pk).exists()


def sees_case(user: Any, obj: Any) -> bool:
    """A case, or a readmission request through its case: the need-to-know policy."""
    case = getattr(obj, "case", obj)
    return user.is_authenticated and reach.sees(case, user)


def acts_on_case(action: str) -> Scope:
    """A step on a case: seen, the step's capability, and the acting reach."""
    capability = seam_actions.get(action).step.capability

    def scope(user: Any, obj: Any) -> bool:
        case = getattr(obj, "case", obj)
        return (
            sees_case(user, case)
            and capability is not None and user.can(capability)
            and reach.acting_refusal(user, case, action) is None
        )

    return scope


def sees_health(user: Any, obj: Any) -> bool:
    """The health details of a case: seen, and health among the role's special categories."""
    return sees_case(user, obj) and Special.HEALTH in special_categories(user)


def acts_on_persons_cases(user: Any, obj: Any) -> bool:
    """A fact recorded about a person is noted on each of their open cases: the person seen,
    and every open case within the user's acting reach (access follows the responsible
    authority)."""
    open_cases = ReturnCase.objects.filter(person=obj, stage__in=OPEN_STAGES)
    return sees_person(user, obj) and all(
        reach.acting_refusal(user, case, "") is None for case in open_cases)


def administers(user: Any, obj: Any) -> bool:
    """The administration: an administrator manages the users of their own member state."""
    return user.is_authenticated and user.member_state_code == obj.authority.member_state_id


def _member_state_of(obj: Any) -> str:
    for path in ("member_state_id", "mission.member_state_id", "person.member_state_id"):
        value: Any = obj
        try:
            for part in path.split("."):
                value = getattr(value, part)
        except AttributeError:
            continue
        return str(value)
    raise TypeError(f"no member state on {obj!r}")


@dataclass(frozen=True)
class Rule:
    """Who may reach one endpoint.

    ``door``: who passes at all; ``obj``: the kind of object the path names (``case``,
    ``person``, ``mission``, ``presentation``, ``review``, ``readmission``, ``user``) and
    ``scope`` which of them the user may reach (default: the kind's own rule, ``SCOPES``);
    ``method``: how it is requested (a body's "@person" must be a person the user sees too);
    ``args``: the path's other arguments; ``holes``: cells
    (``"<role>@<place>/<object's member state>"``) known to break the rule, each with what
    happens, expected to fail until fixed."""

    door: Door
    obj: str | None = None
    scope: Scope | None = None
    method: str = "GET"
    args: dict[str, str] = field(default_factory=dict)
    holes: dict[str, str] = field(default_factory=dict)
    query: str = ""  # what a GET needs after the path (an operation's required parameters)
    body: dict[str, Any] = field(default_factory=dict)  # fields a made-up body gets wrong
    # The sign-in pages: sending to the sign-in page is their answer, whoever asks.
    signing_in: bool = False
    # 404 is an allowed user's answer when there is nothing to give (a report without
    # figures); then a refusal must be 403.
    absent_is_404: bool = False

    def allows(self, user: Any, obj: Any) -> bool:
        if not self.door(user):
            return False
        if self.obj is None:
            return True
        scope = self.scope or SCOPES[self.obj]
        return bool(user.is_authenticated) and scope(user, obj)


SCOPES: dict[str, Scope] = {
    "case": sees_case,
    "readmission": sees_case,
    "person": sees_person,
    "mission": in_member_state,
    "presentation": sees_person,
    "review": sees_review,
    "user": administers,
}

PERSONAL = _C.VIEW_PERSONAL_DATA
IDENTIFY = _C.IDENTIFY
STATISTICS = _C.VIEW_STATISTICS
ADMINISTER = _C.ADMINISTER
# The case step the case-action page is requested for: open to counsellors, planners and
# casework, so every acting reach shows in the matrix.
CASE_STEP = "record_voluntary_departure"
READMISSION_STEP = "acknowledge-readmission-request"

# ICAO Doc 9303 part 4's specimen passport (Utopia, Anna Maria Eriksson).
SPECIMEN_MRZ = ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
                "L898902C36UTO7408122F1204159ZE184226B<<<<<10"]

# The pages, by URL name (the Django administration as a whole under "admin").
PAGES: dict[str, Rule] = {
    "home": Rule(signed_in),
    "healthz": Rule(anyone),
    "accessibility": Rule(anyone),
    "session_keepalive": Rule(signed_in),
    "set_language": Rule(anyone, method="POST"),
    "login": Rule(anyone),
    "signin-code": Rule(nobody, signing_in=True),
    "signin-enrol": Rule(nobody, signing_in=True),
    "signin-confirm": Rule(signed_in),
    # One's own second factors (security keys added and removed), behind a fresh confirmation.
    "signin-methods": Rule(signed_in),
    "logout": Rule(anyone, method="POST", signing_in=True),
    # One's own sessions: every signed-in user; ending one names a session of one's own (a key
    # that is not theirs ends nothing).
    "session-list": Rule(signed_in),
    "session-end": Rule(signed_in, method="POST",
                        args={"session_id": "00000000-0000-0000-0000-000000000000"}),
    "session-end-others": Rule(signed_in, method="POST"),
    # Open to every signed-in user: it lists the cases the user sees (roles that see no
    # person are told so, with no list).
    "case-list": Rule(signed_in),
    "case": Rule(can(PERSONAL), "case"),
    # The step itself (the form's GET shows the case, or why the step is not open).
    "case-action": Rule(can(PERSONAL), "case", scope=acts_on_case(CASE_STEP), method="POST",
                        args={"action": CASE_STEP.replace("_", "-")}),
    "person-new": Rule(can(_C.REGISTER_PERSON)),
    "person-new-case": Rule(can(_C.OPEN_CASE), "person"),
    "case-vulnerability": Rule(can(_C.REGISTER_PERSON), "case"),
    "case-health": Rule(can(PERSONAL), "case", scope=sees_health),
    "case-document": Rule(can(IDENTIFY), "case"),
    "case-document-zone": Rule(can(IDENTIFY), "case", method="POST"),
    # Read by every role that sees persons (the API's dossier asks for IDENTIFY).
    "person-dossier": Rule(can(PERSONAL), "person"),
    "person-evidence": Rule(can(IDENTIFY), "person"),
    "missions": Rule(can(IDENTIFY)),
    "mission-new": Rule(can(IDENTIFY)),
    "mission": Rule(can(IDENTIFY), "mission"),
    "mission-present": Rule(can(IDENTIFY), "mission", method="POST"),
    "mission-outcome": Rule(can(IDENTIFY), "presentation", method="POST"),
    "mission-cancel": Rule(can(IDENTIFY), "mission"),
    "matches": Rule(can(IDENTIFY)),
    "match": Rule(can(IDENTIFY), "review"),
    "readmission-requests": Rule(can(PERSONAL)),
    "readmission-request": Rule(can(PERSONAL), "readmission"),
    "readmission-step": Rule(can(IDENTIFY), "readmission", method="POST",
                             args={"action": READMISSION_STEP}),
    "case-readmission-new": Rule(can(IDENTIFY), "case"),
    "scorecard": Rule(can(STATISTICS, IDENTIFY)),
    "scorecard-csv": Rule(can(STATISTICS, IDENTIFY)),
    "scorecard-country": Rule(can(STATISTICS, IDENTIFY), args={"country": "PK"}),
    "scorecard-country-csv": Rule(can(STATISTICS, IDENTIFY), args={"country": "PK"}),
    "scorecard-cases": Rule(can(IDENTIFY), args={"country": "PK"},
                            query="?figure=submitted&period=2026Q1"),
    "audit": Rule(can(_C.VIEW_AUDIT_LOG)),
    "audit-person": Rule(can(_C.VIEW_AUDIT_LOG), "person"),
    "audit-person-csv": Rule(can(_C.VIEW_AUDIT_LOG), "person"),
    "statistics-index": Rule(can(STATISTICS)),
    "statistics-trends": Rule(can(STATISTICS)),
    "statistics-trends-csv": Rule(can(STATISTICS)),
    "statistics-funnel": Rule(can(STATISTICS)),
    "statistics-funnel-csv": Rule(can(STATISTICS)),
    "statistics-citizenship": Rule(can(STATISTICS)),
    "statistics-citizenship-csv": Rule(can(STATISTICS)),
    "statistics-authorities": Rule(can(STATISTICS)),
    "statistics-authorities-csv": Rule(can(STATISTICS)),
    "statistics-report": Rule(can(STATISTICS), args={"period": "2026Q1"}),
    "statistics-report-pdf": Rule(can(STATISTICS), args={"period": "2026Q1"},
                                  absent_is_404=True),
    "outbox": Rule(can(ADMINISTER)),
    "outbox-subscriber": Rule(can(ADMINISTER), args={"name": "matrix"}),
    "outbox-replay": Rule(can(ADMINISTER), method="POST", args={"name": "matrix"}),
    "outbox-skip": Rule(can(ADMINISTER), method="POST", args={"name": "matrix"}),
    "api:openapi-json": Rule(anyone),
    "api:openapi-view": Rule(anyone),
    "api:api-root": Rule(nobody),  # no page at the API's root
    "admin": Rule(can(ADMINISTER)),
    "admin:accounts_user_change": Rule(can(ADMINISTER), "user"),
}


def _case_steps() -> dict[str, Rule]:
    """The case's steps, one operation each, made from the declared actions: the rule is the
    step's own row (its capability) and the acting reach."""
    return {
        f"POST /cases/{{case_id}}/actions/{a.slug}": Rule(
            can(PERSONAL), "case", scope=acts_on_case(a.name), method="POST")
        for a in seam_actions.asked("case")
    }


def _readmission_steps() -> dict[str, Rule]:
    from retour.readmission.procedure import BY_ACTION, taken_on_a_request

    return {
        f"POST /readmission-requests/{{request_id}}/{BY_ACTION[a.name].segment}": Rule(
            can(IDENTIFY), "readmission", scope=acts_on_case(a.name), method="POST")
        for a in taken_on_a_request()
    }


# The API operations, by method and path (as the API object declares them).
OPERATIONS: dict[str, Rule] = {
    # The lists are open to every signed-in user and list what the user may see (nothing
    # for roles that see no person).
    "GET /cases": Rule(signed_in),
    "POST /cases": Rule(can(_C.OPEN_CASE), method="POST", body={"person_id": "@person"}),
    "GET /cases/{case_id}": Rule(can(PERSONAL), "case"),
    "POST /people/match": Rule(can(PERSONAL), method="POST"),
    "POST /people/{person_id}/match-reviews": Rule(can(IDENTIFY), "person", method="POST"),
    "GET /match-reviews": Rule(can(IDENTIFY)),
    "POST /match-reviews/{review_id}/decision": Rule(can(IDENTIFY), "review", method="POST"),
    "POST /people": Rule(can(_C.REGISTER_PERSON), method="POST"),
    "GET /people/{person_id}": Rule(can(PERSONAL), "person"),
    # A fact of the person (a vulnerability, a document, evidence) is recorded by whoever sees
    # the person and may do that work, and reaches every open case of theirs, whichever
    # authority holds it.
    "POST /people/{person_id}/vulnerabilities": Rule(
        can(_C.REGISTER_PERSON), "person", method="POST"),
    "POST /people/{person_id}/family-links": Rule(
        can(_C.REGISTER_PERSON), "person", scope=acts_on_persons_cases, method="POST"),
    "GET /tasks": Rule(signed_in),
    # Reads only the zone it is sent, for every role that sees persons (the case page's
    # zone reader asks for IDENTIFY).
    "POST /documents/mrz": Rule(can(PERSONAL), method="POST", body={"lines": SPECIMEN_MRZ}),
    "GET /people/{person_id}/documents": Rule(can(PERSONAL), "person"),
    "POST /people/{person_id}/documents": Rule(
        can(IDENTIFY), "person", method="POST",
        body={"number": "NX1234567", "issuing_country": "MA"}),
    "POST /people/{person_id}/evidence": Rule(
        can(IDENTIFY), "person", method="POST"),
    "GET /people/{person_id}/dossier": Rule(can(PERSONAL), "person", query="?country=PK"),
    "POST /missions": Rule(can(IDENTIFY), method="POST", body={
        "country": "MA", "place": "Centre"}),
    # As the missions page (identification work).
    "GET /missions": Rule(can(IDENTIFY)),
    "POST /missions/{mission_id}/presentations": Rule(
        can(IDENTIFY), "mission", method="POST", body={"person_id": "@person"}),
    "POST /presentations/{presentation_id}/outcome": Rule(
        can(IDENTIFY), "presentation", method="POST"),
    "GET /missions/planning": Rule(can(IDENTIFY), query="?country=MA"),
    "GET /readmission-requests": Rule(signed_in),
    "GET /readmission-requests/{request_id}": Rule(can(PERSONAL), "readmission"),
    "POST /cases/{case_id}/readmission-requests": Rule(
        can(IDENTIFY), "case", scope=acts_on_case("draft_readmission_request"), method="POST",
        body={"third_country": "PK"}),
    "GET /readmission-requests/{request_id}/export": Rule(
        can(_C.EXPORT_READMISSION_APPLICATION), "readmission"),
    "POST /readmission-messages": Rule(can(IDENTIFY), method="POST", query="?reason=matrix"),
    **_case_steps(),
    **_readmission_steps(),
}
