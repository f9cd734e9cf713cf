"""Settings for the test suite: the normal settings with a test secret and fast hashing.

The database still comes from RETOUR_DATABASE_URL, so the same suite runs on SQLite and on
PostgreSQL.
"""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("RETOUR_SECRET_KEY", "test-secret-not-for-production")
# The access log's keys: made on start-up, in a folder of this test process (and of the
# processes it starts, which inherit the variable).
os.environ.setdefault(
    "RETOUR_AUDIT_KEY_DIR", str(Path(tempfile.gettempdir()) / f"retour-audit-keys-{os.getpid()}")
)

os.environ.setdefault(
    "RETOUR_DATA_KEY_DIR", str(Path(tempfile.gettempdir()) / f"retour-data-keys-{os.getpid()}")
)

from retour import settings as _production
from retour.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The test client asks over plain HTTP as "testserver", and static files are found where they
# are, not collected first.
SECURE_SSL_REDIRECT = False
# Chromium refuses __Host- cookies from the browser tests' plain-HTTP live server; the
# production names are checked in retour/tests/test_cookies.py.
PRODUCTION_COOKIE_NAMES = (_production.SESSION_COOKIE_NAME, _production.CSRF_COOKIE_NAME)
SESSION_COOKIE_NAME, CSRF_COOKIE_NAME = "sessionid", "csrftoken"
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]  # noqa: F405
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
AUDIT_KEY_GENERATE = True
DATA_KEY_GENERATE = True

# A file, not memory, for the SQLite test database, so that tests with several threads (each
# with its own connection) see the same database, as they do on PostgreSQL.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # One file per test process, so that runs in parallel do not share it.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(tempfile.gettempdir()) / f"test-retour-{os.getpid()}.sqlite3")
    }

# A test sends many API requests as one user within a minute; the rate limit's own test sets
# a small rate.
API_RATE_PER_USER = "1000000/m"
