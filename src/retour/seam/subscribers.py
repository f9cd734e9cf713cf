"""The seam's own subscriber: the feed of events without personal data, when configured."""

from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_lazy

from retour.outbox.subscribers import Subscriber, subscribe
from retour.seam.feed import FolderFeed

if settings.EVENT_FEED_DIR:
    subscribe(Subscriber(
        "event-feed", FolderFeed(Path(settings.EVENT_FEED_DIR)),
        description=gettext_lazy("Every event, without personal data, as files in a folder"),
    ))
