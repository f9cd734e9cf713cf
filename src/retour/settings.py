"""Django settings for Retour, read from ``RETOUR_*`` environment variables (see README)."""

from __future__ import annotations

import re
from pathlib import Path

import dj_database_url

from retour.env import ConfigurationError, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = Path(env_str("RETOUR_DATA_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("RETOUR_DEBUG", False)
SECRET_KEY = env_str("RETOUR_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ConfigurationError(
            "RETOUR_SECRET_KEY is not set: set it to a long random string "
            "(or RETOUR_DEBUG=true for a development machine)"
        )
    SECRET_KEY = "insecure-development-key-only-for-RETOUR_DEBUG"  # noqa: S105

# Production names its hosts; a development machine also answers Django's test client.
ALLOWED_HOSTS = env_list(
    "RETOUR_ALLOWED_HOSTS", ["127.0.0.1", "localhost", *(["testserver"] if DEBUG else [])]
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "csp",
    # Sign-in security (ADR 0014): lockout tiers, one-time codes from an authenticator app.
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # Security keys and passkeys (WebAuthn) beside the app: django-otp devices too (ADR 0014).
    "django_otp_webauthn",
    "retour.reference",
    "retour.accounts",
    "retour.audit",
    "retour.outbox",
    "retour.people",
    "retour.seam",
    "retour.cases",
    "retour.cooperation",
    "retour.detention",
    "retour.counselling",
    "retour.identification",
    "retour.readmission",
    "retour.statistics",
    "retour.api",
    "retour.simulation",
    # Running it: static files, backup and restore (docs/operations.md).
    "retour.operations",
    "retour.retention",
    "retour.encryption",
    "retour.web",
    # A capability of a member state's own, installed beside the product's (its actions,
    # events, projections, pages and API plug into the seam; ADR 0011).
    *env_list("RETOUR_EXTRA_APPS", []),
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files straight after the security headers, before any session or database work.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "retour.accounts.signin.session.AbsoluteSessionLifetime",
    # A session ended elsewhere (by its user, an administrator, a newer sign-in) signs out.
    "retour.accounts.sessions.tracking.EndedSessions",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "retour.web.middleware.NoStoreWhenSignedIn",
    # A refused request of a signed-in user is an entry of the access log (ADR 0015).
    "retour.audit.middleware.LogRefusedRequests",
    # Last, so that it sees the response of the sign-in that tripped the lockout (ADR 0014).
    "axes.middleware.AxesMiddleware",
]

# No inline scripts or styles anywhere: every script and stylesheet is a vendored static file.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

ROOT_URLCONF = "retour.urls"
WSGI_APPLICATION = "retour.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "retour.web.context_processors.session",
            ],
        },
    },
]

_DEFAULT_DATABASE_URL = f"sqlite:///{DATA_DIR / 'retour.sqlite3'}"
try:
    _database = dj_database_url.parse(
        env_str("RETOUR_DATABASE_URL", _DEFAULT_DATABASE_URL), conn_max_age=60
    )
except ValueError as exc:
    raise ConfigurationError(f"RETOUR_DATABASE_URL: {exc}") from None
