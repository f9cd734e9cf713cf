"""Roles and what each may do: the access policy as one declarative table.

Deny by default: a capability not listed for a role is refused. Personal data (persons and
their cases) are visible only to roles holding ``VIEW_PERSONAL_DATA``, only within the user's
own member state, and there only the cases the role's purpose reaches (the need-to-know table,
``retour.accounts.scoping``).

A readmission application sends the person's particulars to a third country: only the roles
that prepare it (case officers, supervisors, identification officers) export it; counsellors,
auditors, planners and detention officers read the request but never send it out.
"""

from __future__ import annotations

from django.db import models


class RoleCode(models.TextChoices):
    CASE_OFFICER = "case_officer", "Case officer"
    RETURN_COUNSELLOR = "return_counsellor", "Return counsellor"
    IDENTIFICATION_OFFICER = "identification_officer", "Identification officer"
    DETENTION_OFFICER = "detention_officer", "Detention officer"
    OPERATIONS_PLANNER = "operations_planner", "Operations planner"
    SUPERVISOR = "supervisor", "Supervisor"
    STATISTICIAN = "statistician", "Statistician"
    AUDITOR = "auditor", "Auditor / data protection officer"
    EU_COORDINATOR = "eu_coordinator", "EU coordinator"
    ADMINISTRATOR = "administrator", "Administrator"


class Capability(models.TextChoices):
    VIEW_PERSONAL_DATA = "view_personal_data", "See persons and their cases"
    REGISTER_PERSON = "register_person", "Register and edit persons"
    OPEN_CASE = "open_case", "Open return cases"
    DECIDE = "decide", "Record decisions of the return procedure"
    RECORD_APPEAL = "record_appeal", "Record appeals and their outcome"
    ENFORCE = "enforce", "Prepare and carry out removal"
    RECORD_DEPARTURE = "record_departure", "Record a departure"
    CLOSE_CASE = "close_case", "Close cases"
    HAND_OVER = "hand_over", "Send and accept hand-overs"
    ASSIGN = "assign", "Assign cases to officers"
    ORDER_DETENTION = "order_detention", (
        "Order detention for the purpose of removal and record its end"
    )
    REFER_REINTEGRATION = "refer_reintegration", (
        "Refer to a reintegration programme and record the outcome"
    )
    IDENTIFY = "identify", (
        "Record identification work: documents, interviews, missions, non-cooperation"
    )
    EXPORT_READMISSION_APPLICATION = "export_readmission_application", (
        "Export a readmission application for the requested state"
    )
    VIEW_AUDIT_LOG = "view_audit_log", "Read the access log"
    VIEW_STATISTICS = "view_statistics", "Read aggregated statistics"
    ADMINISTER = "administer", "Manage users and reference data"


_C = Capability
_CASEWORK = frozenset(
    {
        _C.VIEW_PERSONAL_DATA,
        _C.REGISTER_PERSON,
        _C.OPEN_CASE,
        _C.DECIDE,
        _C.RECORD_APPEAL,
        _C.ENFORCE,
        _C.RECORD_DEPARTURE,
        _C.CLOSE_CASE,
        _C.HAND_OVER,
        _C.IDENTIFY,
        _C.ORDER_DETENTION,
        _C.REFER_REINTEGRATION,
        _C.EXPORT_READMISSION_APPLICATION,
    }
)

ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    RoleCode.CASE_OFFICER: _CASEWORK,
    RoleCode.SUPERVISOR: _CASEWORK | {_C.ASSIGN, _C.VIEW_STATISTICS},
    RoleCode.RETURN_COUNSELLOR: frozenset(
        {_C.VIEW_PERSONAL_DATA, _C.RECORD_DEPARTURE, _C.REFER_REINTEGRATION}
    ),
    RoleCode.IDENTIFICATION_OFFICER: frozenset(
        {_C.VIEW_PERSONAL_DATA, _C.REGISTER_PERSON, _C.IDENTIFY,
         _C.EXPORT_READMISSION_APPLICATION}
    ),
    RoleCode.DETENTION_OFFICER: frozenset(
        {_C.VIEW_PERSONAL_DATA, _C.ENFORCE, _C.IDENTIFY, _C.ORDER_DETENTION}
    ),
    RoleCode.OPERATIONS_PLANNER: frozenset(
        {_C.VIEW_PERSONAL_DATA, _C.ENFORCE, _C.RECORD_DEPARTURE, _C.HAND_OVER}
    ),
    RoleCode.STATISTICIAN: frozenset({_C.VIEW_STATISTICS}),
    RoleCode.AUDITOR: frozenset({_C.VIEW_PERSONAL_DATA, _C.VIEW_AUDIT_LOG}),
    RoleCode.EU_COORDINATOR: frozenset({_C.VIEW_STATISTICS}),
    RoleCode.ADMINISTRATOR: frozenset({_C.ADMINISTER}),
}


def capabilities_of(role_codes: frozenset[str]) -> frozenset[str]:
    granted: set[str] = set()
    for code in role_codes:
        granted |= ROLE_CAPABILITIES.get(code, frozenset())
    return frozenset(granted)
