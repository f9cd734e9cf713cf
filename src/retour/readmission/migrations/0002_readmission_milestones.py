import django.db.models.deletion
from django.db import migrations, models

# The milestones this app keeps were columns of the case core's milestone row: copied here
# before the case core drops them (cases 0011).
COLUMNS = ['readmission_requested_on', 'readmission_replied_on', 'readmission_outcome', 'travel_document_issued_on']


def copy(apps, schema_editor):
    old = apps.get_model("cases", "CaseMilestones")
    new = apps.get_model("readmission", "ReadmissionMilestones")
    rows = [
        new(case_id=values["case_id"], **{c: values[c] for c in COLUMNS})
        for values in old.objects.values("case_id", *COLUMNS).iterator()
        if any(values[c] not in (None, "") for c in COLUMNS)
    ]
    new.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0010_task_kinds_registered'),
        ('readmission', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='ReadmissionMilestones',
            fields=[
                ('case', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='readmission_milestones', serialize=False, to='cases.returncase')),
                ('readmission_requested_on', models.DateField(blank=True, null=True)),
                ('readmission_replied_on', models.DateField(blank=True, null=True)),
                ('readmission_outcome', models.CharField(blank=True, help_text='accepted / tacitly_accepted / rejected', max_length=20)),
                ('travel_document_issued_on', models.DateField(blank=True, null=True)),
            ],
            options={
                'verbose_name_plural': 'readmission milestones',
            },
        ),
        migrations.RunPython(copy, migrations.RunPython.noop),
    ]
