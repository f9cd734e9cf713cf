"""Settings for the test suite: the normal settings with a test secret and fast hashing.

The database still comes from RETOUR_DATABASE_URL, so the same suite runs on SQLite and on
PostgreSQL.
"""

import os

os.environ.setdefault("RETOUR_SECRET_KEY", "test-secret-not-for-production")

from retour.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
