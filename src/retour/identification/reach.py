"""What brings a person within an identification officer's need to know: a possible match
waiting for (or given) their review, where both persons must be seen side by side to decide
whether they are one (GDPR Art. 5(1)(d))."""

from typing import Any

from django.db.models import Exists, OuterRef, Q

from retour.accounts.roles import Capability
from retour.identification.models import MatchReview
from retour.people.models import register_reach


def _in_a_review(user: Any) -> Q:
    if not user.can(Capability.IDENTIFY):
        return Q(pk__in=[])
    return Q(Exists(MatchReview.objects.filter(
        Q(person=OuterRef("pk")) | Q(candidate=OuterRef("pk"))
    )))


register_reach(_in_a_review)