if _database["ENGINE"] == "django.db.backends.sqlite3":
    Path(_database["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets readers work while the single writer commits; IMMEDIATE takes the write lock at
    # BEGIN so two writers queue instead of failing half-way with "database is locked".
    _database["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    _database["CONN_MAX_AGE"] = 0
elif _database["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: the pages' queries are short, but those that read many index
    # entries (the count of the case list) cost enough for PostgreSQL to compile them, which
    # took 200 ms of a 360 ms count at a million cases (docs/operations.md, Load).
    _options = _database.setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "retour.accounts.signin.passwords.BreachedPasswordValidator"},
    {"NAME": "retour.accounts.signin.passwords.ContextPasswordValidator"},
]

# Sign-in security (ADR 0014). Axes first: it refuses a locked-out sign-in before any password
# is checked, and counts failures per username and address together, so that one attacker
# cannot lock every colleague out from one address.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = "retour.accounts.signin.lockout.cool_off"
AXES_LOCKOUT_CALLABLE = "retour.accounts.signin.lockout.locked_out_response"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_RESET_ON_SUCCESS = True
# A reverse proxy in front: how many, so that the client's address is read, not the proxy's.
PROXY_COUNT = env_int("RETOUR_PROXY_COUNT", 0, minimum=0)
# The client's address for the lockout and the sessions (retour.accounts.signin.lockout).
AXES_CLIENT_IP_CALLABLE = "retour.accounts.signin.lockout.client_address"
OTP_TOTP_ISSUER = "Retour"
# Security keys and passkeys (WebAuthn, django-otp-webauthn's credentials): the relying party is
# the site's domain (by default the first name of RETOUR_ALLOWED_HOSTS, "localhost" on a
# development machine) and the browser must be on one of the origins. A key registered under
# one domain works on that domain only (docs/operations.md).
OTP_WEBAUTHN_RP_ID = env_str("RETOUR_WEBAUTHN_RP_ID", "") or next(
    (host.lstrip(".") for host in ALLOWED_HOSTS
     if host.lstrip(".") and host != "*" and ":" not in host
     and not host.replace(".", "").isdigit()),
    "localhost",
)
OTP_WEBAUTHN_ALLOWED_ORIGINS = env_list(
    "RETOUR_WEBAUTHN_ORIGINS",
    ["http://localhost:8000"] if OTP_WEBAUTHN_RP_ID == "localhost"
    else [f"https://{OTP_WEBAUTHN_RP_ID}"],
)
OTP_WEBAUTHN_RP_NAME = "Retour"
# A key is the second step after the password, never a way in on its own.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("nl", "Nederlands")]
TIME_ZONE = env_str("RETOUR_TIME_ZONE", "Europe/Brussels")
USE_I18N = True
LOCALE_PATHS = [Path(__file__).resolve().parent / "locale"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
# `retour collectstatic` gives each file a name with its hash and a compressed copy, so that
# WhiteNoise can let browsers keep them for a year (docs/operations.md).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "retour.operations.staticfiles.StaticFiles"},
}

SESSION_COOKIE_AGE = env_int("RETOUR_SESSION_SECONDS", 30 * 60, minimum=60)
SESSION_SAVE_EVERY_REQUEST = True
# However active, a session ends this long after its sign-in (ADR 0014).
SESSION_ABSOLUTE_SECONDS = env_int("RETOUR_SESSION_ABSOLUTE_SECONDS", 12 * 60 * 60, minimum=60)
# Sessions one account may have at once (a desk, a laptop, a phone); a new sign-in ends the one
# used least recently beyond that (retour.accounts.sessions).
SESSIONS_PER_USER = env_int("RETOUR_SESSIONS_PER_USER", 3, minimum=1)
# A personal-data export or the administration asks for password and code again after this.
REAUTHENTICATION_SECONDS = env_int("RETOUR_REAUTHENTICATION_SECONDS", 10 * 60, minimum=60)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
# The __Host- prefix makes browsers refuse the cookies unless they are Secure, for this host
# only and for the whole site: no other host of the domain can set or read them.
SESSION_COOKIE_NAME = "sessionid" if DEBUG else "__Host-session"
CSRF_COOKIE_NAME = "csrftoken" if DEBUG else "__Host-csrftoken"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Production runs behind a TLS proxy (deploy/nginx.conf) that sets X-Forwarded-Proto itself,
# never passing on a client's: a request is secure when the proxy says it came over HTTPS.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = not DEBUG
# The load balancer's health check may ask over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = 0 if DEBUG else env_int("RETOUR_HSTS_SECONDS", 365 * 24 * 3600, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
# The largest form or JSON body (ADR 0017): every text field at its limit fits many times
# over; a bigger body is refused before it is parsed (the API answers 413).
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

# Counts below this are withheld from statistics that leave the member state (the Eurostat
# exports, ``retour export eirt``); see ``statistics/suppression.py``.
SUPPRESSION_THRESHOLD = env_int("RETOUR_SUPPRESSION_THRESHOLD", 5, minimum=1)

# A folder that receives every event without personal data, one file per event
# (``retour.seam.feed``); empty: no feed.
EVENT_FEED_DIR = env_str("RETOUR_EVENT_FEED_DIR", "")

# The access log's keys (ADR 0015), in a folder outside the database: the chain's HMAC keys,
# one file per key, and the key pair that signs the anchors. A development machine makes them
# under the data folder on start-up; production refuses to start without the folder named.
_audit_keys = env_str("RETOUR_AUDIT_KEY_DIR", "")
if not _audit_keys and not DEBUG:
    raise ConfigurationError(
        "RETOUR_AUDIT_KEY_DIR is not set: name a folder outside the database for the access "
        "log's keys and create the first with `retour audit new-key` "
        "(or RETOUR_DEBUG=true for a development machine)"
    )
AUDIT_KEY_DIR = Path(_audit_keys or DATA_DIR / "audit-keys")
AUDIT_KEY_GENERATE = DEBUG
# Where `retour audit anchor` appends the signed heads: best on another machine or a store
# that only appends; by default beside the keys.
AUDIT_ANCHOR_FILE = Path(
    env_str("RETOUR_AUDIT_ANCHOR_FILE", "") or AUDIT_KEY_DIR / "anchors.jsonl"
)

# The keys that encrypt special categories of personal data at rest (ADR 19), in a folder
# outside the database; as for the access log's keys, a development machine makes one on
# start-up and production refuses to start without the folder named.
_data_keys = env_str("RETOUR_DATA_KEY_DIR", "")
if not _data_keys and not DEBUG:
    raise ConfigurationError(
        "RETOUR_DATA_KEY_DIR is not set: name a folder outside the database for the keys that "
        "encrypt health data and create the first with `retour encryption new-key` "
        "(or RETOUR_DEBUG=true for a development machine)"
    )
DATA_KEY_DIR = Path(_data_keys or DATA_DIR / "data-keys")
DATA_KEY_GENERATE = DEBUG

# The API's rate limit per user (django-ninja's throttling; ASVS 2.4.1): "N/s", "N/m" or
# "N/h". It counts in a cache table in the database, so every server process counts together.
API_RATE_PER_USER = env_str("RETOUR_API_RATE", "600/m")
if not re.fullmatch(r"[1-9][0-9]*/[smh]", API_RATE_PER_USER):
    raise ConfigurationError(
        f"RETOUR_API_RATE={API_RATE_PER_USER!r}: write requests per second, minute or hour "
        "as N/s, N/m or N/h, e.g. 600/m"
    )
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "retour_cache",
    }
}
NINJA_NUM_PROXIES = PROXY_COUNT

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("RETOUR_LOG_LEVEL", "WARNING")},
}
