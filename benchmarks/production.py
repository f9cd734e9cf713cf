"""The production settings for a benchmark process: a secret key and the key folders that
production refuses to start without (the access log's, ADR 15; the health data's, ADR 19),
made fresh in a temporary folder, with their first keys."""

from __future__ import annotations

import os
import secrets
import tempfile


def setup(database_url: str | None = None) -> None:
    """Point the settings at ``database_url`` (default: the environment's), set up Django
    with the production settings and make the keys a first start needs."""
    if database_url is not None:
        os.environ["RETOUR_DATABASE_URL"] = database_url
    os.environ.setdefault("RETOUR_SECRET_KEY", secrets.token_urlsafe(32))
    folder = tempfile.mkdtemp(prefix="retour-bench-keys-")
    os.environ.setdefault("RETOUR_AUDIT_KEY_DIR", os.path.join(folder, "audit"))
    os.environ.setdefault("RETOUR_DATA_KEY_DIR", os.path.join(folder, "data"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "retour.settings"
    import django

    django.setup()
    from retour.audit import keys as audit_keys
    from retour.encryption import keys as data_keys

    if audit_keys.first_key() is None:
        audit_keys.new_key(None)
        audit_keys.new_signing_key()
    if not data_keys.ids():
        data_keys.new_key()
