from django.apps import AppConfig
from django.utils.module_loading import import_string

from retour.env import ConfigurationError, env_list

SUBSCRIBERS_VARIABLE = "RETOUR_OUTBOX_SUBSCRIBERS"


class OutboxConfig(AppConfig):
    name = "retour.outbox"

    def ready(self) -> None:
        """Register the subscribers named in ``RETOUR_OUTBOX_SUBSCRIBERS`` (comma-separated
        dotted paths to ``Subscriber`` objects), so that a process can deliver for a subscriber
        no installed app registers. A name that cannot be imported stops the process here,
        not at the first event."""
        from retour.outbox.subscribers import Subscriber, subscribe

        for path in env_list(SUBSCRIBERS_VARIABLE, []):
            try:
                found = import_string(path)
            except ImportError as exc:
                raise ConfigurationError(
                    f"{SUBSCRIBERS_VARIABLE}: cannot import {path!r}: {exc}"
                ) from None
            if not isinstance(found, Subscriber):
                raise ConfigurationError(
                    f"{SUBSCRIBERS_VARIABLE}: {path!r} is a {type(found).__name__}, not a "
                    "retour.outbox.subscribers.Subscriber"
                )
            subscribe(found)
