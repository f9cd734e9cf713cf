# Non-cooperation, detention and reintegration referrals moved to their own apps (cooperation,
# detention, counselling), and the milestones of those apps, identification and readmission
# to projections of their own: the case core forgets the models (their tables are renamed by
# the apps) and drops the columns, which the apps copied first.
from django.db import migrations

MOVED_COLUMNS = [
    "non_cooperation_count", "first_non_cooperation_on",
    "identified_on",
    "readmission_requested_on", "readmission_replied_on", "readmission_outcome",
    "travel_document_issued_on",
    "detained_on", "detention_ended_on", "detention_end_reason",
    "reintegration_referred_on", "reintegration_accepted_on",
]


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0010_task_kinds_registered"),
        ("cooperation", "0002_milestones_from_the_case_row"),
        ("detention", "0002_milestones_from_the_case_row"),
        ("counselling", "0002_milestones_from_the_case_row"),
        ("identification", "0008_identification_milestones"),
        ("readmission", "0002_readmission_milestones"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="NonCooperation"),
                migrations.DeleteModel(name="DetentionPeriod"),
                migrations.DeleteModel(name="ReintegrationReferral"),
            ],
            database_operations=[],
        ),
        *(migrations.RemoveField(model_name="casemilestones", name=name)
          for name in MOVED_COLUMNS),
    ]
