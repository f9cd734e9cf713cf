# A case event names its declared type and the version of the type's schema its payload was
# written under (retour.seam.events); the payload keeps what new_values held.
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0007_reintegration"),
    ]

    operations = [
        migrations.RenameField(model_name="caseevent", old_name="action", new_name="type"),
        migrations.RenameField(model_name="caseevent", old_name="new_values", new_name="payload"),
        migrations.AddField(
            model_name="caseevent",
            name="version",
            field=models.PositiveSmallIntegerField(default=1),
        ),
    ]
