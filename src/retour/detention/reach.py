"""What brings a case within a detention officer's need to know (``retour.accounts.scoping``):
detention ordered on it by the officer's authority (Directive 2008/115/EC Art. 15-16)."""

from django.db.models import Exists, OuterRef, Q

from retour.accounts.scoping import Reach
from retour.cases import reach
from retour.detention.models import DetentionPeriod

reach.register(
    Reach.DETAINED,
    lambda user: Q(Exists(DetentionPeriod.objects.filter(
        case=OuterRef("pk"), ordered_by_id=user.authority_id,
    ))),
)
