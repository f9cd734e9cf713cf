from django.db import migrations

ROLES = [
    "case_officer", "return_counsellor", "identification_officer", "detention_officer",
    "operations_planner", "supervisor", "statistician", "auditor", "eu_coordinator",
    "administrator",
]


def create_roles(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for code in ROLES:
        Role.objects.get_or_create(code=code)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
