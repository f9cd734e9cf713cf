"""The review queue of possible matches: the pairs of persons waiting for an officer's
decision, and one pair side by side with the per-field reasons and the decision form.

Records are never merged: the officer decides whether the two records are the same person and
says why (GDPR Art. 5(1)(d), accuracy; Art. 22, no decision based solely on automated
processing). Every change goes through ``retour.identification.reviews``; every page that
shows the persons is kept in the access log.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from retour import display
from retour.accounts.roles import Capability
from retour.audit.log import record_access
from retour.cases.models import ReturnCase
from retour.cases.stages import Stage
from retour.errors import InvalidInput, NotVisible, PermissionRefused
from retour.identification.models import IdentityDocument, MatchReview
from retour.identification.reviews import decide_match, reviews_visible_to
from retour.people.display import display_name
from retour.people.models import Person
from retour.web.form_support import apply_refusal, signed_in
from retour.web.forms_actions import CHANNEL
from retour.web.identification.forms_matches import DecisionForm
from retour.web.match_reasons import field_scores
from retour.web.persons import ShownPerson, date_of_birth, persons_shown, shown_person
from retour.web.views import refused_page

D = MatchReview.Decision

@dataclass(frozen=True)
class QueueRow:
    url: str
    person: str
    person_born: str
    candidate: str
    candidate_born: str
    score: float
    decision: str
    unsure: bool


@dataclass(frozen=True)
class Side:
    person: ShownPerson
    documents: list[tuple[str, str, str]]  # kind, number, issuing country
    cases: list[tuple[str, str, str]]  # url, number, stage


def _crumbs(*more: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("Home"), reverse("home")), (_("Possible matches"), reverse("matches")), *more]


def _refused(request: HttpRequest, title: str, crumbs: Any = None) -> HttpResponse:
    return refused_page(request, title,
                        _("Your role does not allow identification work."), crumbs)


def _queue(user: Any) -> list[MatchReview]:
    """Pending pairs first, highest score first; then those an officer was unsure about."""
    found = reviews_visible_to(user).prefetch_related("person__names", "candidate__names")
    return [*found.filter(decision=D.PENDING).order_by("-score", "queued_at"),
            *found.filter(decision=D.UNSURE).order_by("-score", "queued_at")]


@require_GET
@login_required
def match_queue(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    title = _("Possible matches")
    if not user.can(Capability.IDENTIFY):
        return _refused(request, title)
    reviews = _queue(user)
    if reviews:
        record_access(user, "read", "match_review", [r.pk for r in reviews],
                      person_ids={p for r in reviews for p in (r.person_id, r.candidate_id)},
                      channel=CHANNEL)
    rows = [
        QueueRow(
            url=reverse("match", args=[r.pk]),
            person=display_name(r.person.names.all()), person_born=date_of_birth(r.person),
            candidate=display_name(r.candidate.names.all()),
            candidate_born=date_of_birth(r.candidate),
            score=r.score, decision=display.label(MatchReview.Decision, r.decision),
            unsure=r.decision == D.UNSURE,
        )
        for r in reviews
    ]
    return render(request, "web/matches/queue.html", {
        "rows": rows, "breadcrumbs": [(_("Home"), reverse("home")), (title, None)],
    })


def _review(user: Any, review_id: Any) -> MatchReview:
    review: MatchReview | None = (reviews_visible_to(user).select_related("decided_by")
                                  .filter(pk=review_id).first())
    if review is None:
        raise Http404
    return review


def _side(user: Any, person: Person) -> Side:
    documents = (IdentityDocument.objects.visible_to(user).filter(person=person)
                 .select_related("issuing_country"))
    cases = ReturnCase.objects.visible_to(user).filter(person=person).order_by("opened_at")
    return Side(
        person=shown_person(person, user),
        documents=[(display.label(IdentityDocument.Kind, d.kind), d.number,
                    display.country_name(d.issuing_country) or d.issuing_code) for d in documents],
        cases=[(reverse("case", args=[c.pk]), c.number, display.label(Stage, c.stage))
               for c in cases],
    )


def _review_page(request: HttpRequest, review: MatchReview, form: DecisionForm | None = None,
                 status: int = 200) -> HttpResponse:
    user = signed_in(request)
    persons = {p.pk: p for p in persons_shown(user).filter(
        pk__in=[review.person_id, review.candidate_id]).prefetch_related("documents")}
    if len(persons) < 2:  # a review of the member state always links two of its persons
        raise Http404
    record_access(user, "read", "match_review", [review.pk],
                  person_ids=[review.person_id, review.candidate_id], channel=CHANNEL)
    # A refused form is shown again with its reasons, even the refusal of a second decision.
    if form is None and review.decision in (D.PENDING, D.UNSURE):
        form = DecisionForm()
    context = {
        "review": review,
        "sides": [_side(user, persons[review.person_id]),
                  _side(user, persons[review.candidate_id])],
        "fields": field_scores(review.reasons),
        "decision": display.label(MatchReview.Decision, review.decision),
        "decided_by": (review.decided_by.get_full_name() or review.decided_by.username
                       if review.decided_by else ""),
        "form": form,
        "breadcrumbs": _crumbs((_("Possible match"), None)),
    }
    return render(request, "web/matches/review.html", context, status=status)


def _in_words(errors: dict[str, str], review: MatchReview) -> dict[str, str]:
    """The action names a firm decision taken before by its code; the page says it in words."""
    if "decision" not in errors or review.decision in (D.PENDING, D.UNSURE):
        return errors
    return {**errors, "decision": _("this pair was already decided: %(decision)s") % {
        "decision": display.label(MatchReview.Decision, review.decision)}}


@require_http_methods(["GET", "POST"])
@login_required
def match_review(request: HttpRequest, review_id: Any) -> HttpResponse:
    user = signed_in(request)
    title = _("Possible match")
    if not user.can(Capability.IDENTIFY):
        return _refused(request, title, _crumbs((title, None)))
    review = _review(user, review_id)
    if request.method == "GET":
        return _review_page(request, review)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            decided = decide_match(user, review.pk, decision=form.cleaned_data["decision"],
                                   reason=form.cleaned_data["reason"], channel=CHANNEL)
        except InvalidInput as exc:
            review = _review(user, review.pk)  # as it is now: another officer may have decided
            apply_refusal(form, _in_words(exc.errors, review))
        except NotVisible:
            raise Http404 from None
        except PermissionRefused as exc:
            return refused_page(request, title, str(exc), _crumbs((title, None)))
        else:
            messages.success(request, _("Your decision “%(decision)s” is recorded. Both "
                                        "records stay as they are.") % {
                "decision": display.label(MatchReview.Decision, decided.decision)})
            return redirect("matches")
    return _review_page(request, review, form, status=422)
