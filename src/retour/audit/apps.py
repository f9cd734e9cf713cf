from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core import checks


class AuditConfig(AppConfig):
    name = "retour.audit"

    def ready(self) -> None:
        from retour.accounts import administration
        from retour.audit import keys, signals
        from retour.audit.log import record_access

        signals.connect()
        # The administration (in an app below this one) records its changes here (ADR 13).
        administration.keep_access_log_with(record_access)
        if settings.AUDIT_KEY_GENERATE:
            keys.ensure_development_keys()
        checks.register(_keys_present)


def _keys_present(**kwargs: Any) -> list[checks.CheckMessage]:
    """Refuse to start a process that could not write the access log (fail fast)."""
    from retour.audit import keys

    try:
        keys.current_key()
    except keys.KeyMissing as missing:
        return [checks.Error(str(missing), id="audit.E001")]
    return []
