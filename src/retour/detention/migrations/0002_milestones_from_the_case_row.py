# The milestones this app keeps were columns of the case core's milestone row: copied here
# before the case core drops them (cases 0011).
from django.db import migrations

COLUMNS = ['detained_on', 'detention_ended_on', 'detention_end_reason']


def copy(apps, schema_editor):
    old = apps.get_model("cases", "CaseMilestones")
    new = apps.get_model("detention", "DetentionMilestones")
    rows = [
        new(case_id=values["case_id"], **{c: values[c] for c in COLUMNS})
        for values in old.objects.values("case_id", *COLUMNS).iterator()
        if any(values[c] not in (None, "", 0) for c in COLUMNS)
    ]
    new.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ("detention", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(copy, migrations.RunPython.noop),
    ]
