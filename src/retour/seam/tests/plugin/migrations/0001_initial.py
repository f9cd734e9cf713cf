import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [("cases", "0011_capabilities_moved_out")]

    operations = [
        migrations.CreateModel(
            name="WelfareMilestones",
            fields=[
                ("case", models.OneToOneField(
                    on_delete=django.db.models.deletion.CASCADE, primary_key=True,
                    related_name="welfare_milestones", serialize=False, to="cases.returncase",
                )),
                ("welfare_visited_on", models.DateField(blank=True, null=True)),
            ],
        ),
    ]
