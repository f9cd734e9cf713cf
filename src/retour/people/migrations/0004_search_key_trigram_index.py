"""A trigram index on the names' search keys, on PostgreSQL only (issue 13).

The case search finds a name by any word in it (``search_key LIKE '%word%'``), which a B-tree
cannot answer: without this index PostgreSQL reads every name (60-90 ms at 100,000 cases, ten
times that at a million); with it, 3 ms. ``pg_trgm`` ships with PostgreSQL and is a trusted
extension (PostgreSQL 13 and later): the database's owner may create it.

The index is not declared on the model (no ``Meta.indexes``, no ``django.contrib.postgres``):
SQLite has no such index, and the model's state stays the same on both; on SQLite this
migration does nothing.
"""

from django.db import migrations

INDEX = "people_personname_search_key_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON people_personname "
        "USING gin (search_key gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # The extension stays: other indexes or databases' users may rely on it.
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ("people", "0003_vulnerability_details"),
    ]

    operations = [
        migrations.RunPython(create, drop, elidable=False),
    ]
