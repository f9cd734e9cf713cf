
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0002_roles'),
        ('cases', '0010_task_kinds_registered'),
    ]

    operations = [
        migrations.CreateModel(
            name='DetentionMilestones',
            fields=[
                ('case', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='detention_milestones', serialize=False, to='cases.returncase')),
                ('detained_on', models.DateField(blank=True, null=True)),
                ('detention_ended_on', models.DateField(blank=True, null=True)),
                ('detention_end_reason', models.CharField(blank=True, max_length=30)),
            ],
            options={
                'verbose_name_plural': 'detention milestones',
            },
        ),
        # The model moved from the case core (retour.cases); its table stays until the
        # last migration of this app renames it.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='DetentionPeriod',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('ordered_on', models.DateField()),
                        ('ground', models.CharField(choices=[('risk_of_absconding', 'risk of absconding (Directive 2008/115/EC Art. 15(1)(a))'), ('hampers_return', 'avoids or hampers the preparation of return or removal (Directive 2008/115/EC Art. 15(1)(b))')], max_length=30)),
                        ('facility', models.CharField(max_length=200)),
                        ('ended_on', models.DateField(blank=True, null=True)),
                        ('end_reason', models.CharField(blank=True, choices=[('removed', 'removed (the person was returned)'), ('no_prospect_of_removal', 'no reasonable prospect of removal (Directive 2008/115/EC Art. 15(4))'), ('maximum_reached', 'maximum period reached (Directive 2008/115/EC Art. 15(5)-(6))'), ('released_by_court', 'released by a court (Directive 2008/115/EC Art. 15(2))'), ('alternative', 'alternative to detention'), ('other', 'other reason')], max_length=30)),
                        ('note', models.TextField(blank=True)),
                        ('case', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='detention_periods', to='cases.returncase')),
                        ('ordered_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.authority')),
                    ],
                    options={
                        'db_table': 'cases_detentionperiod',
                        'ordering': ['ordered_on', 'id'],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('ended_on__isnull', True)), fields=('case',), name='one_open_detention_per_case')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
