# A request's due dates become timers on its case (ADR 12): each date a request kept in a
# column of its own (the reply, the travel document, the transfer) and the travel document's
# validity are copied to a timer, open while the request waits for it and closed as its steps
# left it; then the three columns go (the validity stays: it is the document's particular).

from django.db import migrations

SUBJECT = "readmission_request"
AWAITING_REPLY = {"submitted", "acknowledged", "needs_interview"}
TRANSFER_RUNS = {"accepted", "tacitly_accepted", "travel_document_requested",
                 "travel_document_issued"}
COLUMNS = {
    "readmission_reply": "reply_due_on",
    "readmission_travel_document": "travel_document_due_on",
    "readmission_transfer": "transfer_due_on",
}


def _days_of(apps, event_type):
    """Request key → the day the system took ``event_type`` on it."""
    events = apps.get_model("cases", "CaseEvent").objects.filter(type=event_type)
    return {
        int(e.payload["readmission_request"]["id"]): e.occurred_at.date()
        for e in events.only("payload", "occurred_at").iterator()
    }


def to_timers(apps, schema_editor):
    Request = apps.get_model("readmission", "ReadmissionRequest")
    Timer = apps.get_model("cases", "Timer")
    tacit = _days_of(apps, "record_tacit_acceptance")
    expired = _days_of(apps, "expire_travel_document")
    made = []
    for r in Request.objects.select_related("instrument", "case").order_by("pk").iterator():
        rules = (r.instrument.rules or {}) if r.instrument is not None else {}

        def timer(kind, starts_on, due_on, state, rule="", authority=None):
            status, closed_on = state
            made.append(Timer(
                case_id=r.case_id, subject=SUBJECT, subject_key=str(r.pk), kind=kind,
                starts_on=starts_on or due_on, due_on=due_on, rule=rule,
                source=(rules.get(rule) or {}).get("source", "") if rule else "",
                authority_id=authority, status=status, closed_on=closed_on,
            ))

        responsible = r.case.responsible_authority_id
        if r.reply_due_on is not None:
            if r.status in AWAITING_REPLY:
                state = ("open", None)
            elif r.pk in tacit:
                state = ("lapsed", tacit[r.pk])
            elif r.replied_on is not None:
                state = ("met", r.replied_on)
            else:
                state = ("cancelled", r.closed_on)
            rule = "accelerated_reply_limit" if r.procedure == "accelerated" else "reply_limit"
            timer("readmission_reply", r.submitted_on, r.reply_due_on, state, rule)
        if r.travel_document_due_on is not None:
            if r.status == "travel_document_requested":
                state = ("open", None)
            elif r.travel_document_issued_on is not None:
                state = ("met", r.travel_document_issued_on)
            else:
                state = ("cancelled", r.closed_on)
            timer("readmission_travel_document", r.travel_document_requested_on,
                  r.travel_document_due_on, state, "travel_document_issuance")
        if r.transfer_due_on is not None:
            if r.status in TRANSFER_RUNS:
                state = ("open", None)
            elif r.status == "used":
                state = ("met", r.closed_on)
            else:
                state = ("cancelled", expired.get(r.pk, r.closed_on))
            timer("readmission_transfer", r.replied_on, r.transfer_due_on, state,
                  "transfer_window", responsible)
        if r.travel_document_valid_until is not None:
            if r.status == "travel_document_issued":
                state = ("open", None)
            elif r.status == "used":
                state = ("met", r.closed_on)
            elif r.status == "expired":
                state = ("lapsed", expired.get(r.pk, r.closed_on))
            else:
                state = ("cancelled", r.closed_on)
            timer("readmission_travel_document_validity", r.travel_document_issued_on,
                  r.travel_document_valid_until, state, authority=responsible)
    Timer.objects.bulk_create(made, batch_size=1000)


def from_timers(apps, schema_editor):
    Request = apps.get_model("readmission", "ReadmissionRequest")
    Timer = apps.get_model("cases", "Timer")
    found = Timer.objects.filter(subject=SUBJECT)
    for timer in found.filter(kind__in=list(COLUMNS)).order_by("pk").iterator():
        Request.objects.filter(pk=int(timer.subject_key)).update(
            **{COLUMNS[timer.kind]: timer.due_on}
        )
    found.delete()


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0012_timers'),
        ('readmission', '0002_readmission_milestones'),
    ]

    operations = [
        migrations.RunPython(to_timers, from_timers),
        migrations.RemoveField(
            model_name='readmissionrequest',
            name='reply_due_on',
        ),
        migrations.RemoveField(
            model_name='readmissionrequest',
            name='transfer_due_on',
        ),
        migrations.RemoveField(
            model_name='readmissionrequest',
            name='travel_document_due_on',
        ),
    ]
