"""What brings a person within an identification officer's need to know: a possible match
waiting for (or given) their review, where both persons must be seen side by side to decide
whether they are one (GDPR Art. 5(1)(d)). The identification service decides them for the whole
member state; a case officer reviews the matches of the persons they already see, and the other
side shows only who that person is (``MatchReview.objects.visible_to``)."""

from typing import Any

from django.db.models import Exists, OuterRef, Q

from retour.accounts.roles import RoleCode
from retour.identification.models import MatchReview
from retour.people.models import register_reach


def _in_a_review(user: Any) -> Q:
    if RoleCode.IDENTIFICATION_OFFICER not in user.role_codes:
        return Q(pk__in=[])
    return Q(Exists(MatchReview.objects.filter(
        Q(person=OuterRef("pk")) | Q(candidate=OuterRef("pk"))
    )))


register_reach(_in_a_review)
