# The case's deadlines become timers (ADR 12): the model and its table are renamed, every row
# kept; each row is given its subject (the case itself), the rule and source of the legal
# parameter that set it, and the authority that must act.

from collections import defaultdict

import django.db.models.deletion
from django.db import migrations, models
from django.utils.timezone import localdate

# Kinds the responsible authority must meet; the hand-over's receiver must accept it.
RESPONSIBLE = ("return_decision_due", "postponement_end")
BATCH = 1000


def _responsible(apps):
    """Case key → the days on which its responsible authority became each one, in order, from
    the events that set it (the opening, each accepted hand-over)."""
    events = apps.get_model("cases", "CaseEvent").objects.filter(
        payload__has_key="responsible_authority_id"
    ).order_by("case_id", "sequence")
    found = defaultdict(list)
    for case_id, occurred_at, payload in events.values_list(
        "case_id", "occurred_at", "payload"
    ).iterator():
        found[case_id].append((localdate(occurred_at), payload["responsible_authority_id"]))
    return found


def fill(apps, schema_editor):
    Timer = apps.get_model("cases", "Timer")
    Handover = apps.get_model("cases", "Handover")
    responsible = _responsible(apps)
    changed = []
    rows = Timer.objects.select_related("case", "parameter").order_by("pk")
    for timer in rows.iterator(chunk_size=BATCH):
        timer.subject_key = str(timer.case_id)
        if timer.parameter is not None:
            timer.rule, timer.source = timer.parameter.code, timer.parameter.source
        if timer.kind in RESPONSIBLE:
            # An open timer is the responsible authority's now; a closed one was the
            # authority's that had the case when it closed (a hand-over accepted the same
            # day is taken to come first).
            timer.authority_id = timer.case.responsible_authority_id
            if timer.closed_on is not None:
                earlier = [a for day, a in responsible[timer.case_id] if day <= timer.closed_on]
                timer.authority_id = earlier[-1] if earlier else timer.authority_id
        elif timer.kind == "handover_acceptance":
            handovers = Handover.objects.filter(case_id=timer.case_id).order_by("-sent_at")
            sent = handovers.filter(sent_at__date__lte=timer.starts_on).first() or handovers.first()
            timer.authority_id = sent.to_authority_id if sent else None
        changed.append(timer)
        if len(changed) == BATCH:
            Timer.objects.bulk_update(changed, ["subject_key", "rule", "source", "authority"])
            changed = []
    Timer.objects.bulk_update(changed, ["subject_key", "rule", "source", "authority"])


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_roles'),
        ('cases', '0011_capabilities_moved_out'),
        ('reference', '0002_labels_on_choices'),
    ]

    operations = [
        migrations.RenameModel('Deadline', 'Timer'),
        migrations.RenameIndex(
            model_name='timer',
            new_name='cases_timer_status_4461f8_idx',
            old_name='cases_deadl_status_737d37_idx',
        ),
        migrations.RenameIndex(
            model_name='timer',
            new_name='cases_timer_case_id_c8ea45_idx',
            old_name='cases_deadl_case_id_4b08e0_idx',
        ),
        migrations.AlterField(
            model_name='timer',
            name='case',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='timers', to='cases.returncase'),
        ),
        migrations.AlterField(
            model_name='timer',
            name='decision',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='timers', to='cases.decision'),
        ),
        migrations.AlterField(
            model_name='timer',
            name='kind',
            field=models.CharField(max_length=50),
        ),
        migrations.AddField(
            model_name='timer',
            name='subject',
            field=models.CharField(default='case', help_text='the kind of record the due date belongs to', max_length=40),
        ),
        migrations.AddField(
            model_name='timer',
            name='subject_key',
            field=models.CharField(default='', help_text="that record's key, as text", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='timer',
            name='rule',
            field=models.CharField(blank=True, help_text="the rule that set the due date: a legal parameter's code, an instrument's rule name; empty when a decision or a document gives the date", max_length=100),
        ),
        migrations.AddField(
            model_name='timer',
            name='source',
            field=models.TextField(blank=True, help_text="the rule's source, as the rule gives it"),
        ),
        migrations.AddField(
            model_name='timer',
            name='authority',
            field=models.ForeignKey(blank=True, help_text='the authority that must act; none when the person or another state must', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.authority'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='timer',
            index=models.Index(fields=['subject', 'subject_key', 'status'], name='cases_timer_subject_1e565d_idx'),
        ),
    ]
