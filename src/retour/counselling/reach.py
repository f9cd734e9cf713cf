"""What brings a case within a return counsellor's need to know (``retour.accounts.scoping``):
a referral to reintegration counselled by their service, the work of return counselling."""

from django.db.models import Exists, OuterRef, Q

from retour.accounts.scoping import Reach
from retour.cases import reach
from retour.counselling.models import ReintegrationReferral

reach.register(
    Reach.REFERRED,
    lambda user: Q(Exists(ReintegrationReferral.objects.filter(
        case=OuterRef("pk"), counselling_service_id=user.authority_id,
    ))),
)
