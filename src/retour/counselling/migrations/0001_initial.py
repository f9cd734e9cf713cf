
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
            name='CounsellingMilestones',
            fields=[
                ('case', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='counselling_milestones', serialize=False, to='cases.returncase')),
                ('reintegration_referred_on', models.DateField(blank=True, null=True)),
                ('reintegration_accepted_on', models.DateField(blank=True, null=True)),
            ],
            options={
                'verbose_name_plural': 'counselling milestones',
            },
        ),
        # The model moved from the case core (retour.cases); its table stays until the
        # last migration of this app renames it.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ReintegrationReferral',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('referred_on', models.DateField()),
                        ('programme', models.CharField(help_text='e.g. Frontex JRS, national AVRR', max_length=200)),
                        ('outcome', models.CharField(blank=True, choices=[('accepted', 'accepted by the person'), ('declined', 'declined by the person'), ('withdrawn', 'withdrawn')], max_length=10)),
                        ('outcome_on', models.DateField(blank=True, null=True)),
                        ('note', models.TextField(blank=True)),
                        ('case', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reintegration_referrals', to='cases.returncase')),
                        ('referred_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.authority')),
                    ],
                    options={
                        'db_table': 'cases_reintegrationreferral',
                        'ordering': ['referred_on', 'id'],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('outcome', '')), fields=('case',), name='one_pending_reintegration_referral_per_case')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
