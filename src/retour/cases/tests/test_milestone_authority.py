"""The milestone row names the responsible authority as the events set it: the opening and
an accepted hand-over (a returned one changes nothing); the replay agrees."""

from __future__ import annotations

import importlib
from typing import Any

from django.apps import apps as django_apps

from retour.cases import actions, milestones
from retour.cases.models import CaseMilestones
from retour.cases.tests import support as s


def _authority(case_pk: Any) -> str:
    return CaseMilestones.objects.get(case_id=case_pk).authority


def test_the_authority_follows_the_case(anna, pieter, today):
    case = s.legal_stay_ended(anna)
    assert _authority(case.pk) == case.responsible_authority.code == anna.authority.code
    actions.send_handover(anna, case.pk, to_authority="nl-avim", note="identify first")
    actions.return_handover(pieter, case.pk, reason="already identified by KMar")
    assert _authority(case.pk) == anna.authority.code
    actions.send_handover(anna, case.pk, to_authority="nl-avim", note="identify, please")
    case = actions.accept_handover(pieter, case.pk, reason="we identify")
    assert _authority(case.pk) == "nl-avim"
    assert milestones.rebuild(case).authority == "nl-avim"


def test_the_migration_fills_existing_rows(anna):
    """Rows made before the column existed get what folding their events gives."""
    migration = importlib.import_module("retour.cases.migrations.0005_milestone_authority")
    case = s.legal_stay_ended(anna)
    CaseMilestones.objects.update(authority="")
    migration.fill_authority(django_apps, None)
    assert _authority(case.pk) == milestones.rebuild(case).authority == anna.authority.code
