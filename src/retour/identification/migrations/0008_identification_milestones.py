import django.db.models.deletion
from django.db import migrations, models

# The milestones this app keeps were columns of the case core's milestone row: copied here
# before the case core drops them (cases 0011).
COLUMNS = ['identified_on']


def copy(apps, schema_editor):
    old = apps.get_model("cases", "CaseMilestones")
    new = apps.get_model("identification", "IdentificationMilestones")
    rows = [
        new(case_id=values["case_id"], **{c: values[c] for c in COLUMNS})
        for values in old.objects.values("case_id", *COLUMNS).iterator()
        if any(values[c] not in (None, "") for c in COLUMNS)
    ]
    new.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0010_task_kinds_registered'),
        ('identification', '0007_labels_on_choices'),
    ]

    operations = [
        migrations.CreateModel(
            name='IdentificationMilestones',
            fields=[
                ('case', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='identification_milestones', serialize=False, to='cases.returncase')),
                ('identified_on', models.DateField(blank=True, null=True)),
            ],
            options={
                'verbose_name_plural': 'identification milestones',
            },
        ),
        migrations.RunPython(copy, migrations.RunPython.noop),
    ]
