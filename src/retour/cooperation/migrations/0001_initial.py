
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('cases', '0010_task_kinds_registered'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='CooperationMilestones',
            fields=[
                ('case', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='cooperation_milestones', serialize=False, to='cases.returncase')),
                ('non_cooperation_count', models.PositiveSmallIntegerField(default=0)),
                ('first_non_cooperation_on', models.DateField(blank=True, null=True)),
            ],
            options={
                'verbose_name_plural': 'cooperation milestones',
            },
        ),
        # The model moved from the case core (retour.cases); its table stays until the
        # last migration of this app renames it.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='NonCooperation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('refused_to_attend', 'refused to attend an interview or appointment'), ('false_identity', 'gave a false identity'), ('destroyed_documents', 'destroyed or concealed documents'), ('refused_biometrics', 'refused to give fingerprints or a photograph'), ('resistance', 'resisted removal'), ('other', 'other obstruction')], max_length=30)),
                        ('occurred_on', models.DateField()),
                        ('evidence', models.TextField(help_text='what shows it: a report, a witness, a document')),
                        ('consequence', models.CharField(choices=[('none', 'none (yet)'), ('detention_extended', 'ground to extend detention (Directive 2008/115/EC Art. 15(6)(a))'), ('risk_of_absconding', 'indicator of a risk of absconding (Directive 2008/115/EC Art. 3(7))'), ('removal_failed', 'removal could not be carried out'), ('other', 'other consequence')], max_length=30)),
                        ('recorded_at', models.DateTimeField()),
                        ('case', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='non_cooperation', to='cases.returncase')),
                        ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'cases_noncooperation',
                        'verbose_name_plural': 'non-cooperation',
                        'ordering': ['occurred_on', 'id'],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
