"""A person's family links, as far as the user may see the relatives."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from retour.people.models import FamilyLink, Person


def visible_family_links(person: Person, user: Any) -> QuerySet[FamilyLink]:
    """Links in either direction whose both ends are persons ``user`` may see."""
    visible = Person.objects.visible_to(user)
    return (
        FamilyLink.objects.filter(Q(person=person) | Q(relative=person))
        .filter(person__in=visible, relative__in=visible)
        .select_related("person", "relative")
        .prefetch_related("person__names", "relative__names")
        .order_by("id")
    )
