# The table of the model moved from the case core takes this app's name.
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("cooperation", "0002_milestones_from_the_case_row"),
        ("cases", "0011_capabilities_moved_out"),
    ]

    operations = [
        migrations.AlterModelTable(name="noncooperation", table=None),
    ]
